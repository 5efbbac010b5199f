using Guanjia.Core.Outbox;
using Guanjia.Core.Scheduling;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Tests.Scheduling;

/// <summary>The reminder scan chases tickets that wait for people: resolved ones for the reporter, returned ones for the secretaries.</summary>
public sealed class ChaseScanTests : IDisposable
{
    private static readonly DateTimeOffset Monday10 = new(2026, 11, 23, 10, 0, 0, SchedulingWorld.Shanghai);
    private readonly SchedulingWorld _world = new(Monday10);

    public void Dispose()
    {
        _world.Dispose();
        GC.SuppressFinalize(this);
    }

    private string CommunityRobot => _world.Config.FindCommunity("wuhuashan")!.RobotKey!;

    private async Task<List<OutboxMessage>> ScanAtAsync(DateTimeOffset at)
    {
        _world.Time.SetUtcNow(at);
        var before = _world.Outbox().Count;
        await _world.Scan().RunAsync(CancellationToken.None);
        // A second run at the same instant sends nothing more.
        await _world.Scan().RunAsync(CancellationToken.None);
        return _world.Outbox().Skip(before).ToList();
    }

    private static DateTimeOffset Local(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, SchedulingWorld.Shanghai);

    private async Task<Ticket> TicketAsync(int number)
    {
        await using var db = _world.NewDb();
        return await db.Tickets.Include(t => t.Events).SingleAsync(t => t.Number == number);
    }

    [Fact]
    public async Task Scan_ResolvedTicket_RemindsTheReporterAfterADayThenClosesAfterThreeWorkingDays()
    {
        var ticket = _world.Add("garbage", "sanitation", Monday10.AddHours(-1), status: TicketStatus.Resolved, resolvedAt: Monday10);

        Assert.Empty(await ScanAtAsync(Local(24, 9, 59)));
        var reminder = Assert.Single(await ScanAtAsync(Local(24, 10)));
        // The report came from the community group: the reporter is reminded there.
        Assert.Equal(CommunityRobot, reminder.Target);
        Assert.Contains($"确认 {ticket.Number}", reminder.Content, StringComparison.Ordinal);
        Assert.Contains($"评价 {ticket.Number} 满意|基本满意|不满意", reminder.Content, StringComparison.Ordinal);
        Assert.Contains("11月26日", reminder.Content, StringComparison.Ordinal);
        Assert.Equal(TicketStatus.Resolved, (await TicketAsync(ticket.Number)).Status);

        // Three working days after Monday 10:00 is Thursday 10:00.
        Assert.Empty(await ScanAtAsync(Local(26, 9, 59)));
        var closed = Assert.Single(await ScanAtAsync(Local(26, 10)));
        Assert.Contains("已自动结案", closed.Content, StringComparison.Ordinal);

        var t = await TicketAsync(ticket.Number);
        Assert.Equal((TicketStatus.Closed, Local(26, 10)), (t.Status, t.ClosedAt!.Value));
        var e = Assert.Single(t.Events);
        Assert.Equal(("closed", TicketActors.System, TicketStatus.Resolved, TicketStatus.Closed), (e.Kind, e.By, e.FromStatus!.Value, e.ToStatus!.Value));
        Assert.Equal("办结后3个工作日未确认，自动结案", e.Note);
        Assert.Empty(await ScanAtAsync(Local(30, 10)));
    }

    [Fact]
    public async Task Scan_ResolvedTicketFirstSeenAfterTheLimit_ClosesWithoutTheReminder()
    {
        var ticket = _world.Add("garbage", "sanitation", Monday10.AddHours(-1), status: TicketStatus.Resolved, resolvedAt: Monday10);

        var sent = await ScanAtAsync(Local(27, 10));

        Assert.Contains("已自动结案", Assert.Single(sent).Content, StringComparison.Ordinal);
        Assert.Equal(TicketStatus.Closed, (await TicketAsync(ticket.Number)).Status);
    }

    [Fact]
    public async Task Scan_ResolvedTicketOverTheWeekend_WaitsForWorkingDays()
    {
        // Resolved Friday 27th 10:00: three working days later is Wednesday 2 December 10:00.
        var friday = Local(27, 10);
        var ticket = _world.Add("garbage", "sanitation", friday.AddHours(-1), status: TicketStatus.Resolved, resolvedAt: friday);

        Assert.Single(await ScanAtAsync(Local(28, 10)));
        Assert.Empty(await ScanAtAsync(new DateTimeOffset(2026, 12, 2, 9, 59, 0, SchedulingWorld.Shanghai)));
        Assert.Equal(TicketStatus.Resolved, (await TicketAsync(ticket.Number)).Status);
        Assert.Single(await ScanAtAsync(new DateTimeOffset(2026, 12, 2, 10, 0, 0, SchedulingWorld.Shanghai)));
        Assert.Equal(TicketStatus.Closed, (await TicketAsync(ticket.Number)).Status);
    }

    [Fact]
    public async Task Scan_ReturnedTicket_RemindsTheSecretariesDailyUntilSomeoneActs()
    {
        var ticket = _world.Add("garbage", "sanitation", Monday10.AddHours(-1), status: TicketStatus.Returned);
        await using (var db = _world.NewDb())
        {
            db.TicketEvents.Add(new TicketEvent
            {
                TicketNumber = ticket.Number,
                At = Monday10,
                Kind = TicketEventKinds.Returned,
                By = "hw-gao",
                FromStatus = TicketStatus.Dispatched,
                ToStatus = TicketStatus.Returned,
                Note = "不归我们管",
            });
            await db.SaveChangesAsync();
        }

        Assert.Empty(await ScanAtAsync(Local(24, 9, 59)));
        var first = Assert.Single(await ScanAtAsync(Local(24, 10)));
        Assert.Equal(CommunityRobot, first.Target);
        Assert.Contains("退回社区待处理（1件）", first.Content, StringComparison.Ordinal);
        Assert.Contains($"#{ticket.Number} 垃圾清运", first.Content, StringComparison.Ordinal);
        Assert.Contains("已等1天", first.Content, StringComparison.Ordinal);

        Assert.Empty(await ScanAtAsync(Local(24, 18)));
        var second = Assert.Single(await ScanAtAsync(Local(25, 10, 30)));
        Assert.Contains("已等2天", second.Content, StringComparison.Ordinal);

        // A secretary re-dispatches: the chasing stops.
        await using (var db = _world.NewDb())
        {
            var t = await db.Tickets.Include(x => x.Events).SingleAsync(x => x.Number == ticket.Number);
            await ReminderScan.ResetAsync(db, t.Number, CancellationToken.None);
            TicketLifecycle.Apply(t, TicketAction.Dispatch, "chenjing", Local(25, 11));
            t.DueAt = Local(26, 11);
            await db.SaveChangesAsync();
        }

        Assert.DoesNotContain(await ScanAtAsync(Local(26, 10, 30)), m => m.Content.Contains("退回社区", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scan_OpenTicketsAndChases_GoToTheCommunityInOneMessage()
    {
        var returned = _world.Add("garbage", "sanitation", Monday10.AddHours(-1), status: TicketStatus.Returned);
        var overdue = _world.Add("garbage", "sanitation", Monday10);
        await using (var db = _world.NewDb())
        {
            db.TicketEvents.Add(new TicketEvent { TicketNumber = returned.Number, At = Monday10, Kind = TicketEventKinds.Returned, By = "hw-gao" });
            await db.SaveChangesAsync();
        }

        var sent = await ScanAtAsync(Local(24, 10));

        var community = Assert.Single(sent, m => m.Target == CommunityRobot);
        Assert.Contains("已超时（1件）", community.Content, StringComparison.Ordinal);
        Assert.Contains("退回社区待处理（1件）", community.Content, StringComparison.Ordinal);
        Assert.Contains($"#{overdue.Number}", community.Content, StringComparison.Ordinal);
    }
}
