using Guanjia.Core.Scheduling;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Commands;

/// <summary>Closing the loop: 评价 by the reporter, 延期 asked by a department and decided by a secretary.</summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class LoopCommandTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<int> ResolvedAsync()
    {
        var n = await _h.SeedAsync();
        await _h.SayAsync("hw-gao", $"办结 {n} 已清运", SanitationGroup);
        Assert.Equal(TicketStatus.Resolved, (await _h.TicketAsync(n)).Status);
        return n;
    }

    private async Task AssertRefusedAsync(int number, string user, string text, string? chat, string expected, string usage)
    {
        var before = await _h.SnapshotAsync(number);
        var loopBefore = await LoopStateAsync(number);
        var said = await _h.SayAsync(user, text, chat);

        Assert.Contains(expected, said.Answer, StringComparison.Ordinal);
        Assert.Contains($"用法：{usage}", said.Answer, StringComparison.Ordinal);
        Assert.Equal(before, await _h.SnapshotAsync(number));
        Assert.Equal(loopBefore, await LoopStateAsync(number));
        Assert.Single(said.Outbox);
    }

    private async Task<(string?, DateTimeOffset?, string?)> LoopStateAsync(int number)
    {
        var t = await _h.TicketAsync(number);
        return (t.Satisfaction, t.RatedAt, t.ExtensionRequest);
    }

    // 评价

    [Theory]
    [InlineData("满意", Satisfactions.Satisfied)]
    [InlineData("基本满意", Satisfactions.Basic)]
    public async Task Rate_SatisfiedOnResolvedTicket_StoresTheRatingAndCloses(string word, string code)
    {
        var n = await ResolvedAsync();
        _h.Time.Advance(TimeSpan.FromHours(2));

        var said = await _h.SayAsync("lihua", $"评价 {n} {word}", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.Equal((TicketStatus.Closed, code, _h.Time.GetUtcNow()), (t.Status, t.Satisfaction, t.RatedAt!.Value));
        var events = t.Events.OrderBy(e => e.Id).TakeLast(2).ToList();
        Assert.Equal(("rated", "lihua", word), (events[0].Kind, events[0].By, events[0].Note));
        Assert.Equal(("closed", TicketStatus.Resolved, TicketStatus.Closed), (events[1].Kind, events[1].FromStatus!.Value, events[1].ToStatus!.Value));
        Assert.Contains("已结案", said.Answer, StringComparison.Ordinal);
        Assert.Contains($"上报人评价：{word}", Assert.Single(said.To(SanitationRobot)).Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_UnsatisfiedOnResolvedTicket_ReopensToTheSameDepartmentAndTellsIt()
    {
        var n = await ResolvedAsync();

        var said = await _h.SayAsync("lihua", $"rate #{n} 不满意", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.Equal((TicketStatus.Dispatched, "sanitation", Satisfactions.Unsatisfied), (t.Status, t.Department, t.Satisfaction));
        Assert.Null(t.ResolvedAt);
        Assert.Equal(["rated", "reopened"], t.Events.OrderBy(e => e.Id).TakeLast(2).Select(e => e.Kind));
        Assert.Contains("重办", Assert.Single(said.To(SanitationRobot)).Content, StringComparison.Ordinal);
        Assert.Contains("重新处理", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_AfterUnsatisfiedAndResolvedAgain_MayRateAgain()
    {
        var n = await ResolvedAsync();
        await _h.SayAsync("lihua", $"评价 {n} 不满意", Wuhuashan);
        await _h.SayAsync("hw-gao", $"办结 {n} 重新清运", SanitationGroup);

        await _h.SayAsync("lihua", $"评价 {n} 满意", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.Equal((TicketStatus.Closed, Satisfactions.Satisfied), (t.Status, t.Satisfaction));
    }

    [Fact]
    public async Task Rate_OnClosedTicket_StoresTheRatingWithoutChangingStatus()
    {
        var n = await ResolvedAsync();
        await _h.SayAsync("lihua", $"确认 {n}", Wuhuashan);

        await _h.SayAsync("lihua", $"评价 {n} 基本满意", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.Equal((TicketStatus.Closed, Satisfactions.Basic), (t.Status, t.Satisfaction));
        Assert.Single(t.Events, e => e.Kind == "closed");
    }

    [Fact]
    public async Task Rate_ByAnotherPerson_IsRefused()
    {
        var n = await ResolvedAsync();
        await AssertRefusedAsync(n, "chenjing", $"评价 {n} 满意", Wuhuashan, "只有上报人本人", "评价 <单号> <满意|基本满意|不满意>");
    }

    [Fact]
    public async Task Rate_BeforeResolved_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "lihua", $"评价 {n} 满意", Wuhuashan, "办结后才能评价", "评价 <单号> <满意|基本满意|不满意>");
    }

    [Fact]
    public async Task Rate_Twice_IsRefused()
    {
        var n = await ResolvedAsync();
        await _h.SayAsync("lihua", $"评价 {n} 满意", Wuhuashan);
        await AssertRefusedAsync(n, "lihua", $"评价 {n} 不满意", Wuhuashan, "已评价为“满意”", "评价 <单号> <满意|基本满意|不满意>");
    }

    [Fact]
    public async Task Rate_WithUnknownWord_IsRefused()
    {
        var n = await ResolvedAsync();
        await AssertRefusedAsync(n, "lihua", $"评价 {n} 很好", Wuhuashan, "满意、基本满意、不满意", "评价 <单号> <满意|基本满意|不满意>");
    }

    [Fact]
    public async Task Resolve_TellsTheReporterHowToRate()
    {
        var n = await _h.SeedAsync();
        var said = await _h.SayAsync("hw-gao", $"办结 {n}", SanitationGroup);
        Assert.Contains($"评价 {n} 满意|基本满意|不满意", Assert.Single(said.To(WuhuashanRobot)).Content, StringComparison.Ordinal);
    }

    // 延期

    [Theory]
    [InlineData("2天", 48)]
    [InlineData("2d", 48)]
    [InlineData("48h", 48)]
    [InlineData("5小时", 5)]
    public async Task Extend_AskedAndAgreed_MovesTheDeadlineByClockTime(string span, int hours)
    {
        var n = await _h.SeedAsync();
        var due = (await _h.TicketAsync(n)).DueAt;

        var asked = await _h.SayAsync("hw-gao", $"延期 {n} {span} 等待车辆维修", SanitationGroup);

        var pending = await _h.TicketAsync(n);
        Assert.Equal(due, pending.DueAt);
        Assert.NotNull(pending.ExtensionRequest);
        var request = pending.Events.OrderBy(e => e.Id).Last();
        Assert.Equal(("extension-requested", "hw-gao"), (request.Kind, request.By));
        Assert.Contains("等待车辆维修", request.Note, StringComparison.Ordinal);
        var toSecretaries = Assert.Single(asked.To(WuhuashanRobot));
        Assert.Contains($"同意延期 {n}", toSecretaries.Content, StringComparison.Ordinal);
        Assert.Contains("同意后", asked.Answer, StringComparison.Ordinal);

        var agreed = await _h.SayAsync("chenjing", $"同意延期 {n}", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.Equal(due + TimeSpan.FromHours(hours), t.DueAt);
        Assert.Null(t.ExtensionRequest);
        var extended = t.Events.OrderBy(e => e.Id).Last();
        Assert.Equal(("extended", "chenjing"), (extended.Kind, extended.By));
        Assert.Contains(_h.Texts().Time(due), extended.Note, StringComparison.Ordinal);
        Assert.Contains(_h.Texts().Time(t.DueAt), extended.Note, StringComparison.Ordinal);
        Assert.Contains("已同意", Assert.Single(agreed.To(SanitationRobot)).Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extend_InWorkingDays_SkipsTheWeekend()
    {
        // Seeded Tuesday 09:00, due 13:00; 3 working days later is Friday 13:00.
        var n = await _h.SeedAsync();
        await _h.SayAsync("hw-gao", $"延期 {n} 3个工作日 需协调业主", SanitationGroup);
        await _h.SayAsync("chenjing", $"同意延期 {n}", Wuhuashan);
        var t = await _h.TicketAsync(n);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 13, 0, 0, TimeSpan.FromHours(8)), t.DueAt);
    }

    [Fact]
    public async Task Extend_Refused_KeepsTheDeadlineAndTellsTheDepartment()
    {
        var n = await _h.SeedAsync();
        var due = (await _h.TicketAsync(n)).DueAt;
        await _h.SayAsync("hw-gao", $"延期 {n} 2d 人手不足", SanitationGroup);

        var refused = await _h.SayAsync("chenjing", $"不同意延期 {n} 居民等不了", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.Equal(due, t.DueAt);
        Assert.Null(t.ExtensionRequest);
        Assert.Equal(("extension-refused", "居民等不了"), (t.Events.OrderBy(e => e.Id).Last().Kind, t.Events.OrderBy(e => e.Id).Last().Note));
        Assert.Contains("未获同意", Assert.Single(refused.To(SanitationRobot)).Content, StringComparison.Ordinal);
        // Settled: the department may ask again.
        await _h.SayAsync("hw-gao", $"延期 {n} 1d 人手不足", SanitationGroup);
        Assert.Equal("1d", (await _h.TicketAsync(n)).ExtensionRequest);
    }

    [Fact]
    public async Task Extend_WhileOneIsPending_IsRefused()
    {
        var n = await _h.SeedAsync();
        await _h.SayAsync("hw-gao", $"延期 {n} 2d 人手不足", SanitationGroup);
        await AssertRefusedAsync(n, "hw-ma", $"延期 {n} 1d 还是不够", SanitationGroup, "已有一项延期申请", "延期 <单号> <时长> <原因>");
    }

    [Fact]
    public async Task Extend_WithUnreadableSpan_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "hw-gao", $"延期 {n} 一阵子 人手不足", SanitationGroup, "看不懂时长", "延期 <单号> <时长> <原因>");
    }

    [Fact]
    public async Task Extend_WithoutReason_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "hw-gao", $"延期 {n} 2d", SanitationGroup, "缺少“原因”", "延期 <单号> <时长> <原因>");
    }

    [Fact]
    public async Task Extend_ByAnotherDepartment_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "cc-he", $"延期 {n} 2d 人手不足", ChunchengGroup, "不是派给贵单位的", "延期 <单号> <时长> <原因>");
    }

    [Fact]
    public async Task AgreeExtension_WithoutRequest_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "chenjing", $"同意延期 {n}", Wuhuashan, "没有待审批的延期申请", "同意延期 <单号>");
    }

    [Fact]
    public async Task AgreeExtension_ByDepartmentMember_IsRefused()
    {
        var n = await _h.SeedAsync();
        await _h.SayAsync("hw-gao", $"延期 {n} 2d 人手不足", SanitationGroup);
        await AssertRefusedAsync(n, "hw-gao", $"同意延期 {n}", SanitationGroup, "没有使用“同意延期”的权限", "同意延期 <单号>");
    }

    [Fact]
    public async Task AgreeExtension_RearmsRemindersWhoseThresholdMovedIntoTheFuture()
    {
        // Due 13:00 (4h from 09:00): at 11:30 the 50% reminder has gone out.
        var n = await _h.SeedAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(150));
        await using (var db = _h.NewDb())
        {
            db.TicketReminders.Add(new TicketReminder { TicketNumber = n, Kind = ReminderKinds.Half, At = _h.Time.GetUtcNow() });
            db.TicketReminders.Add(new TicketReminder { TicketNumber = n, Kind = ReminderKinds.Accept, At = _h.Time.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        await _h.SayAsync("hw-gao", $"延期 {n} 1d 等配件", SanitationGroup);
        await _h.SayAsync("chenjing", $"同意延期 {n}", Wuhuashan);

        // New deadline 13:00 the next day: 50% is now 23:00 tonight, the 签收 limit (2 h cap, 11:00) stays passed.
        await using var read = _h.NewDb();
        Assert.Equal([ReminderKinds.Accept], await read.TicketReminders.Where(r => r.TicketNumber == n).Select(r => r.Kind).ToListAsync());
    }

    [Fact]
    public async Task Show_PendingExtensionAndRating_AreListed()
    {
        var n = await _h.SeedAsync();
        await _h.SayAsync("hw-gao", $"延期 {n} 3wd 等配件", SanitationGroup);
        var pending = await _h.SayAsync("chenjing", $"查询 {n}", Wuhuashan);
        Assert.Contains("延期申请：延长3个工作日，待社区书记审批", pending.Answer, StringComparison.Ordinal);
        Assert.Contains("申请延期", pending.Answer, StringComparison.Ordinal);

        await _h.SayAsync("hw-gao", $"办结 {n}", SanitationGroup);
        await _h.SayAsync("lihua", $"评价 {n} 基本满意", Wuhuashan);
        var rated = await _h.SayAsync("lihua", $"查询 {n}", Wuhuashan);
        Assert.Contains("评价：基本满意", rated.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("延期申请：", rated.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_WithPendingExtension_SettlesTheRequest()
    {
        var n = await _h.SeedAsync();
        await _h.SayAsync("hw-gao", $"延期 {n} 2d 人手不足", SanitationGroup);
        await _h.SayAsync("hw-gao", $"办结 {n}", SanitationGroup);
        Assert.Null((await _h.TicketAsync(n)).ExtensionRequest);
    }
}
