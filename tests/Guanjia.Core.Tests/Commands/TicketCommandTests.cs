using Guanjia.Core.Outbox;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Commands;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class TicketCommandTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<Said> AssertRefusedAsync(int number, string user, string text, string? chat, string expected, string usage)
    {
        var before = await _h.SnapshotAsync(number);
        var said = await _h.SayAsync(user, text, chat);

        Assert.Contains(expected, said.Answer, StringComparison.Ordinal);
        Assert.Contains($"用法：{usage}", said.Answer, StringComparison.Ordinal);
        Assert.Equal(before, await _h.SnapshotAsync(number));
        Assert.Single(said.Outbox);
        return said;
    }

    // 接单

    [Fact]
    public async Task Accept_ByMemberInTheirGroup_AcceptsAndStartsTheSignClock()
    {
        var n = await _h.SeedAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(12));

        var said = await _h.SayAsync("hw-gao", $"接单 {n}", SanitationGroup);

        var t = await _h.TicketAsync(n);
        Assert.Equal(TicketStatus.Accepted, t.Status);
        Assert.Equal(TimeSpan.FromMinutes(12), t.AcceptedAt - t.DispatchedAt);
        var e = t.Events.OrderBy(x => x.Id).Last();
        Assert.Equal(("accepted", "hw-gao", TicketStatus.Dispatched, TicketStatus.Accepted), (e.Kind, e.By, e.FromStatus!.Value, e.ToStatus!.Value));
        Assert.Contains("已签收", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_InOneToOne_Accepts()
    {
        var n = await _h.SeedAsync();

        await _h.SayAsync("hw-ma", $"accept #{n}");

        Assert.Equal(TicketStatus.Accepted, (await _h.TicketAsync(n)).Status);
    }

    [Fact]
    public async Task Accept_ByStewardWithoutTheRole_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "lihua", $"接单 {n}", Wuhuashan, "没有使用“接单”的权限", "接单 <单号>");
    }

    [Fact]
    public async Task Accept_ByMemberOfAnotherDepartment_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "cc-he", $"接单 {n}", ChunchengGroup, "不是派给贵单位的", "接单 <单号>");
    }

    [Fact]
    public async Task Accept_InTheCommunityGroup_IsRefusedAsWrongGroup()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "hw-gao", $"接单 {n}", Wuhuashan, "请在本部门群", "接单 <单号>");
    }

    [Fact]
    public async Task Accept_UnknownTicket_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "hw-gao", "接单 999", SanitationGroup, "没有找到工单 #999", "接单 <单号>");
    }

    [Fact]
    public async Task Accept_Twice_IsRefusedAsImpossible()
    {
        var n = await _h.SeedAsync();
        await _h.SayAsync("hw-gao", $"接单 {n}", SanitationGroup);

        await AssertRefusedAsync(n, "hw-ma", $"接单 {n}", SanitationGroup, "当前为“处置中”，不能接单", "接单 <单号>");
    }

    [Fact]
    public async Task Accept_WithoutNumber_IsRefusedWithUsage()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "hw-gao", "接单", SanitationGroup, "缺少“单号”", "接单 <单号>");
    }

    [Fact]
    public async Task Accept_QuotingTheDispatch_UsesItsNumber()
    {
        var n = await _h.SeedAsync();

        await _h.SayAsync("hw-gao", "接单", SanitationGroup, quoted: $"**新工单 #{n}**\n> 分类：垃圾清运");

        Assert.Equal(TicketStatus.Accepted, (await _h.TicketAsync(n)).Status);
    }

    [Fact]
    public async Task Command_ProcessedTwice_RunsOnce()
    {
        var n = await _h.SeedAsync();
        var said = await _h.SayAsync("hw-gao", $"接单 {n}", SanitationGroup);
        var after = await _h.SnapshotAsync(n);

        await _h.ProcessAsync(said.InboxId);

        Assert.Equal(after, await _h.SnapshotAsync(n));
    }

    // 办结

    [Fact]
    public async Task Resolve_WithPhotoInTheSameMessage_StoresAfterPhotoAndTellsTheReporter()
    {
        var n = await _h.SeedAsync();
        await _h.SayAsync("hw-gao", $"接单 {n}", SanitationGroup);

        var said = await _h.SayAsync("hw-gao", $"办结 {n} 已清运", SanitationGroup, photos: 1);

        var t = await _h.TicketAsync(n);
        Assert.Equal(TicketStatus.Resolved, t.Status);
        var photo = Assert.Single(t.Photos);
        Assert.Equal("after", photo.Stage);
        var e = t.Events.OrderBy(x => x.Id).Last();
        Assert.Equal(("resolved", "已清运", photo.PhotoId), (e.Kind, e.Note!, e.Photos!));
        var toCommunity = said.To(WuhuashanRobot).ToList();
        Assert.Contains(toCommunity, m => m.Kind == OutboxKind.Markdown && m.Content.Contains($"#{n}", StringComparison.Ordinal) && m.Content.Contains("已办结", StringComparison.Ordinal));
        Assert.Contains(toCommunity, m => m.Kind == OutboxKind.Image && m.Content == photo.PhotoId);
    }

    [Fact]
    public async Task Resolve_PhotoSentJustBefore_InOneToOne_BecomesTheAfterPhoto()
    {
        var n = await _h.SeedAsync();
        var photoOnly = await _h.SayAsync("hw-gao", null, photos: 1);
        Assert.Contains("办结", photoOnly.Answer, StringComparison.Ordinal);
        _h.Time.Advance(TimeSpan.FromMinutes(1));

        await _h.SayAsync("hw-gao", $"办结 {n}");

        var t = await _h.TicketAsync(n);
        Assert.Equal(TicketStatus.Resolved, t.Status);
        Assert.Equal("after", Assert.Single(t.Photos).Stage);
        Assert.Equal(0, await _h.PendingPhotoCountAsync());
    }

    [Fact]
    public async Task Resolve_PhotoSentJustAfter_JoinsTheTicketAndGoesToTheReporter()
    {
        var n = await _h.SeedAsync();
        await _h.SayAsync("hw-gao", $"办结 {n}", SanitationGroup);
        _h.Time.Advance(TimeSpan.FromMinutes(2));

        var said = await _h.SayAsync("hw-gao", null, SanitationGroup, photos: 1);

        var t = await _h.TicketAsync(n);
        var photo = Assert.Single(t.Photos);
        Assert.Equal("after", photo.Stage);
        Assert.Equal("photo-added", t.Events.OrderBy(x => x.Id).Last().Kind);
        Assert.Contains(said.To(WuhuashanRobot), m => m.Kind == OutboxKind.Image && m.Content == photo.PhotoId);
        Assert.Contains("补充到工单", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_PhotoAfterTheMergeWindow_DoesNotJoin()
    {
        var n = await _h.SeedAsync();
        await _h.SayAsync("hw-gao", $"办结 {n}", SanitationGroup);
        _h.Time.Advance(TimeSpan.FromMinutes(4));

        await _h.SayAsync("hw-gao", null, SanitationGroup, photos: 1);

        Assert.Empty((await _h.TicketAsync(n)).Photos);
        Assert.Equal(1, await _h.PendingPhotoCountAsync());
    }

    [Fact]
    public async Task Resolve_MemberQuotingTheDispatchWithDonePhraseAndPhoto_Resolves()
    {
        var n = await _h.SeedAsync();

        await _h.SayAsync("hw-gao", "已处理", SanitationGroup, quoted: $"**新工单 #{n}**", photos: 1);

        var t = await _h.TicketAsync(n);
        Assert.Equal(TicketStatus.Resolved, t.Status);
        Assert.Single(t.Photos);
    }

    [Fact]
    public async Task Resolve_WhenAlreadyClosed_IsRefused()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Closed);
        await AssertRefusedAsync(n, "hw-gao", $"办结 {n}", SanitationGroup, "当前为“已确认”，不能办结", "办结 <单号> [说明]");
    }

    // 退回

    [Fact]
    public async Task Return_WithReason_GoesBackToTheCommunitySecretaries()
    {
        var n = await _h.SeedAsync();

        var said = await _h.SayAsync("hw-gao", $"退回 {n} 不是垃圾问题，是私搭乱建", SanitationGroup);

        var t = await _h.TicketAsync(n);
        Assert.Equal(TicketStatus.Returned, t.Status);
        Assert.Equal("不是垃圾问题，是私搭乱建", t.Events.OrderBy(x => x.Id).Last().Note);
        var notice = Assert.Single(said.To(WuhuashanRobot));
        Assert.Contains("私搭乱建", notice.Content, StringComparison.Ordinal);
        Assert.Contains("退回社区", notice.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Return_WithoutReason_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "hw-gao", $"退回 {n}", SanitationGroup, "缺少“原因”", "退回 <单号> <原因>");
    }

    // 派单

    [Fact]
    public async Task Assign_ReturnedTicket_DispatchesToTheNewDepartmentWithPhotos()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Returned);

        var said = await _h.SayAsync("chenjing", $"派单 {n} 城管华山中队", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.Equal((TicketStatus.Dispatched, "urban"), (t.Status, t.Department));
        Assert.Contains(said.Outbox, m => m.Target == "5f2c0d3e-0000-4000-8000-000000000018" && m.Content.Contains($"#{n}", StringComparison.Ordinal));
        Assert.Empty(said.To(SanitationRobot));
    }

    [Fact]
    public async Task Assign_DispatchedTicket_TellsTheOldPartyItWasTakenAway()
    {
        var n = await _h.SeedAsync();

        var said = await _h.SayAsync("chenjing", $"派单 {n} chuncheng", Wuhuashan);

        Assert.Equal("chuncheng", (await _h.TicketAsync(n)).Department);
        Assert.Contains("无需再处理", Assert.Single(said.To(SanitationRobot)).Content, StringComparison.Ordinal);
        Assert.Contains(said.To(ChunchengRobot), m => m.Kind == OutboxKind.Markdown);
    }

    [Fact]
    public async Task Assign_BySecretaryOfAnotherCommunity_IsRefused()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Returned);
        await AssertRefusedAsync(n, "liuyang", $"派单 {n} urban", Cuihu, "不属于您负责的社区", "派单 <单号> <部门>");
    }

    [Fact]
    public async Task Assign_ByDepartmentMember_IsRefused()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Returned);
        await AssertRefusedAsync(n, "hw-gao", $"派单 {n} urban", SanitationGroup, "没有使用“派单”的权限", "派单 <单号> <部门>");
    }

    [Fact]
    public async Task Assign_UnknownDepartment_IsRefused()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Returned);
        await AssertRefusedAsync(n, "chenjing", $"派单 {n} 火星物业", Wuhuashan, "没有找到部门“火星物业”", "派单 <单号> <部门>");
    }

    [Fact]
    public async Task Assign_ResolvedTicket_IsRefused()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Resolved);
        await AssertRefusedAsync(n, "zhaolei", $"派单 {n} urban", null, "不能派单", "派单 <单号> <部门>");
    }

    // 改类

    [Fact]
    public async Task Recategorise_ChangesCategory_RecomputesDue_AndReRoutes()
    {
        var n = await _h.SeedAsync();

        var said = await _h.SayAsync("chenjing", $"改类 {n} 消防隐患", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.Equal(("fire", "chuncheng", TicketStatus.Dispatched), (t.Category, t.Department, t.Status));
        Assert.Equal(TimeSpan.FromHours(24), t.DueAt - t.CreatedAt);
        Assert.Equal(["recategorised", "dispatched"], t.Events.OrderBy(x => x.Id).Skip(2).Select(x => x.Kind));
        Assert.Contains(said.To(ChunchengRobot), m => m.Kind == OutboxKind.Markdown);
        Assert.Single(said.To(SanitationRobot));
    }

    [Fact]
    public async Task Recategorise_UnknownCategory_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "chenjing", $"改类 {n} 天气", Wuhuashan, "没有“天气”这个分类", "改类 <单号> <分类>");
    }

    // 确认 / 重办

    [Fact]
    public async Task Close_ByTheReporter_Closes()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Resolved);

        await _h.SayAsync("lihua", $"确认 {n}", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.Equal(TicketStatus.Closed, t.Status);
        Assert.NotNull(t.ClosedAt);
    }

    [Fact]
    public async Task Close_BySecretary_TellsTheReporter()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Resolved, conversation: "lihua");

        var said = await _h.SayAsync("chenjing", $"确认 {n}");

        Assert.Equal(TicketStatus.Closed, (await _h.TicketAsync(n)).Status);
        Assert.Contains(said.Outbox, m => m.Channel == OutboxChannel.AppUser && m.Target == "lihua" && m.Content.Contains("已确认", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Close_ByAnotherSteward_IsRefused()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Resolved);
        await AssertRefusedAsync(n, "zhoumin", $"确认 {n}", Wuhuashan, "不属于您负责的社区", "确认 <单号>");
    }

    [Fact]
    public async Task Close_WhileStillDispatched_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "lihua", $"确认 {n}", Wuhuashan, "不能确认", "确认 <单号>");
    }

    [Fact]
    public async Task Reopen_SendsItBackToTheSameParty()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Resolved);

        var said = await _h.SayAsync("lihua", $"重办 {n} 垃圾还在", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.Equal((TicketStatus.Dispatched, "sanitation"), (t.Status, t.Department));
        Assert.Contains("垃圾还在", Assert.Single(said.To(SanitationRobot)).Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_WithoutReason_IsRefused()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Resolved);
        await AssertRefusedAsync(n, "lihua", $"重办 {n}", Wuhuashan, "缺少“原因”", "重办 <单号> <原因>");
    }

    // 升级 / 合并 / 加急 / 撤销

    [Fact]
    public async Task Escalate_NotifiesTheStreetOffice_AndRecordsIt()
    {
        var n = await _h.SeedAsync();

        var said = await _h.SayAsync("chenjing", $"升级 {n} 三天无人处理", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.NotNull(t.EscalatedAt);
        Assert.Equal(TicketStatus.Dispatched, t.Status);
        Assert.Equal("escalated", t.Events.OrderBy(x => x.Id).Last().Kind);
        Assert.Contains("三天无人处理", Assert.Single(said.To(StreetRobot)).Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escalate_BySteward_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "lihua", $"升级 {n}", Wuhuashan, "没有使用“升级”的权限", "升级 <单号> [原因]");
    }

    [Fact]
    public async Task Merge_MarksMerged_AndCreditsTheReporterOnTheSurvivor()
    {
        var survivor = await _h.SeedAsync();
        var duplicate = await _h.SeedAsync(reporter: "zhoumin");

        await _h.SayAsync("chenjing", $"合并 {duplicate} {survivor}", Wuhuashan);

        var d = await _h.TicketAsync(duplicate);
        Assert.Equal((TicketStatus.Merged, survivor), (d.Status, d.MergedInto!.Value));
        var credit = (await _h.TicketAsync(survivor)).Events.Single(e => e.Kind == "merged-in");
        Assert.Contains("zhoumin", credit.Note, StringComparison.Ordinal);
        await using var db = _h.NewDb();
        Assert.Equal(["zhoumin"], await db.Tickets.Where(t => t.MergedInto == survivor).Select(t => t.Reporter).ToListAsync());
    }

    [Fact]
    public async Task Merge_IntoItself_IntoUnknown_OrIntoClosed_IsRefused()
    {
        var n = await _h.SeedAsync();
        var closed = await _h.SeedAsync(status: TicketStatus.Closed);

        await AssertRefusedAsync(n, "chenjing", $"合并 {n} {n}", Wuhuashan, "不能把工单并入它自己", "合并 <单号> <主单号>");
        await AssertRefusedAsync(n, "chenjing", $"合并 {n} 999", Wuhuashan, "没有找到工单 #999", "合并 <单号> <主单号>");
        await AssertRefusedAsync(n, "chenjing", $"合并 {n} {closed}", Wuhuashan, "只能并入未办结的工单", "合并 <单号> <主单号>");
    }

    [Fact]
    public async Task MarkUrgent_AppliesTheUrgentTimeLimit_AndMentionsTheMembers()
    {
        var n = await _h.SeedAsync(category: "fire", department: "chuncheng");

        var said = await _h.SayAsync("chenjing", $"加急 {n}", Wuhuashan);

        var t = await _h.TicketAsync(n);
        Assert.True(t.Urgent);
        Assert.Equal(TimeSpan.FromHours(2), t.DueAt - t.CreatedAt);
        var mention = Assert.Single(said.To(ChunchengRobot));
        Assert.Equal(("cc-he", OutboxKind.Text), (mention.Mentions!, mention.Kind));
    }

    [Fact]
    public async Task MarkUrgent_WhenAlreadyUrgent_IsRefused()
    {
        var n = await _h.SeedAsync(urgent: true);
        await AssertRefusedAsync(n, "chenjing", $"加急 {n}", Wuhuashan, "已是紧急工单", "加急 <单号>");
    }

    [Fact]
    public async Task Cancel_ByTheReporter_CancelsAndTellsTheDepartment()
    {
        var n = await _h.SeedAsync();

        var said = await _h.SayAsync("lihua", $"撤销 {n}");

        Assert.Equal(TicketStatus.Cancelled, (await _h.TicketAsync(n)).Status);
        Assert.Contains("已撤销", Assert.Single(said.To(SanitationRobot)).Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_ByAnotherSteward_OrWhenClosed_IsRefused()
    {
        var n = await _h.SeedAsync();
        var closed = await _h.SeedAsync(status: TicketStatus.Closed);

        await AssertRefusedAsync(n, "zhoumin", $"撤销 {n}", Wuhuashan, "不属于您负责的社区", "撤销 <单号>");
        await AssertRefusedAsync(closed, "lihua", $"撤销 {closed}", Wuhuashan, "不能撤销", "撤销 <单号>");
    }

    // 查询 / 待办 / 帮助

    [Fact]
    public async Task Show_InScope_ListsStatusAndHistory_HidingTheReporterFromDepartments()
    {
        var n = await _h.SeedAsync();
        await _h.SayAsync("hw-gao", $"接单 {n}", SanitationGroup);

        var said = await _h.SayAsync("hw-ma", $"查询 {n}", SanitationGroup);

        Assert.Contains("处置中", said.Answer, StringComparison.Ordinal);
        Assert.Contains("接单", said.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("李华", said.Answer, StringComparison.Ordinal);
        Assert.Contains("李华", (await _h.SayAsync("chenjing", $"查询 {n}", Wuhuashan)).Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_OutOfScope_IsRefused()
    {
        var n = await _h.SeedAsync();
        await AssertRefusedAsync(n, "yangfang", $"查询 {n}", Cuihu, "不在您的范围内", "查询 <单号>");
    }

    [Fact]
    public async Task Todo_ForADepartmentMember_ListsItsQueueOnly()
    {
        var mine = await _h.SeedAsync();
        var other = await _h.SeedAsync(category: "fire", department: "chuncheng");
        var done = await _h.SeedAsync(status: TicketStatus.Closed);

        var answer = (await _h.SayAsync("hw-gao", "待办", SanitationGroup)).Answer;

        Assert.Contains($"#{mine}", answer, StringComparison.Ordinal);
        Assert.DoesNotContain($"#{other} ", answer, StringComparison.Ordinal);
        Assert.DoesNotContain($"#{done} ", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsOnlyWhatThePersonMayUse()
    {
        var steward = (await _h.SayAsync("lihua", "帮助")).Answer;
        var secretary = (await _h.SayAsync("chenjing", "/help")).Answer;
        var member = (await _h.SayAsync("hw-gao", "帮助", SanitationGroup)).Answer;

        Assert.DoesNotContain("派单 <单号>", steward, StringComparison.Ordinal);
        Assert.Contains("确认 <单号>", steward, StringComparison.Ordinal);
        Assert.Contains("派单 <单号> <部门>", secretary, StringComparison.Ordinal);
        Assert.Contains("接单 <单号>", member, StringComparison.Ordinal);
        Assert.Contains("统计 [今日|本周|本月]", secretary, StringComparison.Ordinal);
        Assert.DoesNotContain("统计", steward, StringComparison.Ordinal);
        Assert.Contains("打卡 [小区]", steward, StringComparison.Ordinal);
        Assert.DoesNotContain("兑换", steward, StringComparison.Ordinal);
    }

    // Not commands

    [Fact]
    public async Task DepartmentGroup_TextThatIsNoCommand_GetsAHint_NotATicket()
    {
        var said = await _h.SayAsync("hw-gao", "今天下午去清运", SanitationGroup);

        Assert.Contains("接单 153", said.Answer, StringComparison.Ordinal);
        await using var db = _h.NewDb();
        Assert.Equal(0, await db.Tickets.CountAsync());
    }

    [Fact]
    public async Task CommunityGroup_TextFromADepartmentMemberNotOnTheRoster_GetsAHint_NotATicket()
    {
        var said = await _h.SayAsync("hw-gao", "南路74号院门口垃圾桶满了", Wuhuashan);

        Assert.Contains("帮助", said.Answer, StringComparison.Ordinal);
        await using var db = _h.NewDb();
        Assert.Equal(0, await db.Tickets.CountAsync());
    }

    [Fact]
    public async Task CommunityGroup_ReportStartingWithACommandWord_StaysAReport()
    {
        var said = await _h.SayAsync("lihua", "确认一下南路74号院门口垃圾桶满了没人清运", Wuhuashan);

        Assert.Contains("已受理", said.Answer, StringComparison.Ordinal);
        await using var db = _h.NewDb();
        Assert.Equal(1, await db.Tickets.CountAsync());
    }

    [Fact]
    public async Task PrefixedUnknownCommand_PointsToHelp()
    {
        var said = await _h.SayAsync("lihua", "/吃饭", Wuhuashan);

        Assert.Contains("帮助", said.Answer, StringComparison.Ordinal);
        await using var db = _h.NewDb();
        Assert.Equal(0, await db.Tickets.CountAsync());
    }
}
