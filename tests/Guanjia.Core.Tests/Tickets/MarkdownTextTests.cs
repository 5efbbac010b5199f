using Guanjia.Core.Tickets;

namespace Guanjia.Core.Tests.Tickets;

public class MarkdownTextTests
{
    [Theory]
    [InlineData("<@all> 快来", "<@")]
    [InlineData("找 <@zhangsan> 处理", "<@")]
    [InlineData("[点此领奖](https://evil.example/x)", "](")]
    [InlineData("[点此领奖](https://evil.example/x)", "https://")]
    [InlineData("<font color=\"warning\">紧急</font>", "<font")]
    [InlineData("**加粗**", "**")]
    [InlineData("`code`", "`")]
    [InlineData("&lt;@all&gt;", "&lt;")]
    [InlineData("正文\n# 标题", "\n")]
    [InlineData("正文\r\n> 引用", "\n")]
    [InlineData("正文\u2028# 标题", "\u2028")]
    public void Inert_RemovesMarkupThatWeComWouldInterpret(string input, string mustNotSurvive)
    {
        Assert.DoesNotContain(mustNotSurvive, MarkdownText.Inert(input), StringComparison.Ordinal);
    }

    [Fact]
    public void Inert_KeepsOrdinaryChineseReportsAsTheyWere()
    {
        const string report = "南路74号院3单元楼道的灭火器过期了，麻烦尽快更换（已拍照）！电话请联系物业。";

        Assert.Equal(report, MarkdownText.Inert(report));
    }

    [Fact]
    public void Inert_ShowsMarkupCharactersAsTheirFullWidthTwins()
    {
        Assert.Equal("＜@all＞ ［x］(https：//e.example) ＊＊b＊＊ ＃1", MarkdownText.Inert("<@all> [x](https://e.example) **b** #1"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Inert_OfNothing_IsEmpty(string? input) => Assert.Equal("", MarkdownText.Inert(input));
}
