using System.Text.Json;
using System.Text.RegularExpressions;
using Guanjia.Core.Points;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Commands;

/// <summary>打卡, 积分, 审核, 奖励, 领券, 兑换 and the points side of 撤销, said through intake.</summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed partial class PointsCommandTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    // 审核

    [Fact]
    public async Task Review_Approve_BySecretaryInTheirGroup_PaysTheReporterTheCategoryPoints()
    {
        var n = await _h.SeedAsync(category: "fire", department: "chuncheng");

        var said = await _h.SayAsync("chenjing", $"审核 {n} 通过", Wuhuashan);

        Assert.Contains($"#{n} 审核通过", said.Answer, StringComparison.Ordinal);
        Assert.Equal(3, await BalanceAsync("lihua"));
        Assert.True((await ReconcileAsync()).Balanced);
    }

    [Fact]
    public async Task Review_ApproveTwice_SecondIsRefusedAndPaysNothing()
    {
        var n = await _h.SeedAsync();
        await _h.SayAsync("chenjing", $"审核 {n} 通过", Wuhuashan);

        await AssertRefusedAsync("chenjing", $"审核 {n} 通过", Wuhuashan, "已审核通过", "审核 <单号> <通过|驳回>");

        Assert.Equal(1, await BalanceAsync("lihua"));
    }

    [Fact]
    public async Task Review_Refuse_RecordsTheReviewAndPaysNothing()
    {
        var n = await _h.SeedAsync();

        var said = await _h.SayAsync("chenjing", $"approve {n} 驳回");

        Assert.Contains("审核驳回", said.Answer, StringComparison.Ordinal);
        Assert.Equal(0, await BalanceAsync("lihua"));
        await using var db = _h.NewDb();
        Assert.False((await db.ReportReviews.SingleAsync()).Approved);
    }

    [Fact]
    public async Task Review_ByStewardOrInAnotherCommunity_IsRefused()
    {
        var n = await _h.SeedAsync();

        await AssertRefusedAsync("lihua", $"审核 {n} 通过", Wuhuashan, "没有使用“审核”的权限", "审核 <单号> <通过|驳回>");
        await AssertRefusedAsync("liuyang", $"审核 {n} 通过", null, "不属于您负责的社区", "审核 <单号> <通过|驳回>");
        await AssertRefusedAsync("chenjing", $"审核 {n} 好", Wuhuashan, "应为 通过、驳回 之一", "审核 <单号> <通过|驳回>");
    }

    // 打卡 with proof, 审核打卡

    [Fact]
    public async Task Patrol_LocationNearOwnCompound_PaysAtOnce_OncePerDayPerCompound()
    {
        var at74 = Config.FindCompound("hsnl-74")!.Location!.Value;

        var first = await _h.SendLocationAsync("lihua", at74.Latitude + 0.0005, at74.Longitude);
        var again = await _h.SendLocationAsync("lihua", at74.Latitude, at74.Longitude);

        Assert.Contains("巡查打卡 华山南路74号院：李华 +1 分", first.Answer, StringComparison.Ordinal);
        Assert.Contains("距小区约 56 米", first.Answer, StringComparison.Ordinal);
        Assert.Contains("今天已在华山南路74号院打过卡了", again.Answer, StringComparison.Ordinal);
        Assert.Equal(1, await BalanceAsync("lihua"));
        Assert.Equal(0, await _h.TicketCountAsync());

        _h.Time.Advance(TimeSpan.FromDays(1));
        await _h.SendLocationAsync("lihua", at74.Latitude, at74.Longitude);
        Assert.Equal(2, await BalanceAsync("lihua"));
    }

    [Fact]
    public async Task Patrol_LocationAtACompoundOfAnotherCommunity_PaysNothing()
    {
        // 杨芳 is a steward of 翠湖; 74号院 belongs to 五华山 (issue 12 item 8).
        var at74 = Config.FindCompound("hsnl-74")!.Location!.Value;
        var before = await BooksAsync();

        var said = await _h.SendLocationAsync("yangfang", at74.Latitude, at74.Longitude);

        Assert.Contains("华山南路74号院属于五华山社区，不是你所在的翠湖社区，这次打卡不计分", said.Answer, StringComparison.Ordinal);
        Assert.Equal(before, await BooksAsync());
    }

    [Fact]
    public async Task Patrol_LocationFarFromEveryCompound_SaysHowFarAndPaysNothing()
    {
        var at74 = Config.FindCompound("hsnl-74")!.Location!.Value;
        var before = await BooksAsync();

        // About 1.1 km south of 74号院.
        var said = await _h.SendLocationAsync("lihua", at74.Latitude - 0.01, at74.Longitude);

        Assert.Matches("你离最近的小区.+约 \\d+ 米，超过 300 米", said.Answer);
        Assert.Equal(before, await BooksAsync());
    }

    [Fact]
    public async Task Patrol_TypedWithoutPhoto_PaysNothingAndSaysHowToProveIt()
    {
        var said = await AssertRefusedAsync("lihua", "打卡", Wuhuashan, "打卡需要现场证明，这次没有记分", "打卡 [小区]");

        Assert.Contains("发送「位置」", said.Answer, StringComparison.Ordinal);
        Assert.Equal(0, await BalanceAsync("lihua"));
    }

    [Fact]
    public async Task Patrol_TypedForACompoundOfAnotherCommunity_PaysNothingEvenWithAPhoto()
    {
        var before = await BooksAsync();

        var said = await _h.SayAsync("yangfang", "打卡 74号院", Cuihu, photos: 1);

        Assert.Contains("不是你所在的翠湖社区，这次打卡不计分", said.Answer, StringComparison.Ordinal);
        Assert.Equal(before, await BooksAsync());
        await _h.SayAsync("liuyang", "审核打卡 通过", Cuihu);
        Assert.Equal(0, await BalanceAsync("yangfang"));
    }

    [Fact]
    public async Task Patrol_TypedWithPhoto_IsPendingUntilTheSecretaryApproves()
    {
        var pending = await _h.SayAsync("lihua", "打卡 74号院", Wuhuashan, photos: 1);
        Assert.Contains("已记录华山南路74号院的巡查照片，书记审核打卡通过后加分", pending.Answer, StringComparison.Ordinal);
        Assert.Equal(0, await BalanceAsync("lihua"));

        var approved = await _h.SayAsync("chenjing", "审核打卡 李华 通过", Wuhuashan);

        Assert.Contains("审核打卡通过：李华 华山南路74号院", approved.Answer, StringComparison.Ordinal);
        Assert.Contains("+1 分", approved.Answer, StringComparison.Ordinal);
        Assert.Equal(1, await BalanceAsync("lihua"));
        await AssertRefusedAsync("chenjing", "审核打卡 通过", Wuhuashan, "没有待审核的打卡", "审核打卡");
        Assert.Equal(1, await BalanceAsync("lihua"));
    }

    [Fact]
    public async Task Patrol_PhotoSentBeforeTheCommandIn1To1_IsTheProof()
    {
        await _h.SayAsync("zhoumin", null, photos: 1);

        var said = await _h.SayAsync("zhoumin", "打卡 圆通12号院");

        Assert.Contains("已记录圆通街12号院的巡查照片", said.Answer, StringComparison.Ordinal);
        Assert.Equal(0, await _h.PendingPhotoCountAsync());
    }

    [Fact]
    public async Task PatrolReview_Refused_PaysNothing_AndOnlyTheOwnCommunitysSecretaryMayDecide()
    {
        await _h.SayAsync("lihua", "打卡 74号院", Wuhuashan, photos: 1);

        await AssertRefusedAsync("liuyang", "审核打卡 李华 通过", Cuihu, "李华 不在你的社区", "审核打卡");
        await AssertRefusedAsync("lihua", "审核打卡 通过", Wuhuashan, "没有使用“审核打卡”的权限", "审核打卡");
        var refused = await _h.SayAsync("chenjing", "审核打卡 驳回", Wuhuashan);

        Assert.Contains("已驳回 1 条打卡，不加分", refused.Answer, StringComparison.Ordinal);
        Assert.Equal(0, await BalanceAsync("lihua"));
    }

    [Fact]
    public async Task Patrol_BySecretaryOrUnknownCompound_IsRefused()
    {
        await AssertRefusedAsync("chenjing", "打卡", Wuhuashan, "没有使用“打卡”的权限", "打卡 [小区]");
        await AssertRefusedAsync("zhoumin", "打卡 火星小区", Wuhuashan, "找不到小区「火星小区」", "打卡 [小区]");
    }

    // 申请, 审核申请

    [Fact]
    public async Task Claim_WithPhoto_IsPaidOnApproval_InTheLedgerLikeAnyTask()
    {
        var claimed = await _h.SayAsync("lihua", "申请 调解邻里纠纷 3栋两户漏水纠纷已调解", Wuhuashan, photos: 1);
        Assert.Contains("已提交申请 1 号「调解邻里纠纷」", claimed.Answer, StringComparison.Ordinal);
        Assert.Equal(0, await BalanceAsync("lihua"));

        var approved = await _h.SayAsync("chenjing", "审核申请 1 通过", Wuhuashan);

        Assert.Contains("1 号 李华「调解邻里纠纷」 +3 分", approved.Answer, StringComparison.Ordinal);
        Assert.Equal(3, await BalanceAsync("lihua"));
        await using var db = _h.NewDb();
        var transfer = await db.LedgerTransfers.SingleAsync();
        Assert.Equal(("task:mediation", "3栋两户漏水纠纷已调解", "claim:1"), (transfer.Kind, transfer.Note, transfer.Key));
    }

    [Fact]
    public async Task Claim_WithoutPhotoOrUnknownTask_IsRefused_AndARefusedClaimPaysNothing()
    {
        await AssertRefusedAsync("lihua", "申请 调解邻里纠纷 调解了", Wuhuashan, "要附一张现场照片", "申请 <任务> <说明>");
        await AssertRefusedAsync("lihua", "申请 扫雪 扫了", Wuhuashan, "没有「扫雪」这项任务", "申请 <任务> <说明>");

        await _h.SayAsync("lihua", "申请 fire-drill 参加了演练", Wuhuashan, photos: 1);
        var refused = await _h.SayAsync("chenjing", "审核申请 李华 驳回", Wuhuashan);

        Assert.Contains("已驳回", refused.Answer, StringComparison.Ordinal);
        Assert.Equal(0, await BalanceAsync("lihua"));
    }

    // 记录

    [Fact]
    public async Task Logbook_ShowsTheMonthsReportsPatrolsTasksAndPoints()
    {
        var fire = await _h.SeedAsync(category: "fire", department: "chuncheng");
        await _h.SeedAsync();
        await _h.SayAsync("chenjing", $"审核 {fire} 通过", Wuhuashan);
        var at74 = Config.FindCompound("hsnl-74")!.Location!.Value;
        await _h.SendLocationAsync("lihua", at74.Latitude, at74.Longitude);
        await _h.SayAsync("chenjing", "奖励 李华 调解邻里纠纷", Wuhuashan);
        await _h.SayAsync("lihua", "领券 2");

        var own = await _h.SayAsync("lihua", "记录");
        var bySecretary = await _h.SayAsync("chenjing", "记录 李华 2026-11", Wuhuashan);
        var lastMonth = await _h.SayAsync("lihua", "记录 2026-10");

        Assert.Contains("李华 2026-11 记录本", own.Answer, StringComparison.Ordinal);
        Assert.Contains("上报问题 2 件", own.Answer, StringComparison.Ordinal);
        Assert.Contains("巡查打卡 1 次", own.Answer, StringComparison.Ordinal);
        Assert.Contains("任务 1 项", own.Answer, StringComparison.Ordinal);
        Assert.Contains("积分：获得 7 分，使用 2 分", own.Answer, StringComparison.Ordinal);
        Assert.Equal(own.Answer, bySecretary.Answer);
        Assert.Contains("上报问题 0 件", lastMonth.Answer, StringComparison.Ordinal);
        await AssertRefusedAsync("zhoumin", "记录 李华", null, "只能查看自己的记录本", "记录");
    }

    // 奖励

    [Fact]
    public async Task Award_BySecretary_PaysTheTaskWithItsNote()
    {
        var said = await _h.SayAsync("chenjing", "奖励 李华 调解邻里纠纷 调解3栋漏水纠纷", Wuhuashan);

        Assert.Contains("李华 +3 分", said.Answer, StringComparison.Ordinal);
        Assert.Equal(3, await BalanceAsync("lihua"));
        await using var db = _h.NewDb();
        var transfer = await db.LedgerTransfers.SingleAsync();
        Assert.Equal(("调解3栋漏水纠纷", "award:bot:" + said.Message.MessageId), (transfer.Note, transfer.Key));
    }

    [Fact]
    public async Task Award_UnknownTaskOrOtherCommunityOrBySteward_IsRefused()
    {
        await AssertRefusedAsync("chenjing", "奖励 lihua 扫雪", Wuhuashan, "没有「扫雪」这项任务", "奖励 <人> <任务> [说明]");
        await AssertRefusedAsync("chenjing", "奖励 yangfang mediation", Wuhuashan, "不在你的社区", "奖励 <人> <任务> [说明]");
        await AssertRefusedAsync("zhoumin", "奖励 lihua mediation", Wuhuashan, "没有使用“奖励”的权限", "奖励 <人> <任务> [说明]");
        await AssertRefusedAsync("chenjing", "奖励 lihua", Wuhuashan, "缺少“任务”", "奖励 <人> <任务> [说明]");
    }

    // 领券 and 兑换

    [Fact]
    public async Task Voucher_WithEnoughPoints_HoldsThemAndGivesACode()
    {
        await _h.SayAsync("chenjing", "奖励 lihua mediation", Wuhuashan);

        var said = await _h.SayAsync("lihua", "领券 ２");

        var code = CodeIn(said.Answer);
        Assert.Contains("剩余 1 分", said.Answer, StringComparison.Ordinal);
        Assert.Equal(1, await BalanceAsync("lihua"));
        await using var db = _h.NewDb();
        var voucher = await db.Vouchers.SingleAsync();
        Assert.Equal((code.Replace("-", "", StringComparison.Ordinal), 2, VoucherState.Issued), (voucher.Code, voucher.Points, voucher.State));
    }

    [Fact]
    public async Task Voucher_NotANumberOrMoreThanTheBalanceOrBySecretary_IsRefused()
    {
        await _h.SayAsync("chenjing", "奖励 lihua mediation", Wuhuashan);

        await AssertRefusedAsync("lihua", "领券 很多", null, "不是积分数", "领券 <积分>");
        await AssertRefusedAsync("lihua", "领券 4", null, "积分不足：当前 3 分", "领券 <积分>");
        await AssertRefusedAsync("chenjing", "领券 1", null, "没有使用“领券”的权限", "领券 <积分>");
    }

    [Fact]
    public async Task Redeem_ByMerchantMember_MovesTheHeldPointsToTheMerchant_Once()
    {
        var code = await IssueAsync("lihua", 2);

        var said = await _h.SayAsync("sh-chun", $"兑换 {code[..4]} {code[5..].ToLowerInvariant()}");

        Assert.Contains("兑换成功", said.Answer, StringComparison.Ordinal);
        Assert.Contains("春晖食品", said.Answer, StringComparison.Ordinal);
        await using (var db = _h.NewDb())
        {
            Assert.Equal(2, await new Ledger(db).BalanceAsync(Ledger.MerchantAccount("chunhui")));
            Assert.Equal(0, await new Ledger(db).BalanceAsync(Ledger.Hold));
        }

        await AssertRefusedAsync("sh-chun", $"兑换 {code}", null, "兑换过，不能再用", "兑换 <券码>");
        Assert.True((await ReconcileAsync()).Balanced);
    }

    [Fact]
    public async Task Redeem_BySteward_IsRefusedForRole_AndAWrongCodeIsRefused()
    {
        var code = await IssueAsync("lihua", 1);

        await AssertRefusedAsync("zhoumin", $"兑换 {code}", null, "没有使用“兑换”的权限", "兑换 <券码>");
        await AssertRefusedAsync("sh-cui", "兑换 2222-2222", null, "券码无效", "兑换 <券码>");
        await AssertRefusedAsync("sh-cui", "兑换", null, "缺少“券码”", "兑换 <券码>");
    }

    // 积分

    [Fact]
    public async Task Show_Own_ShowsBalanceRecentLinesAndVouchers()
    {
        var code = await IssueAsync("lihua", 1);

        var said = await _h.SayAsync("lihua", "积分", Wuhuashan);

        Assert.Contains("李华 当前积分 2 分", said.Answer, StringComparison.Ordinal);
        Assert.Contains("调解邻里纠纷", said.Answer, StringComparison.Ordinal);
        Assert.Contains(code, said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_Others_OnlyForTheirSecretary()
    {
        await _h.SayAsync("chenjing", "奖励 lihua mediation", Wuhuashan);

        var secretary = await _h.SayAsync("chenjing", "积分 李华");
        Assert.Contains("李华 当前积分 3 分", secretary.Answer, StringComparison.Ordinal);

        await AssertRefusedAsync("zhoumin", "积分 lihua", null, "只能查看自己的积分", "积分 [人]");
        await AssertRefusedAsync("liuyang", "积分 lihua", null, "只能查看自己的积分", "积分 [人]");
    }

    [Fact]
    public async Task Show_ByMerchantMember_ShowsWhatTheMerchantIsOwed()
    {
        var code = await IssueAsync("lihua", 2);
        await _h.SayAsync("sh-chun", $"兑换 {code}");

        var said = await _h.SayAsync("sh-chun", "积分");

        Assert.Contains("春晖食品 待结算 2 分，折合 20 元", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_ByDepartmentMember_SaysTheyHaveNoPoints()
    {
        var said = await _h.SayAsync("hw-gao", "积分", SanitationGroup);

        Assert.Equal("积分只记给小巷管家；承办部门成员没有积分账户。", said.Answer);
        await using var db = _h.NewDb();
        Assert.Equal(0, await db.LedgerAccounts.CountAsync());
    }

    // 撤销 takes the report's points back

    [Fact]
    public async Task Cancel_AfterApproval_TakesThePointsBack_InTheSameStep_AndTheBooksBalance()
    {
        var n = await _h.SeedAsync(category: "wiring", department: "chuncheng");
        await _h.SayAsync("chenjing", $"审核 {n} 通过", Wuhuashan);
        Assert.Equal(2, await BalanceAsync("lihua"));

        var said = await _h.SayAsync("chenjing", $"撤销 {n}", Wuhuashan);

        Assert.Contains("已收回上报所得积分 2 分", said.Answer, StringComparison.Ordinal);
        Assert.Equal(TicketStatus.Cancelled, (await _h.TicketAsync(n)).Status);
        Assert.Equal(0, await BalanceAsync("lihua"));
        var books = await ReconcileAsync();
        Assert.True(books.Balanced, string.Join("; ", books.Problems));
        await using var db = _h.NewDb();
        var reversal = await db.LedgerTransfers.SingleAsync(t => t.Kind == TransferKinds.Reversal);
        Assert.Equal(n, reversal.TicketNumber);
        await AssertRefusedAsync("chenjing", $"审核 {n} 通过", Wuhuashan, "已撤销", "审核 <单号> <通过|驳回>");
    }

    [Fact]
    public async Task Cancel_WithoutPoints_CancelsAndTakesNothing()
    {
        var n = await _h.SeedAsync();

        var said = await _h.SayAsync("lihua", $"撤销 {n}", Wuhuashan);

        Assert.Equal($"工单 #{n} 已撤销。", said.Answer);
        await using var db = _h.NewDb();
        Assert.Equal(0, await db.LedgerTransfers.CountAsync());
    }

    private async Task<Said> AssertRefusedAsync(string user, string text, string? chat, string expected, string usage)
    {
        var before = await BooksAsync();
        var said = await _h.SayAsync(user, text, chat);

        Assert.Contains(expected, said.Answer, StringComparison.Ordinal);
        Assert.Contains($"用法：{usage}", said.Answer, StringComparison.Ordinal);
        Assert.Single(Usage().Matches(said.Answer));
        Assert.Equal(before, await BooksAsync());
        return said;
    }

    /// <summary>Everything a points command may change, to prove a refusal changed nothing.</summary>
    private async Task<string> BooksAsync()
    {
        await using var db = _h.NewDb();
        var accounts = await db.LedgerAccounts.AsNoTracking().OrderBy(a => a.Id).Select(a => new { a.Id, a.Balance }).ToListAsync();
        var vouchers = await db.Vouchers.AsNoTracking().OrderBy(v => v.Id).Select(v => new { v.Code, v.State }).ToListAsync();
        var transfers = await db.LedgerTransfers.CountAsync();
        var reviews = await db.ReportReviews.CountAsync();
        var patrols = await db.Patrols.AsNoTracking().Select(p => new { p.Id, p.State }).ToListAsync();
        var claims = await db.TaskClaims.AsNoTracking().Select(c => new { c.Id, c.State }).ToListAsync();
        var tickets = await db.Tickets.AsNoTracking().Select(t => new { t.Number, t.Status }).ToListAsync();
        return JsonSerializer.Serialize(new { accounts, vouchers, transfers, reviews, patrols, claims, tickets });
    }

    /// <summary>Gives the person 3 points (调解) and has them take a voucher; returns its code (ABCD-EFGH).</summary>
    private async Task<string> IssueAsync(string user, int points)
    {
        await _h.SayAsync("chenjing", $"奖励 {user} mediation", Wuhuashan);
        return CodeIn((await _h.SayAsync(user, $"领券 {points}")).Answer);
    }

    private async Task<int> BalanceAsync(string user)
    {
        await using var db = _h.NewDb();
        return await new Ledger(db).BalanceAsync(Ledger.PersonAccount(user));
    }

    private async Task<LedgerReconciliation> ReconcileAsync()
    {
        await using var db = _h.NewDb();
        return await new Ledger(db).ReconcileAsync();
    }

    private static string CodeIn(string answer) => Code().Match(answer) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException(answer);

    [GeneratedRegex("券码 ([2-9A-Z]{4}-[2-9A-Z]{4})")]
    private static partial Regex Code();

    [GeneratedRegex("用法：")]
    private static partial Regex Usage();
}
