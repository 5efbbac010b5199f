using System.Text.RegularExpressions;
using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Tests.Points;

public sealed partial class VoucherTests : IAsyncLifetime
{
    private readonly PointsFixture _f = new();

    public Task InitializeAsync() => _f.InitializeAsync();

    public Task DisposeAsync() => _f.DisposeAsync();

    private static Person Shop => PointsFixture.Merchant("sh-chun");

    [Fact]
    public async Task Issue_HoldsThePointsAndReturnsAReadableCode()
    {
        await EarnAsync("lihua", 5);

        var reply = await _f.Points(p => p.IssueVoucherAsync(_f.Lihua, 4));

        Assert.True(reply.Succeeded, reply.Text);
        Assert.Matches(CodePattern(), VoucherCode.Format(reply.VoucherCode!));
        Assert.Contains(VoucherCode.Format(reply.VoucherCode!), reply.Text, StringComparison.Ordinal);
        Assert.Contains("40 元", reply.Text, StringComparison.Ordinal);
        Assert.Contains("2026-12-02", reply.Text, StringComparison.Ordinal);
        Assert.Equal(1, await _f.PersonBalanceAsync("lihua"));
        Assert.Equal(4, await _f.BalanceAsync(Ledger.Hold));
    }

    [Theory]
    [InlineData(6, "积分不足")]
    [InlineData(0, "正整数")]
    [InlineData(-3, "正整数")]
    public async Task Issue_BadAmount_IsRefusedAndChangesNothing(int points, string expected)
    {
        await EarnAsync("lihua", 5);
        var before = await _f.CountsAsync();

        var reply = await _f.Points(p => p.IssueVoucherAsync(_f.Lihua, points));

        Assert.False(reply.Succeeded);
        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
    }

    [Fact]
    public async Task Issue_ByNonSteward_IsRefused()
    {
        var reply = await _f.Points(p => p.IssueVoucherAsync(_f.Chenjing, 1));

        Assert.False(reply.Succeeded);
        Assert.Contains("只有小巷管家", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_SameRequestIdTwice_IssuesOneVoucher()
    {
        await EarnAsync("lihua", 5);

        var first = await _f.Points(p => p.IssueVoucherAsync(_f.Lihua, 2, requestId: "msg-9"));
        var retry = await _f.Points(p => p.IssueVoucherAsync(_f.Lihua, 2, requestId: "msg-9"));

        Assert.True(first.Succeeded);
        Assert.False(retry.Succeeded);
        Assert.Equal(3, await _f.PersonBalanceAsync("lihua"));
    }

    [Fact]
    public async Task Redeem_ByMerchant_MovesTheHeldPointsToTheMerchant_AcceptingLowerCaseWithoutDash()
    {
        var code = await VoucherAsync("lihua", 3);

        var reply = await _f.Points(p => p.RedeemAsync(Shop, code.ToLowerInvariant()));

        Assert.True(reply.Succeeded, reply.Text);
        Assert.Contains("30 元", reply.Text, StringComparison.Ordinal);
        Assert.Contains("春晖食品 2026-11", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, await _f.BalanceAsync(Ledger.Hold));
        Assert.Equal(3, await _f.BalanceAsync(Ledger.MerchantAccount("chunhui")));
    }

    [Fact]
    public async Task Ledger_NeverRecordsAFullVoucherCode()
    {
        var code = await VoucherAsync("lihua", 3);
        await _f.Points(p => p.RedeemAsync(Shop, VoucherCode.Format(code)));
        await using var db = _f.NewDb();

        var transfers = await db.LedgerTransfers.Select(t => new { t.Reason, t.Key }).ToListAsync();

        Assert.Contains(transfers, t => t.Reason.Contains(VoucherCode.Mask(code), StringComparison.Ordinal));
        Assert.DoesNotContain(transfers, t => t.Reason.Contains(code[4..], StringComparison.Ordinal) || t.Key.Contains(code, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redeem_Twice_IsRefusedAndChangesNothing()
    {
        var code = await VoucherAsync("lihua", 3);
        await _f.Points(p => p.RedeemAsync(Shop, VoucherCode.Format(code)));
        var before = await _f.CountsAsync();

        var second = await _f.Points(p => p.RedeemAsync(PointsFixture.Merchant("sh-cui"), code));

        Assert.False(second.Succeeded);
        Assert.Contains("已于", second.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
        Assert.Equal(0, await _f.BalanceAsync(Ledger.MerchantAccount("cuiyuan")));
    }

    [Theory]
    [InlineData("ABCD-EFGH")]
    [InlineData("12345678")]
    [InlineData("not a code")]
    public async Task Redeem_UnknownOrMalformedCode_IsRefused(string code)
    {
        await VoucherAsync("lihua", 3);
        var before = await _f.CountsAsync();

        var reply = await _f.Points(p => p.RedeemAsync(Shop, code));

        Assert.False(reply.Succeeded);
        Assert.Contains("券码无效", reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
    }

    [Fact]
    public async Task Redeem_ByNonMerchant_IsRefused()
    {
        var code = await VoucherAsync("lihua", 3);

        var reply = await _f.Points(p => p.RedeemAsync(_f.Zhoumin, code));

        Assert.False(reply.Succeeded);
        Assert.Contains("只有联盟商户", reply.Text, StringComparison.Ordinal);
        Assert.Equal(3, await _f.BalanceAsync(Ledger.Hold));
    }

    [Fact]
    public async Task Redeem_ExpiredCode_IsRefused_AndExpiryReturnsThePointsOnce()
    {
        var code = await VoucherAsync("lihua", 3);
        _f.Time.Advance(TimeSpan.FromDays(30));
        var before = await _f.CountsAsync();

        var redeem = await _f.Points(p => p.RedeemAsync(Shop, code));
        var afterRedeem = await _f.CountsAsync();
        var expired = await _f.Points(p => p.ExpireVouchersAsync());
        var again = await _f.Points(p => p.ExpireVouchersAsync());
        var redeemAfterExpiry = await _f.Points(p => p.RedeemAsync(PointsFixture.Merchant("sh-jin"), code));

        Assert.False(redeem.Succeeded);
        Assert.Contains("已过期", redeem.Text, StringComparison.Ordinal);
        Assert.Equal(before, afterRedeem);
        Assert.Equal(1, expired);
        Assert.Equal(0, again);
        Assert.False(redeemAfterExpiry.Succeeded);
        Assert.Equal(5, await _f.PersonBalanceAsync("lihua"));
        Assert.Equal(0, await _f.BalanceAsync(Ledger.Hold));
    }

    [Fact]
    public async Task Expire_LeavesUnexpiredVouchers()
    {
        await VoucherAsync("lihua", 3);
        _f.Time.Advance(TimeSpan.FromDays(29));

        Assert.Equal(0, await _f.Points(p => p.ExpireVouchersAsync()));
        Assert.Equal(3, await _f.BalanceAsync(Ledger.Hold));
    }

    [Fact]
    public async Task Redeem_AfterFiveWrongCodesInTenMinutes_IsLockedOutForTenMinutes_WithoutRevealingTheCode()
    {
        var code = await VoucherAsync("lihua", 3);
        for (var i = 0; i < VoucherDesk.LockoutFailures; i++)
        {
            await _f.Points(p => p.RedeemAsync(Shop, "ZZZZ-ZZZ" + (char)('2' + i)));
            _f.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var withValid = await _f.Points(p => p.RedeemAsync(Shop, code));
        var withWrong = await _f.Points(p => p.RedeemAsync(Shop, "ZZZZ-ZZZZ"));
        var otherMerchant = await _f.Points(p => p.RedeemAsync(PointsFixture.Merchant("sh-cui"), "ZZZZ-ZZZZ"));

        Assert.False(withValid.Succeeded);
        Assert.Contains("错误次数太多", withValid.Text, StringComparison.Ordinal);
        Assert.Equal(withValid.Text, withWrong.Text);
        Assert.Contains("券码无效", otherMerchant.Text, StringComparison.Ordinal);
        Assert.Equal(3, await _f.BalanceAsync(Ledger.Hold));

        _f.Time.Advance(TimeSpan.FromMinutes(10));
        var later = await _f.Points(p => p.RedeemAsync(Shop, code));
        Assert.True(later.Succeeded, later.Text);
    }

    [Fact]
    public async Task Redeem_FourWrongCodes_DoesNotLockOut()
    {
        var code = await VoucherAsync("lihua", 3);
        for (var i = 0; i < VoucherDesk.LockoutFailures - 1; i++)
        {
            await _f.Points(p => p.RedeemAsync(Shop, "ZZZZ-ZZZZ"));
        }

        var reply = await _f.Points(p => p.RedeemAsync(Shop, code));

        Assert.True(reply.Succeeded, reply.Text);
    }

    [Fact]
    public void VoucherCode_New_IsEightCharactersOfTheReadableAlphabet_AndDistinct()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => VoucherCode.New()).ToList();

        Assert.All(codes, c => Assert.Matches(CodePattern(), VoucherCode.Format(c)));
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(codes, c => c.IndexOfAny(['0', 'O', '1', 'I']) >= 0);
    }

    [Theory]
    [InlineData("abcd-efgh", "ABCDEFGH")]
    [InlineData(" ABCD EFGH ", "ABCDEFGH")]
    [InlineData("ABCDEFGH", "ABCDEFGH")]
    [InlineData("ABCD－EFGH", "ABCDEFGH")]
    [InlineData("ABCD-EFG", null)]
    [InlineData("ABCD-EFGHJ", null)]
    [InlineData("ABCD-EFG0", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void VoucherCode_Normalize(string? typed, string? expected) =>
        Assert.Equal(expected, VoucherCode.Normalize(typed));

    [GeneratedRegex("^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")]
    private static partial Regex CodePattern();

    private async Task EarnAsync(string userId, int points)
    {
        var task = points switch { 5 => "rescue", 3 => "mediation", 2 => "fire-drill", _ => "publicity" };
        var reply = await _f.Points(p => p.AwardAsync(_f.Zhaolei, userId, task, null));
        Assert.True(reply.Succeeded, reply.Text);
    }

    private async Task<string> VoucherAsync(string userId, int points)
    {
        await EarnAsync(userId, 5);
        var reply = await _f.Points(p => p.IssueVoucherAsync(_f.Person(userId), points));
        Assert.True(reply.Succeeded, reply.Text);
        return reply.VoucherCode!;
    }
}
