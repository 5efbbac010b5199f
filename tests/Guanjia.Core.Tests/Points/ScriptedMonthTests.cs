using Guanjia.Core.Points;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Tests.Points;

/// <summary>
/// November 2026 in 华山街道: approvals, refusals, tasks, patrols past the cap, self-approval
/// attempts, a duplicate photo, a merged duplicate, a reversed ticket, vouchers issued, redeemed,
/// double-redeemed and expired; then the street office settles with the merchants.
/// </summary>
public sealed class ScriptedMonthTests : IAsyncLifetime
{
    private const ulong Photo = 0x0123_4567_89AB_CDEEUL;

    // Vouchers live a week in this script so one expires within the month.
    private readonly PointsFixture _f = new(c => ReportReviewTests.WithPoints(c, c.Points with { VoucherValidDays = 7 }));

    public Task InitializeAsync() => _f.InitializeAsync();

    public Task DisposeAsync() => _f.DisposeAsync();

    [Fact]
    public async Task AMonthOfPoints_ReconcilesToZero_AndStatementsPayRedeemedPointsAtTheirValue()
    {
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        void Earn(string who, int points) => expected[who] = expected.GetValueOrDefault(who) + points;

        // ---- Week 1: reports and their review -------------------------------------------------
        var fire = await _f.AddTicketAsync("lihua", "fire", photoHashes: [Photo]);
        var garbage = await _f.AddTicketAsync("zhoumin", "garbage", photoHashes: [Photo ^ 0xFFFF_0000_FFFF_0000UL]);
        var samePhoto = await _f.AddTicketAsync("wanggang", "garbage", photoHashes: [Photo ^ 0b1010]);
        var security = await _f.AddTicketAsync("yangfang", "security", community: "cuihu");
        var falseReport = await _f.AddTicketAsync("lihua", "wiring");
        var duplicateFirst = await _f.AddTicketAsync("zhoumin", "hygiene");
        var duplicateSurvivor = await _f.AddTicketAsync("wanggang", "hygiene");
        await _f.SetStatusAsync(duplicateFirst.Number, TicketStatus.Merged, mergedInto: duplicateSurvivor.Number);
        var bySecretary = await _f.AddTicketAsync("chenjing", "facility");
        var parking = await _f.AddTicketAsync("lihua", "parking");

        await Succeeds(p => p.ApproveReportAsync(_f.Chenjing, fire.Number), 3);
        Earn("lihua", 3);
        await Succeeds(p => p.ApproveReportAsync(_f.Chenjing, garbage.Number), 1);
        Earn("zhoumin", 1);
        await Refused(p => p.ApproveReportAsync(_f.Chenjing, samePhoto.Number), "雷同");
        await Refused(p => p.ApproveReportAsync(_f.Chenjing, security.Number), "不属于你的社区");
        await Succeeds(p => p.ApproveReportAsync(_f.Liuyang, security.Number), 3);
        Earn("yangfang", 3);
        await Refused(p => p.ApproveReportAsync(_f.Liuyang, security.Number), "已审核通过");
        await Succeeds(p => p.ApproveReportAsync(_f.Chenjing, falseReport.Number), 2);
        Earn("lihua", 2);
        await Succeeds(p => p.ApproveReportAsync(_f.Chenjing, duplicateSurvivor.Number), 1);
        Earn("zhoumin", 1);
        await Refused(p => p.ApproveReportAsync(_f.Chenjing, duplicateFirst.Number), "已审核通过");
        await Refused(p => p.ApproveReportAsync(_f.Chenjing, bySecretary.Number), "不能审核自己");
        await Succeeds(p => p.ApproveReportAsync(_f.Zhaolei, bySecretary.Number), 1);
        Earn("chenjing", 1);
        await Succeeds(p => p.RefuseReportAsync(_f.Chenjing, parking.Number), 0);
        await Refused(p => p.RefuseReportAsync(_f.Chenjing, parking.Number), "已经驳回");

        // The wiring report turns out false: 撤销 takes its points back.
        await _f.SetStatusAsync(falseReport.Number, TicketStatus.Cancelled);
        await Succeeds(p => p.ReverseTicketAsync(falseReport.Number, "chenjing"), 2);
        Earn("lihua", -2);
        await Refused(p => p.ApproveReportAsync(_f.Chenjing, falseReport.Number), "已撤销");

        // ---- Tasks and patrols through the month, one day past the cap -----------------------
        await Succeeds(p => p.AwardAsync(_f.Chenjing, "李华", "调解邻里纠纷", "楼上漏水"), 3);
        Earn("lihua", 3);
        await Succeeds(p => p.AwardAsync(_f.Liuyang, "hejun", "fire-drill", null), 2);
        Earn("hejun", 2);
        await Refused(p => p.AwardAsync(_f.Chenjing, "chenjing", "mediation", null), "不能给自己");
        await Refused(p => p.AwardAsync(_f.Chenjing, "yangfang", "mediation", null), "不在你的社区");
        await Refused(p => p.AwardAsync(_f.Chenjing, "lihua", "karaoke", null), "没有「karaoke」");

        for (var day = 0; day < 20; day++)
        {
            await Succeeds(p => p.PatrolAtAsync(_f.Lihua, _f.Config.FindCompound("hsnl-74")!), 1);
            Earn("lihua", 1);
            await Refused(p => p.PatrolAtAsync(_f.Lihua, _f.Config.FindCompound("hsnl-74")!), "今天已在华山南路74号院打过卡");
            if (day == 5)
            {
                // 1 (patrol) + 5 + 3 = 9 today: the next 2-point task pays 1, then the cap holds.
                await Succeeds(p => p.AwardAsync(_f.Chenjing, "lihua", "rescue", null), 5);
                await Succeeds(p => p.AwardAsync(_f.Chenjing, "lihua", "mediation", null), 3);
                await Succeeds(p => p.AwardAsync(_f.Chenjing, "lihua", "cleanup", null), 1);
                await Refused(p => p.AwardAsync(_f.Chenjing, "lihua", "publicity", null), "上限");
                Earn("lihua", 9);
            }

            await Succeeds(p => p.PatrolAtAsync(_f.Zhoumin, _f.Config.FindCompound("ytj-12")!), 1);
            Earn("zhoumin", 1);
            _f.Time.Advance(TimeSpan.FromDays(1));
        }

        // ---- Vouchers (Nov 22) ------------------------------------------------------------------
        var lihuaBalance = expected["lihua"];
        Assert.Equal(lihuaBalance, await _f.PersonBalanceAsync("lihua"));
        await Refused(p => p.IssueVoucherAsync(_f.Lihua, lihuaBalance + 1), "积分不足");
        var forFood = await Succeeds(p => p.IssueVoucherAsync(_f.Lihua, 10), 10);
        var forFruit = await Succeeds(p => p.IssueVoucherAsync(_f.Zhoumin, 6), 6);
        var forgotten = await Succeeds(p => p.IssueVoucherAsync(_f.Zhoumin, 4), 4);
        var forShop = await Succeeds(p => p.IssueVoucherAsync(_f.Yangfang, 3), 3);
        Earn("lihua", -10);
        Earn("zhoumin", -10);
        Earn("yangfang", -3);

        var chun = PointsFixture.Merchant("sh-chun");
        var cui = PointsFixture.Merchant("sh-cui");
        var jin = PointsFixture.Merchant("sh-jin");
        await Succeeds(p => p.RedeemAsync(chun, forFood.VoucherCode), 10);
        await Refused(p => p.RedeemAsync(cui, forFood.VoucherCode), "兑换过");
        await Refused(p => p.RedeemAsync(chun, "WXYZ-2345"), "券码无效");
        await Refused(p => p.RedeemAsync(_f.Lihua, forFruit.VoucherCode), "只有联盟商户");
        await Succeeds(p => p.RedeemAsync(cui, VoucherCode.Format(forFruit.VoucherCode!).ToLowerInvariant()), 6);
        await Succeeds(p => p.RedeemAsync(jin, forShop.VoucherCode), 3);

        // A week later the forgotten voucher expires and its points go back to zhoumin.
        _f.Time.Advance(TimeSpan.FromDays(7));
        await Refused(p => p.RedeemAsync(jin, forgotten.VoucherCode), "已过期");
        Assert.Equal(1, await _f.Points(p => p.ExpireVouchersAsync()));
        Earn("zhoumin", 4);

        // ---- Settlement on Dec 1 (street time) --------------------------------------------------
        _f.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 16, 5, 0, TimeSpan.Zero));
        var statements = await _f.Settle(s => s.StatementsAsync("2026-11"));
        Assert.Equal(
            [("chunhui", 1, 10, 100m), ("cuiyuan", 1, 6, 60m), ("jinhua", 1, 3, 30m)],
            statements.OrderBy(s => s.Merchant, StringComparer.Ordinal).Select(s => (s.Merchant, s.Vouchers, s.Points, s.Cny)));
        Assert.All(statements, s => Assert.Equal(s.Points * _f.Config.Points.PointValueCny, s.Cny));

        Assert.Equal(SettlementOutcome.Paid, (await _f.Settle(s => s.MarkPaidAsync("chunhui", "2026-11", "zhaolei"))).Outcome);
        Assert.Equal(SettlementOutcome.Paid, (await _f.Settle(s => s.MarkPaidAsync("cuiyuan", "2026-11", "zhaolei"))).Outcome);
        var before = await _f.CountsAsync();
        Assert.Equal(SettlementOutcome.AlreadyPaid, (await _f.Settle(s => s.MarkPaidAsync("chunhui", "2026-11", "zhaolei"))).Outcome);
        Assert.Equal(before, await _f.CountsAsync());

        // ---- The books ----------------------------------------------------------------------------
        foreach (var (who, points) in expected)
        {
            Assert.Equal((who, points), (who, await _f.PersonBalanceAsync(who)));
        }

        Assert.Equal(0, await _f.BalanceAsync(Ledger.Hold));
        Assert.Equal(0, await _f.BalanceAsync(Ledger.MerchantAccount("chunhui")));
        Assert.Equal(3, await _f.BalanceAsync(Ledger.MerchantAccount("jinhua")));
        Assert.Equal(16, await _f.BalanceAsync(Ledger.Settlement));
        var issued = expected.Values.Sum() + 3 + 16;
        Assert.Equal(-issued, await _f.BalanceAsync(Ledger.Issuance));

        var books = await _f.ReconcileAsync();
        Assert.True(books.Balanced, string.Join("; ", books.Problems));
        Assert.Equal(0, books.Total);
        Assert.Equal(books.Transfers * 2, books.Movements);
        Assert.Equal(0, await _f.Db(db => db.LedgerAccounts.SumAsync(a => a.Balance)));
    }

    private async Task<PointsReply> Succeeds(Func<PointsFeatures, Task<PointsReply>> action, int points)
    {
        var reply = await _f.Points(action);
        Assert.True(reply.Succeeded, reply.Text);
        Assert.Equal(points, reply.Points);
        return reply;
    }

    private async Task Refused(Func<PointsFeatures, Task<PointsReply>> action, string expected)
    {
        var before = await _f.CountsAsync();
        var reply = await _f.Points(action);
        Assert.False(reply.Succeeded, reply.Text);
        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
    }
}
