using Guanjia.Core.Reports;
using Guanjia.Core.Tickets;

namespace Guanjia.Core.Tests.Scheduling;

/// <summary>回访率 and 满意率 over a seeded set, in 统计, the weekly report and the daily digest.</summary>
public sealed class FeedbackFiguresTests : IDisposable
{
    private static readonly TimeSpan Cst = SchedulingWorld.Shanghai;
    private readonly SchedulingWorld _world = new(new DateTimeOffset(2026, 11, 20, 18, 0, 0, Cst));

    public void Dispose()
    {
        _world.Dispose();
        GC.SuppressFinalize(this);
    }

    private static DateTimeOffset At(int day, int hour) => new(2026, 11, day, hour, 0, 0, Cst);

    private void Resolved(DateTimeOffset at, string? satisfaction, string community = "wuhuashan", TicketStatus status = TicketStatus.Closed)
    {
        var compound = community == "wuhuashan" ? "hsnl-74" : "chnl-3";
        var ticket = _world.Add("garbage", "sanitation", at.AddHours(-2), community: community, compound: compound, status: status,
            resolvedAt: status == TicketStatus.Dispatched ? null : at);
        using var db = _world.NewDb();
        var stored = db.Tickets.Single(t => t.Number == ticket.Number);
        stored.Satisfaction = satisfaction;
        db.TicketEvents.Add(new TicketEvent { TicketNumber = ticket.Number, At = at, Kind = TicketEventKinds.Resolved, By = "hw-gao" });
        db.SaveChanges();
    }

    /// <summary>
    /// Week of 16–22 November in 五华山: five tickets resolved (满意, 基本满意, 不满意 — reopened
    /// since —, and two unrated); one resolved the week before (rated, not counted); one in 翠湖.
    /// </summary>
    private void Seed()
    {
        Resolved(At(16, 10), Satisfactions.Satisfied);
        Resolved(At(17, 10), Satisfactions.Basic);
        Resolved(At(18, 10), Satisfactions.Unsatisfied, status: TicketStatus.Dispatched);
        Resolved(At(19, 10), null, status: TicketStatus.Resolved);
        Resolved(At(20, 10), null);
        Resolved(At(12, 10), Satisfactions.Satisfied);
        Resolved(At(18, 11), Satisfactions.Unsatisfied, community: "cuihu");
    }

    [Fact]
    public async Task Feedback_SeededWeek_CountsRatedAndSatisfiedExactly()
    {
        Seed();

        var f = await _world.Figures().FeedbackAsync(new FiguresScope(Community: "wuhuashan"), At(16, 0), At(23, 0), CancellationToken.None);

        Assert.Equal(new FeedbackFigures(5, 3, 1, 1, 1), f);
        Assert.Equal(0.6, f.FeedbackRate);
        Assert.Equal(2.0 / 3, f.SatisfactionRate);
        var street = await _world.Figures().FeedbackAsync(FiguresScope.All, At(16, 0), At(23, 0), CancellationToken.None);
        Assert.Equal(new FeedbackFigures(6, 4, 1, 1, 2), street);
        Assert.Equal(0.5, street.SatisfactionRate);
    }

    [Fact]
    public async Task Feedback_NothingResolved_HasNoRates()
    {
        var f = await _world.Figures().FeedbackAsync(FiguresScope.All, At(16, 0), At(23, 0), CancellationToken.None);
        Assert.Equal((null, null), (f.FeedbackRate, f.SatisfactionRate));
        Assert.Null(TicketFigures.FeedbackLine(f));
    }

    [Fact]
    public async Task Stats_ThisWeek_ShowsFeedbackAndSatisfactionRates()
    {
        Seed();

        var text = await _world.Figures().FormatStatsAsync(new FiguresScope(Community: "wuhuashan"), StatsPeriod.ThisWeek, CancellationToken.None);

        Assert.Contains("回访率 60%（办结 5 件，评价 3 件）· 满意率 67%（满意 1 · 基本满意 1 · 不满意 1）", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeeklyReport_ShowsRatesPerCommunity()
    {
        Seed();

        var (markdown, _) = await _world.Weekly().ComposeAsync(At(16, 0), At(23, 0), CancellationToken.None);

        Assert.Contains("> 五华山社区：", markdown, StringComparison.Ordinal);
        var line = markdown.Split('\n').Single(l => l.StartsWith("> 五华山社区：", StringComparison.Ordinal));
        Assert.Contains("回访率60% · 满意率67%", line, StringComparison.Ordinal);
        var cuihu = markdown.Split('\n').Single(l => l.StartsWith("> 翠湖社区：", StringComparison.Ordinal));
        Assert.Contains("回访率100% · 满意率0%", cuihu, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DailyDigest_ShowsTheLastThirtyDaysRates()
    {
        Seed();

        await _world.Digest().RunAsync(CancellationToken.None);

        var robot = _world.Config.FindCommunity("wuhuashan")!.RobotKey;
        var digest = _world.Outbox().First(m => m.Target == robot).Content;
        // 30 days back from 20 November 18:00 include the ticket of the 12th: 6 resolved, 4 rated, 3 satisfied.
        Assert.Contains("近30日回访率 67%（办结 6 件，评价 4 件）· 满意率 75%", digest, StringComparison.Ordinal);
    }
}
