using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Guanjia.Core.Tickets;

namespace Guanjia.Core.Tests.Points;

public sealed class ReportReviewTests : IAsyncLifetime
{
    private const ulong Photo = 0xF0F0_F0F0_0F0F_0F0EUL;

    private readonly PointsFixture _f = new();

    public Task InitializeAsync() => _f.InitializeAsync();

    public Task DisposeAsync() => _f.DisposeAsync();

    [Fact]
    public async Task Approve_BySecretaryOfTheCommunity_PaysTheCategoryPointsOnce()
    {
        var ticket = await _f.AddTicketAsync("lihua", "fire");

        var first = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, ticket.Number));
        var before = await _f.CountsAsync();
        var second = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, ticket.Number));

        Assert.True(first.Succeeded, first.Text);
        Assert.Equal(3, first.Points);
        Assert.Contains("李华 +3 分", first.Text, StringComparison.Ordinal);
        Assert.False(second.Succeeded);
        Assert.Contains("已审核通过", second.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
        Assert.Equal(3, await _f.PersonBalanceAsync("lihua"));
        Assert.Equal(-3, await _f.BalanceAsync(Ledger.Issuance));
    }

    [Fact]
    public async Task Approve_ByAdmin_Pays()
    {
        var ticket = await _f.AddTicketAsync("yangfang", "gas", community: "cuihu");

        var reply = await _f.Points(p => p.ApproveReportAsync(_f.Zhaolei, ticket.Number));

        Assert.True(reply.Succeeded, reply.Text);
        Assert.Equal(5, await _f.PersonBalanceAsync("yangfang"));
    }

    [Fact]
    public async Task Approve_BySecretaryOfAnotherCommunity_IsRefusedAndChangesNothing()
    {
        var ticket = await _f.AddTicketAsync("lihua");
        var before = await _f.CountsAsync();

        var reply = await _f.Points(p => p.ApproveReportAsync(_f.Liuyang, ticket.Number));

        Assert.False(reply.Succeeded);
        Assert.Contains("不属于你的社区", reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
    }

    [Fact]
    public async Task Approve_ByASteward_IsRefused()
    {
        var ticket = await _f.AddTicketAsync("lihua");
        var before = await _f.CountsAsync();

        var reply = await _f.Points(p => p.ApproveReportAsync(_f.Zhoumin, ticket.Number));

        Assert.False(reply.Succeeded);
        Assert.Contains("只有社区书记", reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
    }

    [Fact]
    public async Task Approve_UnknownTicket_IsRefusedWithUsage()
    {
        var reply = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, 999));

        Assert.False(reply.Succeeded);
        Assert.Contains("没有 #999", reply.Text, StringComparison.Ordinal);
        Assert.Equal(PointsUsage.Review, reply.Usage);
    }

    [Fact]
    public async Task Approve_OwnReport_IsRefusedEvenForAdmin_ButAnotherReviewerMayApprove()
    {
        var bySecretary = await _f.AddTicketAsync("chenjing");
        var byAdmin = await _f.AddTicketAsync("zhaolei");
        var before = await _f.CountsAsync();

        var self = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, bySecretary.Number));
        var adminSelf = await _f.Points(p => p.ApproveReportAsync(_f.Zhaolei, byAdmin.Number));

        Assert.False(self.Succeeded);
        Assert.False(adminSelf.Succeeded);
        Assert.Contains("不能审核自己", self.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());

        var other = await _f.Points(p => p.ApproveReportAsync(_f.Zhaolei, bySecretary.Number));
        Assert.True(other.Succeeded, other.Text);
        Assert.Equal(3, await _f.PersonBalanceAsync("chenjing"));
    }

    [Fact]
    public async Task Refuse_RecordsTheRefusalWithoutPayment_AndALaterApprovalStillPays()
    {
        var ticket = await _f.AddTicketAsync("lihua", "wiring");

        var refused = await _f.Points(p => p.RefuseReportAsync(_f.Chenjing, ticket.Number));
        var again = await _f.Points(p => p.RefuseReportAsync(_f.Chenjing, ticket.Number));

        Assert.True(refused.Succeeded, refused.Text);
        Assert.Contains("驳回", refused.Text, StringComparison.Ordinal);
        Assert.False(again.Succeeded);
        Assert.Equal(0, await _f.PersonBalanceAsync("lihua"));
        Assert.Equal(1, (await _f.CountsAsync()).Reviews);

        var approved = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, ticket.Number));
        Assert.True(approved.Succeeded, approved.Text);
        Assert.Equal(2, await _f.PersonBalanceAsync("lihua"));
    }

    [Fact]
    public async Task Refuse_AfterApproval_IsRefusedAndPointsStay()
    {
        var ticket = await _f.AddTicketAsync("lihua");
        await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, ticket.Number));
        var before = await _f.CountsAsync();

        var reply = await _f.Points(p => p.RefuseReportAsync(_f.Chenjing, ticket.Number));

        Assert.False(reply.Succeeded);
        Assert.Contains("撤销", reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
        Assert.Equal(3, await _f.PersonBalanceAsync("lihua"));
    }

    [Fact]
    public async Task Approve_CancelledTicket_IsRefused()
    {
        var ticket = await _f.AddTicketAsync("lihua", status: TicketStatus.Cancelled);

        var reply = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, ticket.Number));

        Assert.False(reply.Succeeded);
        Assert.Contains("已撤销", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, (await _f.CountsAsync()).Transfers);
    }

    [Fact]
    public async Task Approve_CategoryWithoutPoints_IsRefused()
    {
        var ticket = await _f.AddTicketAsync("lihua", "other");

        var reply = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, ticket.Number));

        Assert.False(reply.Succeeded);
        Assert.Contains("没有积分", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_PhotoNearAnEarlierTicketsPhoto_EarnsNothingAndIsFlagged()
    {
        var earlier = await _f.AddTicketAsync("zhoumin", photoHashes: [Photo]);
        var copy = await _f.AddTicketAsync("lihua", photoHashes: [Photo ^ 0b1110_0000]);
        var before = await _f.CountsAsync();

        var reply = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, copy.Number));

        Assert.False(reply.Succeeded);
        Assert.Contains($"#{earlier.Number}", reply.Text, StringComparison.Ordinal);
        Assert.Contains("雷同", reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
    }

    [Fact]
    public async Task Approve_PhotoFarFromEarlierPhotos_Pays()
    {
        await _f.AddTicketAsync("zhoumin", photoHashes: [Photo]);
        var different = await _f.AddTicketAsync("lihua", photoHashes: [Photo ^ 0xFFFF_FFFF_0000_0000UL]);

        var reply = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, different.Number));

        Assert.True(reply.Succeeded, reply.Text);
    }

    [Fact]
    public async Task Approve_MergedDuplicates_PaysTheFirstReporterOnlyOnce()
    {
        var first = await _f.AddTicketAsync("zhoumin", photoHashes: [Photo]);
        var survivor = await _f.AddTicketAsync("lihua", photoHashes: [Photo ^ 0b110]);
        await _f.SetStatusAsync(first.Number, TicketStatus.Merged, mergedInto: survivor.Number);

        var reply = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, survivor.Number));
        var viaMerged = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, first.Number));

        Assert.True(reply.Succeeded, reply.Text);
        Assert.Contains("重复上报（李华）不另计分", reply.Text, StringComparison.Ordinal);
        Assert.Equal(3, await _f.PersonBalanceAsync("zhoumin"));
        Assert.Equal(0, await _f.PersonBalanceAsync("lihua"));
        Assert.False(viaMerged.Succeeded);
        Assert.Contains($"已合并到 #{survivor.Number}", viaMerged.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_SurvivorOfATicketApprovedBeforeItWasMerged_PaysNothingMore()
    {
        var first = await _f.AddTicketAsync("zhoumin");
        var survivor = await _f.AddTicketAsync("lihua");
        await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, first.Number));
        await _f.SetStatusAsync(first.Number, TicketStatus.Merged, mergedInto: survivor.Number);
        var before = await _f.CountsAsync();

        var reply = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, survivor.Number));

        Assert.False(reply.Succeeded);
        Assert.Contains($"#{first.Number} 已审核通过", reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
        Assert.Equal(3, await _f.PersonBalanceAsync("zhoumin"));
    }

    [Fact]
    public async Task Approve_MergedDuplicates_WithAllReporters_PaysEachDistinctReporter()
    {
        var f = new PointsFixture(c => WithPoints(c, c.Points with { DuplicateReporters = DuplicateReporters.All }));
        await f.InitializeAsync();
        try
        {
            var survivor = await f.AddTicketAsync("lihua");
            await f.AddTicketAsync("zhoumin", mergedInto: survivor.Number);
            await f.AddTicketAsync("lihua", mergedInto: survivor.Number);

            var reply = await f.Points(p => p.ApproveReportAsync(f.Chenjing, survivor.Number));

            Assert.True(reply.Succeeded, reply.Text);
            Assert.Equal(6, reply.Points);
            Assert.Equal(3, await f.PersonBalanceAsync("lihua"));
            Assert.Equal(3, await f.PersonBalanceAsync("zhoumin"));
        }
        finally
        {
            await f.DisposeAsync();
        }
    }

    [Fact]
    public async Task Approve_PastTheDailyCap_PaysUpToTheCapAndSaysWhatWasHeld_ThenRefuses()
    {
        // Cap 10: 5 + 3 = 8 paid, then 2 of the next 3, then nothing.
        var gas = await _f.AddTicketAsync("lihua", "gas");
        var fire = await _f.AddTicketAsync("lihua", "fire");
        var fire2 = await _f.AddTicketAsync("lihua", "fire");
        var fire3 = await _f.AddTicketAsync("lihua", "fire");
        await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, gas.Number));
        await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, fire.Number));

        var partial = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, fire2.Number));
        var before = await _f.CountsAsync();
        var full = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, fire3.Number));

        Assert.True(partial.Succeeded, partial.Text);
        Assert.Equal(2, partial.Points);
        Assert.Contains("另有 1 分不发", partial.Text, StringComparison.Ordinal);
        Assert.False(full.Succeeded);
        Assert.Contains("上限", full.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
        Assert.Equal(10, await _f.PersonBalanceAsync("lihua"));

        _f.Time.Advance(TimeSpan.FromDays(1));
        var tomorrow = await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, fire3.Number));
        Assert.True(tomorrow.Succeeded, tomorrow.Text);
        Assert.Equal(13, await _f.PersonBalanceAsync("lihua"));
    }

    [Fact]
    public async Task ReverseTicket_TakesThePointsBackOnce()
    {
        var ticket = await _f.AddTicketAsync("lihua", "fire");
        await _f.Points(p => p.ApproveReportAsync(_f.Chenjing, ticket.Number));

        var reversed = await _f.Points(p => p.ReverseTicketAsync(ticket.Number, "chenjing"));
        var again = await _f.Points(p => p.ReverseTicketAsync(ticket.Number, "chenjing"));

        Assert.True(reversed.Succeeded, reversed.Text);
        Assert.Equal(3, reversed.Points);
        Assert.Contains("李华 3 分", reversed.Text, StringComparison.Ordinal);
        Assert.Equal(0, again.Points);
        Assert.Equal(0, await _f.PersonBalanceAsync("lihua"));
        Assert.Equal(2, (await _f.CountsAsync()).Transfers);
        Assert.True((await _f.ReconcileAsync()).Balanced);
    }

    internal static CommunityConfig WithPoints(CommunityConfig c, PointsConfig points) =>
        new(c.Street, c.Communities, c.Departments, c.Categories, c.People, points, c.Holidays);
}
