using Guanjia.WeCom.Callbacks;

namespace Guanjia.WeCom.Tests.Callbacks;

public class BotMentionTests
{
    [Theory]
    [InlineData("@小巷管家 74号院漏水", "74号院漏水")]
    [InlineData("@小巷管家　74号院漏水", "74号院漏水")] // full-width space U+3000
    [InlineData("@小巷管家\u200574号院漏水", "74号院漏水")] // U+2005 inserted by clients after a mention
    [InlineData("@小巷管家 @王网格员 74号院漏水", "74号院漏水")]
    [InlineData("  @RobotA hello robot", "hello robot")]
    [InlineData("＠小巷管家 全角at", "全角at")]
    [InlineData("@小巷管家", "")]
    [InlineData("@小巷管家 ", "")]
    public void StripLeading_WithMention_RemovesIt(string input, string expected)
    {
        Assert.Equal(expected, BotMention.StripLeading(input));
    }

    [Theory]
    [InlineData("74号院漏水")]
    [InlineData("联系 zhang@example.org 处理")]
    [InlineData("")]
    public void StripLeading_WithoutLeadingMention_ReturnsInputUnchanged(string input)
    {
        Assert.Same(input, BotMention.StripLeading(input));
    }

    [Fact]
    public void StripLeading_KeepsMentionsAfterTheText()
    {
        Assert.Equal("请 @王网格员 看一下", BotMention.StripLeading("@小巷管家 请 @王网格员 看一下"));
    }

    [Theory]
    [InlineData("@小巷管家74号院漏水", "74号院漏水")]
    [InlineData("@小巷管家 @王网格员 74号院漏水", "74号院漏水")]
    [InlineData("@王网格员 74号院漏水", "74号院漏水")]
    public void StripLeading_WithKnownBotName_StripsItEvenWithoutSpace(string input, string expected)
    {
        Assert.Equal(expected, BotMention.StripLeading(input, "小巷管家"));
    }

    [Fact]
    public void StripLeading_WithoutBotNameAndNoSpace_DropsTheWholeToken()
    {
        // Documented limitation: without the bot's name the end of the mention is unknowable.
        Assert.Equal("", BotMention.StripLeading("@小巷管家74号院漏水"));
    }
}
