using Guanjia.Core.Outbox;
using Guanjia.Core.Scheduling;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Commands;

/// <summary>A ticket re-dispatched (派单, 重办) is reminded afresh, at its new party.</summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class RedispatchReminderTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Assign_ToAnotherDepartment_ForgetsTheOldThresholds_AndRemindsTheNewParty()
    {
        // garbage, 4h from 09:00: 签收 due 10:00, half 11:00.
        var n = await _h.SeedAsync();
        _h.Time.Advance(TimeSpan.FromHours(2));
        var first = await ScanAsync();
        Assert.Contains(first, m => m.Target == SanitationRobot && m.Content.Contains("时限已过半", StringComparison.Ordinal));

        // 11:00 re-dispatched: the new span is 11:00–13:00, so 签收 is due 11:30 and half is 12:00.
        await _h.SayAsync("chenjing", $"派单 {n} chuncheng", Wuhuashan);
        Assert.Empty(await RemindersAsync(n));
        _h.Time.Advance(TimeSpan.FromMinutes(59));
        var accept = Assert.Single(await ScanAsync());
        Assert.Equal(ChunchengRobot, accept.Target);
        Assert.Contains($"#{n}", accept.Content, StringComparison.Ordinal);
        Assert.Contains("超时未签收", accept.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("时限已过半", accept.Content, StringComparison.Ordinal);

        _h.Time.Advance(TimeSpan.FromMinutes(1));
        var half = Assert.Single(await ScanAsync());
        Assert.Equal(ChunchengRobot, half.Target);
        Assert.Contains("时限已过半", half.Content, StringComparison.Ordinal);
        Assert.Equal([ReminderKinds.Accept, ReminderKinds.Half], (await RemindersAsync(n)).Order());
    }

    [Fact]
    public async Task Reopen_RemindsTheDepartmentAgain()
    {
        var n = await _h.SeedAsync();
        _h.Time.Advance(TimeSpan.FromHours(2));
        await ScanAsync();
        await _h.SayAsync("hw-gao", $"办结 {n}", SanitationGroup);
        _h.Time.Advance(TimeSpan.FromMinutes(10));
        await _h.SayAsync("lihua", $"重办 {n} 还是满的", Wuhuashan);

        _h.Time.Advance(TimeSpan.FromMinutes(60));
        var again = await ScanAsync();

        var message = Assert.Single(again);
        Assert.Equal(SanitationRobot, message.Target);
        Assert.Contains("时限已过半", message.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedAssign_KeepsTheRecordedThresholds()
    {
        var n = await _h.SeedAsync();
        _h.Time.Advance(TimeSpan.FromHours(2));
        await ScanAsync();

        await _h.SayAsync("chenjing", $"派单 {n} sanitation", Wuhuashan);

        Assert.Equal([ReminderKinds.Accept, ReminderKinds.Half], (await RemindersAsync(n)).Order());
        Assert.Empty(await ScanAsync());
    }

    private async Task<List<OutboxMessage>> ScanAsync()
    {
        await using var db = _h.NewDb();
        var before = await db.Outbox.Select(o => o.Id).DefaultIfEmpty().MaxAsync();
        var calendar = StreetCalendar.For(Config);
        await using (var scanDb = _h.NewDb())
        {
            await new ReminderScan(scanDb, Config, calendar, new TicketTexts(Config, calendar.Zone), _h.Time).RunAsync(CancellationToken.None);
        }

        return await db.Outbox.AsNoTracking().Where(o => o.Id > before).OrderBy(o => o.Id).ToListAsync();
    }

    private async Task<List<string>> RemindersAsync(int number)
    {
        await using var db = _h.NewDb();
        return await db.TicketReminders.Where(r => r.TicketNumber == number).Select(r => r.Kind).ToListAsync();
    }
}
