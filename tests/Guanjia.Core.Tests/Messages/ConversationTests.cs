using Guanjia.Core.Messages;
using Guanjia.Core.Tests.Commands;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Messages;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class ConversationTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData("你好")]
    [InlineData("您好！")]
    [InlineData("大家早上好")]
    [InlineData("在吗？")]
    [InlineData("谢谢")]
    [InlineData("谢谢小巷管家，辛苦了🙏")]
    [InlineData("收到")]
    [InlineData("好的")]
    [InlineData("好的好的")]
    [InlineData("嗯嗯，知道了")]
    [InlineData("OK")]
    [InlineData("👌")]
    [InlineData("👍👍")]
    [InlineData("😂")]
    [InlineData("测试")]
    [InlineData("测试一下")]
    [InlineData("你是谁")]
    [InlineData("你是机器人吗？")]
    [InlineData("怎么上报")]
    [InlineData("请问怎么上报问题？")]
    [InlineData("积分怎么换")]
    [InlineData("我的积分能换什么")]
    [InlineData("谢谢，这么快就弄好了")]
    [InlineData("hello")]
    [InlineData("今天天气真不错")]
    [InlineData("大家吃饭了没")]
    [InlineData("祝大家周末愉快")]
    [InlineData("哈哈哈哈")]
    [InlineData("大家辛苦啦，注意身体")]
    [InlineData("加油加油💪")]
    [InlineData("这个小程序挺好用的")]
    [InlineData("这个群是干嘛的？")]
    [InlineData("我先下班了，明天见")]
    public void SmallTalk_IsRecognised(string text)
    {
        Assert.True(ConversationRecognizer.TryRecognize(text, out _), text);
    }

    [Theory]
    [InlineData("垃圾桶爆了")]
    [InlineData("楼道灯不亮")]
    [InlineData("井盖没了")]
    [InlineData("着火了")]
    [InlineData("有人打架")]
    [InlineData("漏水了")]
    [InlineData("你好，74号院垃圾满了")]
    [InlineData("谢谢，但是楼道灯还是不亮")]
    [InlineData("请问路灯坏了找谁")]
    [InlineData("有股煤气味")]
    [InlineData("老人走丢了")]
    [InlineData("电线在冒火花")]
    [InlineData("半夜有人唱歌影响休息")]
    [InlineData("上下楼不方便，扶手松了")]
    [InlineData("天气热，垃圾房发臭了")]
    public void ShortReports_AreNotSmallTalk(string text)
    {
        Assert.False(ConversationRecognizer.TryRecognize(text, out _), text);
    }

    [Fact]
    public void DevReports_AreNeverSmallTalk()
    {
        var texts = File.ReadLines(RepoPaths.DevReports)
            .Where(l => l.Trim().Length > 0)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)
            .ToList();

        Assert.NotEmpty(texts);
        Assert.DoesNotContain(texts, t => ConversationRecognizer.TryRecognize(t, out _));
    }

    [Theory]
    [InlineData("你好", Wuhuashan)]
    [InlineData("谢谢", Wuhuashan)]
    [InlineData("👍", Wuhuashan)]
    [InlineData("测试", null)]
    [InlineData("你是谁", null)]
    [InlineData("收到", SanitationGroup)]
    public async Task SmallTalk_GetsAFriendlyAnswer_AndMakesNoTicket(string text, string? chat)
    {
        var user = chat == SanitationGroup ? "hw-gao" : "lihua";

        var said = await _h.SayAsync(user, text, chat);

        Assert.Equal(0, await _h.TicketCountAsync());
        Assert.Contains("帮助", said.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("已受理", said.Answer, StringComparison.Ordinal);
        Assert.Single(said.Outbox);
    }

    [Fact]
    public async Task Thanks_AfterAReport_IsConversation_NotASecondTicketOrADetail()
    {
        await _h.SayAsync("lihua", "南路74号院门口垃圾桶满了", Wuhuashan);
        var before = await _h.SnapshotAsync(1);

        var said = await _h.SayAsync("lihua", "好的谢谢", Wuhuashan);

        Assert.Equal(1, await _h.TicketCountAsync());
        Assert.Equal(before, await _h.SnapshotAsync(1));
        Assert.Contains("不客气", said.Answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("垃圾桶爆了")]
    [InlineData("楼道灯不亮")]
    [InlineData("猫屎好臭")]
    [InlineData("请问路灯坏了找谁")]
    public async Task ShortReport_StillBecomesATicket(string text)
    {
        var said = await _h.SayAsync("lihua", text, Wuhuashan);

        Assert.Equal(1, await _h.TicketCountAsync());
        Assert.Contains("已受理 #1", said.Answer, StringComparison.Ordinal);
    }

    // Conversation that names an object (a fee, a drill, a lamp fixed): the learned gate, not the lexicon, reads these.
    [Theory]
    [InlineData("请问水费在哪里交")]
    [InlineData("请问停车证怎么办")]
    [InlineData("明天的卫生大扫除几点集合")]
    [InlineData("消防演练结束了吗")]
    [InlineData("上次那个井盖修好了谢谢")]
    [InlineData("路灯修好了，谢谢大家")]
    public async Task ConversationNamingAnObject_GetsAnAnswer_AndMakesNoTicket(string text)
    {
        var said = await _h.SayAsync("lihua", text, Wuhuashan);

        Assert.Equal(0, await _h.TicketCountAsync());
        Assert.Contains("帮助", said.Answer, StringComparison.Ordinal);
    }
}
