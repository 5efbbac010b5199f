using Guanjia.Core.Outbox;
using Guanjia.Core.Tests.Commands;
using Guanjia.Core.Tickets;
using Guanjia.Core.Triage;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Messages;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class IntakeDecisionTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task PhotoOnly_WhoseDownloadFailed_SaysSo_AndKeepsNothing()
    {
        var said = await _h.SayAsync("lihua", null, failedPhotos: 1);

        Assert.Contains("照片下载失败，请重新发送", said.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("已收到照片", said.Answer, StringComparison.Ordinal);
        Assert.Equal(0, await _h.PendingPhotoCountAsync());
        Assert.Equal(0, await _h.TicketCountAsync());
    }

    [Fact]
    public async Task TextWithAFailedPhoto_MakesTheTicketFromTheText_AndSaysThePhotoFailed()
    {
        var said = await _h.SayAsync("lihua", "南路74号院门口垃圾桶满了", Wuhuashan, failedPhotos: 1);

        Assert.Contains("已受理 #1", said.Answer, StringComparison.Ordinal);
        Assert.Contains("照片下载失败，请重新发送", said.Answer, StringComparison.Ordinal);
        var ticket = await _h.TicketAsync(1);
        Assert.Empty(ticket.Photos);
        Assert.Contains(ticket.Events, e => e.Kind == TicketEventKinds.PhotoFailed);
    }

    [Fact]
    public async Task PhotoOnly_OneStoredOneFailed_HoldsTheStoredOne_AndSaysTheOtherFailed()
    {
        var said = await _h.SayAsync("lihua", null, photos: 1, failedPhotos: 1);

        Assert.Contains("已收到照片", said.Answer, StringComparison.Ordinal);
        Assert.Contains("照片下载失败", said.Answer, StringComparison.Ordinal);
        Assert.Equal(1, await _h.PendingPhotoCountAsync());
    }

    [Fact]
    public async Task Resolve_WithAFailedPhoto_ResolvesAndSaysThePhotoFailed()
    {
        var n = await _h.SeedAsync();

        var said = await _h.SayAsync("hw-gao", $"办结 {n} 已清理", SanitationGroup, failedPhotos: 1);

        Assert.Contains($"工单 #{n} 已办结", said.Answer, StringComparison.Ordinal);
        Assert.Contains("照片下载失败，请重新发送", said.Answer, StringComparison.Ordinal);
        Assert.Empty((await _h.TicketAsync(n)).Photos);
    }

    [Fact]
    public async Task Report_IsCreatedAndDispatchedThroughTheLifecycle_ByTheReporterAndTheSystem()
    {
        await _h.SayAsync("lihua", "南路74号院门口垃圾桶满了", Wuhuashan);

        var ticket = await _h.TicketAsync(1);
        var events = ticket.Events.OrderBy(e => e.Id).ToList();
        Assert.Equal([TicketEventKinds.Created, TicketEventKinds.Dispatched], events.Select(e => e.Kind));
        Assert.Equal(("lihua", TicketActors.System), (events[0].By, events[1].By));
        Assert.Equal((TicketStatus.New, TicketStatus.Dispatched), (events[1].FromStatus!.Value, events[1].ToStatus!.Value));
        Assert.Equal(ticket.CreatedAt, ticket.DispatchedAt);
    }

    [Fact]
    public async Task UnsureTriage_DispatchesToTheCommunityOffice_AndAsksTheSecretariesWithCandidates()
    {
        var triage = TicketTriage.Create(Config, RepoPaths.TriageKnowledge);
        var community = Config.FindCommunity("wuhuashan")!;
        var reporter = Config.FindPerson("lihua");
        string[] vague = ["74号院那边情况不太对劲，麻烦有人过来看看", "南路74号院这个事情需要协调一下", "74号院有件事想反映一下，请社区关注", "南路74号院后面那块地方要处理"];
        var text = vague.FirstOrDefault(t => triage.Triage(t, reporter, community) is { LowConfidence: true, Candidates.Count: > 0 });
        Assert.True(text is not null, "no vague report left that triage is unsure about; add one");

        var said = await _h.SayAsync("lihua", text, Wuhuashan);

        var ticket = await _h.TicketAsync(1);
        Assert.True(ticket.LowConfidence);
        Assert.Equal("wuhuashan-office", ticket.Department);
        Assert.Contains("已受理 #1", said.Answer, StringComparison.Ordinal);
        var ask = Assert.Single(await _h.TicketOutboxAsync(1), o => o.Key.EndsWith(":recategorise", StringComparison.Ordinal));
        Assert.Equal((OutboxChannel.AppUser, "chenjing"), (ask.Channel, ask.Target));
        Assert.Contains("改类 1 ", ask.Content, StringComparison.Ordinal);
        var best = triage.Triage(text!, reporter, community).Candidates.First(c => c.Code != "other").Code;
        Assert.Contains($"（{best}）", ask.Content, StringComparison.Ordinal);
    }
}
