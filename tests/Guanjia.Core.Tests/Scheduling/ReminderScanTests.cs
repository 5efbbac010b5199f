using Guanjia.Core.Outbox;
using Guanjia.Core.Scheduling;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Tests.Scheduling;

public abstract class ReminderScanTests(string provider) : IDisposable
{
    private static readonly DateTimeOffset Monday9 = new(2026, 11, 23, 9, 0, 0, SchedulingWorld.Shanghai);
    private readonly SchedulingWorld _world = new(Monday9, provider: provider);

    public void Dispose()
    {
        _world.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public async Task Scan_AsGarbageTicketAges_SendsEachThresholdOnceAtItsTime()
    {
        // garbage: 4h → 签收 due 10:00 (a quarter), 50% 11:00, 80% 12:12, overdue 13:00, escalation 17:00.
        var ticket = _world.Add("garbage", "sanitation", Monday9);
        var sanitation = _world.RobotOf("sanitation");
        var community = _world.Config.FindCommunity("wuhuashan")!.RobotKey!;
        var office = _world.RobotOf("street-office");

        async Task<List<OutboxMessage>> ScanAt(int hour, int minute)
        {
            _world.Time.SetUtcNow(new DateTimeOffset(2026, 11, 23, hour, minute, 0, SchedulingWorld.Shanghai));
            var before = _world.Outbox().Count;
            await _world.Scan().RunAsync(CancellationToken.None);
            await _world.Scan().RunAsync(CancellationToken.None);
            return _world.Outbox().Skip(before).ToList();
        }

        Assert.Empty(await ScanAt(9, 59));

        var accept = Assert.Single(await ScanAt(10, 0));
        Assert.Equal(sanitation, accept.Target);
        Assert.Contains("超时未签收", accept.Content);
        Assert.Contains($"#{ticket.Number} 垃圾清运 · 华山南路74号院", accept.Content);

        Assert.Empty(await ScanAt(10, 59));
        var half = Assert.Single(await ScanAt(11, 0));
        Assert.Contains("时限已过半", half.Content);
        Assert.Contains("剩余2小时", half.Content);

        Assert.Empty(await ScanAt(12, 11));
        var late = Assert.Single(await ScanAt(12, 12));
        Assert.Contains("时限已过80%", late.Content);

        Assert.Empty(await ScanAt(12, 59));
        var overdue = await ScanAt(13, 30);
        Assert.Equal([sanitation, community], overdue.Select(m => m.Target));
        Assert.All(overdue, m => Assert.Contains("已超时（1件）", m.Content));
        Assert.All(overdue, m => Assert.Contains("超时30分", m.Content));
        Assert.Contains("五华区环卫华山片区", overdue[1].Content);

        Assert.Empty(await ScanAt(16, 59));
        var escalated = Assert.Single(await ScanAt(17, 0));
        Assert.Equal(office, escalated.Target);
        Assert.Contains("已升级街道", escalated.Content);
        Assert.Contains("超时4小时", escalated.Content);

        Assert.Empty(await ScanAt(23, 0));
        await using var db = _world.NewDb();
        Assert.Equal(
            [ReminderKinds.Accept, ReminderKinds.Half, ReminderKinds.Late, ReminderKinds.Overdue, ReminderKinds.Escalated],
            await db.TicketReminders.OrderBy(r => r.Id).Select(r => r.Kind).ToListAsync());
        Assert.Equal(["escalated", "overdue"], (await db.TicketEvents.Select(e => e.Kind).ToListAsync()).Order());
    }

    [SkippableFact]
    public async Task Scan_WithMoreOpenTicketsThanSqliteParameters_StillRemindsOnce()
    {
        var ticket = _world.Add("garbage", "sanitation", Monday9);
        // A backlog larger than SQLite's 32,766-parameter limit, none of it due for anything yet.
        await using (var db = _world.NewDb())
        {
            var created = Monday9.AddHours(1).ToUnixTimeMilliseconds();
            var due = Monday9.AddDays(3).ToUnixTimeMilliseconds();
            await db.Database.ExecuteSqlAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 33000)
                INSERT INTO "Tickets" ("Number", "Status", "Category", "Urgent", "LowConfidence", "Community", "Department", "Reporter", "Text", "Conversation", "CreatedAt", "DueAt", "DispatchedAt")
                SELECT 1000 + i, 'Dispatched', 'other', FALSE, FALSE, 'wuhuashan', 'wuhuashan-office', 'lihua', 'backlog', 'lihua', {created}, {due}, {created} FROM n
                """);
        }

        _world.Time.SetUtcNow(Monday9.AddHours(2));
        var first = await _world.Scan().RunAsync(CancellationToken.None);
        var second = await _world.Scan().RunAsync(CancellationToken.None);

        Assert.Equal(2, first.Reminders);
        Assert.Equal(0, second.Reminders);
        await using var check = _world.NewDb();
        Assert.All(await check.TicketReminders.ToListAsync(), r => Assert.Equal(ticket.Number, r.TicketNumber));
    }

    [SkippableFact]
    public async Task Scan_AfterDowntime_CombinesEveryTicketAndThresholdIntoOneMessagePerGroup()
    {
        _world.Add("garbage", "sanitation", Monday9);
        _world.Add("garbage", "sanitation", Monday9.AddMinutes(30), compound: "whs-xq");
        // dispute goes to the community office, which shares the community's group.
        _world.Add("dispute", "wuhuashan-office", Monday9, compound: "ytj-12", dueAt: Monday9.AddHours(2));
        _world.Time.SetUtcNow(Monday9.AddDays(1));

        var result = await _world.Scan().RunAsync(CancellationToken.None);

        var messages = _world.Outbox();
        Assert.Equal(
            new[] { _world.RobotOf("sanitation"), _world.RobotOf("street-office"), _world.RobotOf("wuhuashan-office") }.Order(),
            messages.Select(m => m.Target).Order());
        Assert.Equal(3, result.Messages);
        Assert.Equal(3 * 5, result.Reminders);
        var sanitation = messages.Single(m => m.Target == _world.RobotOf("sanitation")).Content;
        Assert.Contains("#1 ", sanitation);
        Assert.Contains("#2 ", sanitation);
        Assert.Contains("已超时（2件）", sanitation);
        Assert.Contains("超时未签收，请回复“接单 单号”（2件）", sanitation);
        Assert.Contains("超时一倍，已升级街道（3件）", messages.Single(m => m.Target == _world.RobotOf("street-office")).Content);
        // The community group hears of all three overdue tickets and the office's own reminders once.
        var group = messages.Single(m => m.Target == _world.RobotOf("wuhuashan-office")).Content;
        Assert.Contains("已超时（3件）", group);
        Assert.Contains("时限已过半（1件）", group);
        Assert.All(messages, m => Assert.Equal(OutboxKind.Markdown, m.Kind));

        Assert.Equal(0, (await _world.Scan().RunAsync(CancellationToken.None)).Messages);
        Assert.Equal(3, _world.Outbox().Count);
    }

    [SkippableFact]
    public async Task Scan_AcceptedOrResolvedTickets_GetNoAcceptReminderAndClosedOnesNothing()
    {
        _world.Add("garbage", "sanitation", Monday9, status: TicketStatus.Accepted, acceptedAt: Monday9.AddMinutes(10));
        _world.Add("garbage", "sanitation", Monday9, status: TicketStatus.Resolved, resolvedAt: Monday9.AddHours(1));
        _world.Time.SetUtcNow(Monday9.AddHours(3.5));

        await _world.Scan().RunAsync(CancellationToken.None);

        var message = Assert.Single(_world.Outbox());
        Assert.DoesNotContain("签收", message.Content);
        Assert.Contains("#1 ", message.Content);
        Assert.DoesNotContain("#2 ", message.Content);
        await using var db = _world.NewDb();
        Assert.Equal([ReminderKinds.Half, ReminderKinds.Late], await db.TicketReminders.OrderBy(r => r.Kind).Select(r => r.Kind).ToListAsync());
    }

    [SkippableFact]
    public async Task Scan_UrgentTicket_UsesUrgentLimitAndCapsAcceptAtAQuarter()
    {
        // fire-alarm urgent: 15m → 签收 after 3m45s.
        _world.Add("fire-alarm", "fire", Monday9, urgent: true);
        _world.Time.SetUtcNow(Monday9.AddMinutes(3));
        await _world.Scan().RunAsync(CancellationToken.None);
        Assert.Empty(_world.Outbox());

        _world.Time.SetUtcNow(Monday9.AddMinutes(4));
        await _world.Scan().RunAsync(CancellationToken.None);
        Assert.Contains("超时未签收", Assert.Single(_world.Outbox()).Content);
    }

    [SkippableFact]
    public async Task TicketReminders_SameTicketAndKindTwice_IsRefusedByTheDatabase()
    {
        var ticket = _world.Add("garbage", "sanitation", Monday9);
        await using var db = _world.NewDb();
        db.TicketReminders.Add(new TicketReminder { TicketNumber = ticket.Number, Kind = ReminderKinds.Half, At = Monday9 });
        await db.SaveChangesAsync();
        db.TicketReminders.Add(new TicketReminder { TicketNumber = ticket.Number, Kind = ReminderKinds.Half, At = Monday9 });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [SkippableFact]
    public async Task Scan_OverdueConfidentialTip_IsOnlyCountedInTheCommunityGroup_AndListedToTheSecretaries1to1()
    {
        var tip = _world.Add("security", "police", Monday9, confidential: true);
        var ordinary = _world.Add("garbage", "sanitation", Monday9);
        var community = _world.Config.FindCommunity("wuhuashan")!.RobotKey!;
        _world.Time.SetUtcNow(Monday9.AddDays(1).AddMinutes(30));

        await _world.Scan().RunAsync(CancellationToken.None);

        var messages = _world.Outbox();
        var group = messages.Where(m => m.Channel == OutboxChannel.Robot && m.Target == community).ToList();
        Assert.NotEmpty(group);
        Assert.All(group, m => Assert.DoesNotContain($"#{tip.Number} ", m.Content));
        Assert.Contains(group, m => m.Content.Contains("保密线索 1 件") && m.Content.Contains($"#{ordinary.Number} 垃圾清运"));
        var secretaries = Assert.Single(messages, m => m.Channel == OutboxChannel.AppUser && m.Target == "chenjing");
        Assert.Contains($"#{tip.Number} 社会治安", secretaries.Content);
        Assert.Contains(messages, m => m.Target == _world.RobotOf("police") && m.Content.Contains($"#{tip.Number} 社会治安"));
    }

    [SkippableFact]
    public void Duration_SaysDaysHoursAndMinutesInChinese()
    {
        Assert.Equal("2天3小时", ReminderScan.Duration(new TimeSpan(2, 3, 20, 0)));
        Assert.Equal("3小时20分", ReminderScan.Duration(new TimeSpan(3, 20, 0)));
        Assert.Equal("15分", ReminderScan.Duration(TimeSpan.FromMinutes(15)));
        Assert.Equal("不到1分钟", ReminderScan.Duration(TimeSpan.FromSeconds(30)));
    }
}

public sealed class SqliteReminderScanTests() : ReminderScanTests(GuanjiaStorage.SqliteName);

public sealed class PostgresReminderScanTests() : ReminderScanTests(GuanjiaStorage.PostgresName);
