using Guanjia.Core.Outbox;
using Guanjia.Core.Tests.Commands;
using Guanjia.Core.Tickets;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Messages;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class OnTheSpotTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Fixed = "随手办 74号院3单元楼道里堆的纸箱和杂物，已经和住户一起清走了";

    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static readonly string[] DepartmentRobots =
        [.. Config.Departments.Where(d => d.RobotKey is { Length: > 0 }).Select(d => d.RobotKey!)];

    [Fact]
    public async Task OnTheSpot_WithPhoto_IsAClosedTicketNoDepartmentReceives()
    {
        var said = await _h.SayAsync("lihua", Fixed, Wuhuashan, photos: 1);

        var ticket = await _h.TicketAsync(1);
        Assert.Equal(TicketStatus.Closed, ticket.Status);
        Assert.True(ticket.OnTheSpot);
        Assert.Equal("hsnl-74", ticket.Compound);
        Assert.NotEqual("other", ticket.Category);
        Assert.Null(ticket.DispatchedAt);
        Assert.Equal([TicketEventKinds.Created, TicketEventKinds.SettledOnTheSpot], ticket.Events.OrderBy(e => e.Id).Select(e => e.Kind));
        Assert.Single(ticket.Photos);
        Assert.Contains("已记录随手办 #1", said.Answer, StringComparison.Ordinal);
        // Nobody is dispatched: no department robot and no department member hears of it.
        Assert.DoesNotContain(said.Outbox, o => o.Channel == OutboxChannel.Robot && DepartmentRobots.Contains(o.Target) && o.Key != $"inbox:{said.InboxId}:ack");
        Assert.Empty(await _h.TicketOutboxAsync(1));
        Assert.Single(said.Outbox);
    }

    [Fact]
    public async Task OnTheSpot_WithoutPhoto_AsksForOneAndRecordsNothing()
    {
        var said = await _h.SayAsync("lihua", Fixed, Wuhuashan);

        Assert.Equal(0, await _h.TicketCountAsync());
        Assert.Contains("需要一张现场照片", said.Answer, StringComparison.Ordinal);
        Assert.Contains("3分钟内", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnTheSpot_PhotosAfterTheTextWithinTheMergeWindow_AreItsBeforeAndAfter()
    {
        await _h.SayAsync("lihua", Fixed);
        _h.Time.Advance(TimeSpan.FromMinutes(2));
        var first = await _h.SayAsync("lihua", null, photos: 1);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await _h.SayAsync("lihua", null, photos: 1);

        var ticket = await _h.TicketAsync(1);
        Assert.True(ticket.OnTheSpot);
        Assert.Equal(TicketStatus.Closed, ticket.Status);
        Assert.Equal([PhotoStages.Before, PhotoStages.After], ticket.Photos.OrderBy(p => p.Id).Select(p => p.Stage));
        Assert.Contains("已记录随手办 #1", first.Answer, StringComparison.Ordinal);
        Assert.Contains("照片已补充到随手办 #1", second.Answer, StringComparison.Ordinal);
        Assert.Equal(1, await _h.TicketCountAsync());
    }

    [Fact]
    public async Task OnTheSpot_PhotoAfterTheMergeWindow_IsHeldAndNothingIsRecorded()
    {
        await _h.SayAsync("lihua", Fixed);
        _h.Time.Advance(TimeSpan.FromMinutes(4));
        var photo = await _h.SayAsync("lihua", null, photos: 1);

        Assert.Equal(0, await _h.TicketCountAsync());
        Assert.Equal(1, await _h.PendingPhotoCountAsync());
        Assert.Contains("已收到照片", photo.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnTheSpot_PhotoJustBeforeTheText_IsItsProof()
    {
        await _h.SayAsync("lihua", null, photos: 1);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await _h.SayAsync("lihua", Fixed);

        var ticket = await _h.TicketAsync(1);
        Assert.True(ticket.OnTheSpot);
        Assert.Single(ticket.Photos);
        Assert.Equal(0, await _h.PendingPhotoCountAsync());
    }

    [Fact]
    public async Task OnTheSpot_FromSomeoneNotASteward_IsRefused()
    {
        var said = await _h.SayAsync("chenjing", Fixed, Wuhuashan, photos: 1);

        Assert.Equal(0, await _h.TicketCountAsync());
        Assert.Contains("没有使用“随手办”的权限", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnTheSpot_InADepartmentGroup_SaysWhereToSendIt()
    {
        var said = await _h.SayAsync("lihua", Fixed, SanitationGroup, photos: 1);

        Assert.Equal(0, await _h.TicketCountAsync());
        Assert.True(said.Answer.Contains("社区群", StringComparison.Ordinal) || said.Answer.Contains("不受理", StringComparison.Ordinal), said.Answer);
    }

    [Fact]
    public async Task Stats_CountOnTheSpotAsSelfHandled_NotAsReceived()
    {
        await _h.SayAsync("lihua", Fixed, Wuhuashan, photos: 1);
        _h.Time.Advance(TimeSpan.FromMinutes(1));

        var stats = await _h.SayAsync("chenjing", "统计", Wuhuashan);

        Assert.Contains("受理 0 · 办结 0 · 在办 0 · 超时 0 · 自处置 1", stats.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnTheSpot_ApprovedBySecretary_EarnsTheCategorysPoints()
    {
        await _h.SayAsync("lihua", Fixed, Wuhuashan, photos: 1);
        var category = Config.FindCategory((await _h.TicketAsync(1)).Category)!;

        var review = await _h.SayAsync("chenjing", "审核 1 通过", Wuhuashan);

        Assert.Contains($"李华 +{category.Points} 分", review.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logbook_CountsOnTheSpotApartFromReports()
    {
        await _h.SayAsync("lihua", Fixed, Wuhuashan, photos: 1);
        await _h.SayAsync("lihua", "74号院门口垃圾桶满了，溢出来了", Wuhuashan);

        var log = await _h.SayAsync("lihua", "记录");

        Assert.Contains("上报问题 1 件", log.Answer, StringComparison.Ordinal);
        Assert.Contains("随手办（当场解决）1 件", log.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnTheSpotGas_AcknowledgementStillStartsWithTheAdvice()
    {
        var said = await _h.SayAsync("lihua", "随手办 74号院3单元楼道有煤气味，已帮住户关了燃气总阀并开窗通风", Wuhuashan, photos: 1);

        var ticket = await _h.TicketAsync(1);
        Assert.Equal("gas", ticket.Category);
        Assert.StartsWith($"**{Config.FindCategory("gas")!.Advice}**\n**已记录随手办 #1**", said.Answer, StringComparison.Ordinal);
    }
}
