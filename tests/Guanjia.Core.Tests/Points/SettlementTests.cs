using Guanjia.Core.Points;

namespace Guanjia.Core.Tests.Points;

public sealed class SettlementTests : IAsyncLifetime
{
    private readonly PointsFixture _f = new();

    public Task InitializeAsync() => _f.InitializeAsync();

    public Task DisposeAsync() => _f.DisposeAsync();

    [Theory]
    [InlineData("2026-11", true)]
    [InlineData("2026-01", true)]
    [InlineData("2026-13", false)]
    [InlineData("2026-00", false)]
    [InlineData("2026-1", false)]
    [InlineData("202611", false)]
    [InlineData("2026/11", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParseMonth(string? text, bool valid) => Assert.Equal(valid, Settlement.TryParseMonth(text, out _));

    [Fact]
    public async Task Statements_CountRedemptionsByStreetMonth_WithCnyAtThePointValue()
    {
        await RedeemAsync("lihua", 3, "sh-chun");
        await RedeemAsync("zhoumin", 2, "sh-chun");
        // 2026-11-30 16:30 UTC is already 2026-12-01 00:30 in Shanghai.
        _f.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 16, 30, 0, TimeSpan.Zero));
        await RedeemAsync("wanggang", 4, "sh-cui");

        var november = await _f.Settle(s => s.StatementsAsync("2026-11"));
        var december = await _f.Settle(s => s.StatementsAsync("2026-12"));

        var chunhui = november.Single(s => s.Merchant == "chunhui");
        Assert.Equal((2, 5, 50m, false), (chunhui.Vouchers, chunhui.Points, chunhui.Cny, chunhui.Paid));
        Assert.Equal("春晖食品", chunhui.MerchantName);
        Assert.Equal(0, november.Single(s => s.Merchant == "cuiyuan").Points);
        Assert.Equal(3, november.Count);
        Assert.Equal((1, 4, 40m), december.Single(s => s.Merchant == "cuiyuan") is var d ? (d.Vouchers, d.Points, d.Cny) : default);
    }

    [Fact]
    public async Task MarkPaid_BeforeTheMonthEnds_IsRefusedAndChangesNothing()
    {
        await RedeemAsync("lihua", 3, "sh-chun");
        var before = await _f.CountsAsync();

        var result = await _f.Settle(s => s.MarkPaidAsync("chunhui", "2026-11", "zhaolei"));

        Assert.Equal(SettlementOutcome.MonthNotOver, result.Outcome);
        Assert.Equal(before, await _f.CountsAsync());
    }

    [Fact]
    public async Task MarkPaid_AfterTheMonth_SettlesOnce_AndThePaidStatementNoLongerChanges()
    {
        await RedeemAsync("lihua", 3, "sh-chun");
        _f.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 16, 1, 0, TimeSpan.Zero));

        var paid = await _f.Settle(s => s.MarkPaidAsync("chunhui", "2026-11", "zhaolei"));
        var before = await _f.CountsAsync();
        var again = await _f.Settle(s => s.MarkPaidAsync("chunhui", "2026-11", "zhaolei"));
        var afterAgain = await _f.CountsAsync();
        await RedeemAsync("zhoumin", 2, "sh-chun");
        var november = (await _f.Settle(s => s.StatementsAsync("2026-11"))).Single(s => s.Merchant == "chunhui");
        var december = (await _f.Settle(s => s.StatementsAsync("2026-12"))).Single(s => s.Merchant == "chunhui");

        Assert.Equal(SettlementOutcome.Paid, paid.Outcome);
        Assert.Equal((3, 30m, true, "zhaolei"), (paid.Statement!.Points, paid.Statement.Cny, paid.Statement.Paid, paid.Statement.PaidBy));
        Assert.Equal(SettlementOutcome.AlreadyPaid, again.Outcome);
        Assert.Equal(before, afterAgain);
        Assert.Equal((3, true), (november.Points, november.Paid));
        Assert.Equal((2, false), (december.Points, december.Paid));
        Assert.Equal(3, await _f.BalanceAsync(Ledger.Settlement));
        Assert.Equal(2, await _f.BalanceAsync(Ledger.MerchantAccount("chunhui")));
        Assert.True((await _f.ReconcileAsync()).Balanced);
    }

    [Theory]
    [InlineData("nobody", "2026-10", SettlementOutcome.UnknownMerchant)]
    [InlineData("chunhui", "2026-1", SettlementOutcome.BadMonth)]
    public async Task MarkPaid_BadInput(string merchant, string month, SettlementOutcome expected)
    {
        var result = await _f.Settle(s => s.MarkPaidAsync(merchant, month, "zhaolei"));

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(0, (await _f.CountsAsync()).Statements);
    }

    [Fact]
    public async Task MarkPaid_EmptyMonth_FreezesAZeroStatementWithoutATransfer()
    {
        var result = await _f.Settle(s => s.MarkPaidAsync("jinhua", "2026-10", "zhaolei"));

        Assert.Equal(SettlementOutcome.Paid, result.Outcome);
        Assert.Equal(0, result.Statement!.Points);
        Assert.Equal((0, 1), await _f.CountsAsync() is var c ? (c.Transfers, c.Statements) : default);
    }

    private async Task RedeemAsync(string steward, int points, string merchantMember)
    {
        var award = await _f.Points(p => p.AwardAsync(_f.Zhaolei, steward, "rescue", null));
        Assert.True(award.Succeeded, award.Text);
        var voucher = await _f.Points(p => p.IssueVoucherAsync(_f.Person(steward), points));
        Assert.True(voucher.Succeeded, voucher.Text);
        var redeem = await _f.Points(p => p.RedeemAsync(PointsFixture.Merchant(merchantMember), voucher.VoucherCode));
        Assert.True(redeem.Succeeded, redeem.Text);
    }
}
