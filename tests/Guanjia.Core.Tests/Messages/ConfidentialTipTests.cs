using Guanjia.Core.Outbox;
using Guanjia.Core.Tests.Commands;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Messages;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class ConfidentialTipTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string PoliceRobot = "5f2c0d3e-0000-4000-8000-000000000017";

    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Every outbox row the community group (or a reply in it) carries.</summary>
    private async Task<List<OutboxMessage>> ToCommunityGroupAsync()
    {
        await using var db = _h.NewDb();
        return await db.Outbox.AsNoTracking()
            .Where(o => (o.Channel == OutboxChannel.Robot && o.Target == WuhuashanRobot) || (o.Channel == OutboxChannel.ResponseUrl && o.Conversation == Wuhuashan))
            .ToListAsync();
    }

    private async Task<List<OutboxMessage>> AllOutboxAsync()
    {
        await using var db = _h.NewDb();
        return await db.Outbox.AsNoTracking().OrderBy(o => o.Id).ToListAsync();
    }

    [Fact]
    public async Task SecurityTip_TextNeverReachesTheCommunityGroup_WhileThePoliceGroupAndSecretariesGetIt()
    {
        const string detail = "车棚里偷电动车电瓶";
        await _h.SayAsync("lihua", $"74号院有个穿黑衣服的人经常在{detail}，昨晚又来了", Wuhuashan, photos: 1);

        var ticket = await _h.TicketAsync(1);
        Assert.Equal("security", ticket.Category);
        Assert.True(ticket.Confidential);
        var group = await ToCommunityGroupAsync();
        Assert.NotEmpty(group);
        Assert.All(group, o => Assert.DoesNotContain(detail, o.Content, StringComparison.Ordinal));
        Assert.All(group, o => Assert.DoesNotContain("李华", o.Content, StringComparison.Ordinal));
        Assert.All(group, o => Assert.NotEqual(OutboxKind.Image, o.Kind));
        var ack = Assert.Single(group);
        Assert.Contains($"{TicketTexts.ConfidentialReceived}。单号 #1", ack.Content, StringComparison.Ordinal);

        var all = await AllOutboxAsync();
        Assert.Contains(all, o => o.Channel == OutboxChannel.Robot && o.Target == PoliceRobot && o.Content.Contains(detail, StringComparison.Ordinal));
        Assert.Contains(all, o => o.Channel == OutboxChannel.Robot && o.Target == PoliceRobot && o.Kind == OutboxKind.Image);
        Assert.Contains(all, o => o.Channel == OutboxChannel.AppUser && o.Target == "chenjing" && o.Content.Contains(detail, StringComparison.Ordinal)
            && o.Content.Contains("李华", StringComparison.Ordinal));
        Assert.Contains(all, o => o.Channel == OutboxChannel.AppUser && o.Target == "chenjing" && o.Kind == OutboxKind.Image);
        // The reporter hears the full acknowledgement privately, with the 1:1 suggestion for next time.
        Assert.Contains(all, o => o.Channel == OutboxChannel.AppUser && o.Target == "lihua" && o.Content.Contains(TicketTexts.ConfidentialHint, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DrugsNamedInAHygieneReport_MakeItConfidentialByItsText()
    {
        await _h.SayAsync("lihua", "74号院2单元楼道里很脏，垃圾好几天没人扫，晚上还有人在那里吸毒", Wuhuashan);

        var ticket = await _h.TicketAsync(1);
        Assert.False(Config.FindCategory(ticket.Category)!.Confidential);
        Assert.True(ticket.Confidential);
        Assert.All(await ToCommunityGroupAsync(), o => Assert.DoesNotContain("吸毒", o.Content, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfidentialGasReportInARental_GroupAcknowledgementCarriesTheAdviceNotTheText()
    {
        var said = await _h.SayAsync("lihua", "74号院5栋的群租房里煤气味很重", Wuhuashan);

        var ticket = await _h.TicketAsync(1);
        Assert.Equal("gas", ticket.Category);
        Assert.True(ticket.Confidential);
        Assert.StartsWith($"**{Config.FindCategory("gas")!.Advice}**\n{TicketTexts.ConfidentialReceived}", said.Answer, StringComparison.Ordinal);
        Assert.All(await ToCommunityGroupAsync(), o => Assert.DoesNotContain("群租", o.Content, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfidentialTipIn1to1_IsAcknowledgedInFull()
    {
        var said = await _h.SayAsync("lihua", "74号院有人在车棚里偷电动车电瓶");

        Assert.Contains("**已受理 #1**", said.Answer, StringComparison.Ordinal);
        Assert.Empty(await ToCommunityGroupAsync());
    }

    [Fact]
    public async Task ResolvedConfidentialTip_IsToldToTheReporter1to1_NotInTheGroup()
    {
        await _h.SayAsync("lihua", "74号院有人在车棚里偷电动车电瓶", Wuhuashan);

        await _h.SayAsync("pcs-wu", "办结 1 已抓获嫌疑人，电瓶已追回");

        Assert.DoesNotContain(await ToCommunityGroupAsync(), o => o.Content.Contains("追回", StringComparison.Ordinal));
        Assert.Contains(await AllOutboxAsync(), o => o.Channel == OutboxChannel.AppUser && o.Target == "lihua" && o.Content.Contains("追回", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ShowingAConfidentialTipInTheCommunityGroup_HidesItsText()
    {
        await _h.SayAsync("lihua", "74号院有人在车棚里偷电动车电瓶", Wuhuashan);

        var shown = await _h.SayAsync("chenjing", "查询 1", Wuhuashan);
        var private1to1 = await _h.SayAsync("chenjing", "查询 1");

        Assert.DoesNotContain("电瓶", shown.Answer, StringComparison.Ordinal);
        Assert.Contains("私聊", shown.Answer, StringComparison.Ordinal);
        Assert.Contains("电瓶", private1to1.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrugsNamedInAnAddition_NeverReachTheGroup_AndMakeTheTicketConfidential()
    {
        await _h.SayAsync("lihua", "74号院2单元楼道里很脏，垃圾好几天没人扫", Wuhuashan);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        var added = await _h.SayAsync("lihua", "补充 1 晚上还有人在那个楼道里吸毒", Wuhuashan);

        Assert.Equal("已补充到工单 #1。", added.Answer);

        await using var db = _h.NewDb();
        Assert.Equal(1, await db.Tickets.CountAsync());
        Assert.True(await db.Tickets.AnyAsync(t => t.Confidential));
        Assert.All(await ToCommunityGroupAsync(), o => Assert.DoesNotContain("吸毒", o.Content, StringComparison.Ordinal));
        Assert.Contains(await AllOutboxAsync(), o => o.Channel == OutboxChannel.AppUser && o.Target == "chenjing" && o.Content.Contains("吸毒", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OrdinaryReport_IsNotConfidential()
    {
        await _h.SayAsync("lihua", "74号院门口垃圾桶满了，溢出来了", Wuhuashan);

        Assert.False((await _h.TicketAsync(1)).Confidential);
    }

    [Theory]
    [InlineData("3单元的老王是小偷，偷了好几家的快递", "小偷")]
    [InlineData("楼下出租屋里在搞传销", "传销")]
    [InlineData("车库里有人聚赌", "聚赌")]
    [InlineData("这栋楼好几户在群租", "群租")]
    public void Cue_FindsWhatOnlyThePoliceShouldRead(string text, string cue) => Assert.Equal(cue, ConfidentialTips.Cue(text));

    [Theory]
    [InlineData("有人偷倒建筑垃圾在74号院门口")]
    [InlineData("楼道灯坏了")]
    public void Cue_LeavesOrdinaryReportsAlone(string text) => Assert.Null(ConfidentialTips.Cue(text));
}
