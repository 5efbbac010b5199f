using Guanjia.Core.Outbox;
using Guanjia.Core.Tests.Commands;
using Guanjia.Core.Tickets;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Messages;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class FollowUpTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string ChunchengPropertyRobot = ChunchengRobot;

    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>周敏 looks after two compounds, so a report naming none has no place.</summary>
    private async Task<Ticket> ReportWithoutPlaceAsync(string text = "楼道的灯坏了，晚上一片漆黑")
    {
        var said = await _h.SayAsync("zhoumin", text, Wuhuashan);
        Assert.Contains("请补充具体小区", said.Answer, StringComparison.Ordinal);
        var ticket = await _h.TicketAsync(1);
        Assert.Null(ticket.Compound);
        return ticket;
    }

    [Fact]
    public async Task PlaceInTheNextMessage_CompletesTheTicket_ReRoutes_AndMakesNoSecondTicket()
    {
        var first = await ReportWithoutPlaceAsync();
        Assert.Equal("wuhuashan-office", first.Department);

        var said = await _h.SayAsync("zhoumin", "是华山南路74号院", Wuhuashan);

        Assert.Equal(1, await _h.TicketCountAsync());
        var ticket = await _h.TicketAsync(1);
        Assert.Equal(("hsnl-74", "chuncheng", TicketStatus.Dispatched), (ticket.Compound, ticket.Department, ticket.Status));
        Assert.Contains(ticket.Events, e => e.Kind == TicketEventKinds.PlaceAdded && e.By == "zhoumin");
        Assert.Equal(TicketEventKinds.Dispatched, ticket.Events.OrderBy(e => e.Id).Last().Kind);
        Assert.Contains("已补充到工单 #1", said.Answer, StringComparison.Ordinal);
        Assert.Contains("华山南路74号院", said.Answer, StringComparison.Ordinal);
        // The new party gets the dispatch; the old one (the office, in the community group) is told to stand down.
        Assert.Contains(said.To(ChunchengPropertyRobot), o => o.Content.Contains("新工单 #1", StringComparison.Ordinal));
        Assert.Contains(said.To(WuhuashanRobot), o => o.Content.Contains("无需再处理", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlaceThatKeepsTheDepartment_SetsTheCompound_AndTellsTheDepartment()
    {
        await _h.SayAsync("zhoumin", "垃圾桶满了，溢出来了", Wuhuashan);
        Assert.Equal("sanitation", (await _h.TicketAsync(1)).Department);

        var said = await _h.SayAsync("zhoumin", "在圆通街12号院", Wuhuashan);

        var ticket = await _h.TicketAsync(1);
        Assert.Equal(("ytj-12", "sanitation"), (ticket.Compound, ticket.Department));
        Assert.Equal(1, await _h.TicketCountAsync());
        Assert.Contains(said.To(SanitationRobot), o => o.Content.Contains("圆通街12号院", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QuotingTheAcknowledgement_AfterTheWindow_StillCompletesTheTicket()
    {
        await ReportWithoutPlaceAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(30));

        await _h.SayAsync("zhoumin", "华山东路126号院", Wuhuashan, quoted: "**已受理 #1**\n分类：设施维修");

        Assert.Equal(1, await _h.TicketCountAsync());
        Assert.Equal("hsdl-126", (await _h.TicketAsync(1)).Compound);
    }

    [Fact]
    public async Task PlaceAfterTheWindow_WithoutQuote_IsNotTakenAsAFollowUp()
    {
        await ReportWithoutPlaceAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(10));

        await _h.SayAsync("zhoumin", "华山东路126号院楼道里堆满了杂物", Wuhuashan);

        Assert.Equal(2, await _h.TicketCountAsync());
        Assert.Null((await _h.TicketAsync(1)).Compound);
    }

    [Fact]
    public async Task DifferentProblemWithItsOwnPlace_IsANewReport()
    {
        await _h.SayAsync("lihua", "南路74号院门口垃圾桶满了", Wuhuashan);

        await _h.SayAsync("lihua", "华山东路126号院有辆车堵住了消防通道", Wuhuashan);

        Assert.Equal(2, await _h.TicketCountAsync());
        Assert.Equal("hsnl-74", (await _h.TicketAsync(1)).Compound);
    }

    [Fact]
    public async Task DetailInTheNextMessage_IsAddedToTheTicket()
    {
        await _h.SayAsync("lihua", "南路74号院门口垃圾桶满了", Wuhuashan);

        var said = await _h.SayAsync("lihua", "已经三天没人来拉了", Wuhuashan);

        Assert.Equal(1, await _h.TicketCountAsync());
        var ticket = await _h.TicketAsync(1);
        Assert.Contains("三天没人来拉", ticket.Text, StringComparison.Ordinal);
        Assert.Contains(ticket.Events, e => e.Kind == TicketEventKinds.DetailAdded);
        Assert.Contains(said.To(SanitationRobot), o => o.Content.Contains("三天没人来拉", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PhotoInTheNextMessage_IsAddedToTheTicket_AndGoesToTheDepartment()
    {
        await _h.SayAsync("lihua", "南路74号院门口垃圾桶满了", Wuhuashan);

        var said = await _h.SayAsync("lihua", null, Wuhuashan, photos: 1);

        var ticket = await _h.TicketAsync(1);
        Assert.Single(ticket.Photos, p => p.Stage == PhotoStages.Before);
        Assert.Contains(said.To(SanitationRobot), o => o.Kind == OutboxKind.Image);
        Assert.Contains("照片 1 张", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_ByTheReporter_WithANewPlace_ReRoutes()
    {
        await ReportWithoutPlaceAsync();
        _h.Time.Advance(TimeSpan.FromHours(1));

        var said = await _h.SayAsync("zhoumin", "补充 1 华山南路74号院3栋", Wuhuashan);

        var ticket = await _h.TicketAsync(1);
        Assert.Equal(("hsnl-74", "chuncheng"), (ticket.Compound, ticket.Department));
        Assert.Contains("已改派", said.Answer, StringComparison.Ordinal);
        Assert.Equal(1, await _h.TicketCountAsync());
    }

    [Fact]
    public async Task Add_BySecretary_InOneToOne_AddsADetail()
    {
        var n = await _h.SeedAsync();

        var said = await _h.SayAsync("chenjing", $"add #{n} 桶旁边还有一堆装修垃圾");

        Assert.Contains($"已补充到工单 #{n}", said.Answer, StringComparison.Ordinal);
        Assert.Contains("装修垃圾", (await _h.TicketAsync(n)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_ByAnotherSteward_IsRefused_AndChangesNothing()
    {
        var n = await _h.SeedAsync();
        var before = await _h.SnapshotAsync(n);

        var said = await _h.SayAsync("wanggang", $"补充 {n} 五华山小区", Wuhuashan);

        Assert.Contains("用法：补充", said.Answer, StringComparison.Ordinal);
        Assert.Equal(before, await _h.SnapshotAsync(n));
    }

    [Fact]
    public async Task Add_WithNothingToAdd_IsRefused()
    {
        var n = await _h.SeedAsync();

        var said = await _h.SayAsync("lihua", $"补充 {n}", Wuhuashan);

        Assert.Contains("请写明要补充的地点或说明", said.Answer, StringComparison.Ordinal);
    }
}
