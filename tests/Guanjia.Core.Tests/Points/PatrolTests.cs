using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Tests.Points;

public sealed class PatrolTests : IAsyncLifetime
{
    private readonly PointsFixture _f = new();

    public Task InitializeAsync() => _f.InitializeAsync();

    public Task DisposeAsync() => _f.DisposeAsync();

    private Compound Compound(string id) => _f.Config.FindCompound(id)!;

    // Degrees of latitude for a distance in metres on the mean sphere.
    private static double North(double metres) => metres / 111_195.0;

    [Theory]
    [InlineData(290, true)]
    [InlineData(310, false)]
    public async Task Location_IsAPatrolOnlyWithinThePatrolRadius(double metres, bool pays)
    {
        // 圆通街12号院 is zhoumin's; north of it there is no other compound within 300 m of the test points.
        var at = Compound("ytj-12").Location!.Value;

        var reply = await _f.Points(p => p.Patrols.RecordLocationAsync(_f.Zhoumin, at.Latitude + North(metres), at.Longitude, "app:1"));

        Assert.Equal(pays, reply.Succeeded);
        Assert.Equal(pays ? 1 : 0, await _f.PersonBalanceAsync("zhoumin"));
    }

    [Fact]
    public async Task Location_NearCompoundsOfTwoCommunities_CountsTheStewardsOwn()
    {
        // Between 青云街45号院 (翠湖) and 圆通街12号院 (五华山): both within 600 m; with a 600 m radius either could be meant.
        var f = new PointsFixture(c => ReportReviewTests.WithPoints(c, c.Points with { PatrolRadius = 600 }));
        var config = f.Config;
        await f.InitializeAsync();
        try
        {
            var a = config.FindCompound("qyj-45")!.Location!.Value;
            var b = config.FindCompound("ytj-12")!.Location!.Value;

            // 钱局街18号院 (翠湖) is nearer to this point than 圆通街12号院, but is not zhoumin's community.
            var reply = await f.Points(p => p.Patrols.RecordLocationAsync(
                f.Zhoumin, (a.Latitude + b.Latitude) / 2, (a.Longitude + b.Longitude) / 2, "app:1"));

            Assert.True(reply.Succeeded, reply.Text);
            Assert.Contains("圆通街12号院", reply.Text, StringComparison.Ordinal);
        }
        finally
        {
            await f.DisposeAsync();
        }
    }

    [Fact]
    public async Task Location_TwoOwnCompoundsTheSameDay_EachPaysOnce()
    {
        await _f.Points(p => p.PatrolAtAsync(_f.Zhoumin, Compound("ytj-12")));
        var second = await _f.Points(p => p.PatrolAtAsync(_f.Zhoumin, Compound("hsdl-126")));
        var again = await _f.Points(p => p.PatrolAtAsync(_f.Zhoumin, Compound("hsdl-126")));

        Assert.True(second.Succeeded, second.Text);
        Assert.False(again.Succeeded);
        Assert.Equal(2, await _f.PersonBalanceAsync("zhoumin"));
    }

    [Fact]
    public async Task Location_SameMessageTwice_RecordsOnePatrol()
    {
        await _f.Points(p => p.PatrolAtAsync(_f.Lihua, Compound("hsnl-74"), "app:m1"));
        _f.Time.Advance(TimeSpan.FromDays(1));

        var redelivered = await _f.Points(p => p.PatrolAtAsync(_f.Lihua, Compound("hsnl-74"), "app:m1"));

        Assert.False(redelivered.Succeeded);
        Assert.Equal(1, await _f.Db(db => db.Patrols.CountAsync()));
        Assert.Equal(1, await _f.PersonBalanceAsync("lihua"));
    }

    [Fact]
    public async Task Location_AtTheDailyCap_RecordsThePatrolButPaysNothing()
    {
        await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", "rescue", null));
        await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", "rescue", null));

        var reply = await _f.Points(p => p.PatrolAtAsync(_f.Lihua, Compound("hsnl-74")));

        Assert.Contains("今日积分已达上限 10 分，这次不加分", reply.Text, StringComparison.Ordinal);
        Assert.Equal(10, await _f.PersonBalanceAsync("lihua"));
        var patrol = await _f.Db(db => db.Patrols.SingleAsync());
        Assert.Equal((ProofState.Approved, (string?)null), (patrol.State, patrol.LedgerKey));
    }

    [Fact]
    public async Task Location_FromANonSteward_PaysNothing()
    {
        var reply = await _f.Points(p => p.PatrolAtAsync(_f.Chenjing, Compound("hsnl-74")));

        Assert.False(reply.Succeeded);
        Assert.Contains("只有小巷管家", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, await _f.Db(db => db.Patrols.CountAsync()));
    }

    [Fact]
    public async Task PhotoPatrol_PendingCountsForItsDay_AndApprovedLaterPaysOnce()
    {
        await _f.Points(p => p.Patrols.RecordPhotoAsync(_f.Lihua, "74号院", ["photo-1"], "bot:1"));
        var sameDay = await _f.Points(p => p.PatrolAtAsync(_f.Lihua, Compound("hsnl-74")));
        _f.Time.Advance(TimeSpan.FromDays(1));

        var approved = await _f.Points(p => p.Patrols.ReviewAsync(_f.Chenjing, null, approve: true));
        var twice = await _f.Points(p => p.Patrols.ReviewAsync(_f.Chenjing, null, approve: true));

        Assert.Contains("今天已在华山南路74号院打过卡", sameDay.Text, StringComparison.Ordinal);
        Assert.Contains("李华 华山南路74号院（11-02） +1 分", approved.Text, StringComparison.Ordinal);
        Assert.False(twice.Succeeded);
        Assert.Equal(1, await _f.PersonBalanceAsync("lihua"));
    }

    [Fact]
    public async Task Logbook_CommunityMonth_RanksByEverythingNotReportsAlone_AndExportsCsv()
    {
        await _f.AddTicketAsync("zhoumin");
        await _f.Points(p => p.PatrolAtAsync(_f.Lihua, Compound("hsnl-74")));
        await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", "mediation", null));

        var pages = await _f.Points(p => p.Logbook.CommunityMonthAsync("wuhuashan", "2026-11"));
        var csv = Logbook.Csv(pages);

        Assert.Equal(["lihua", "zhoumin", "wanggang"], pages.Select(p => p.UserId));
        Assert.Equal((1, 1, 2, 4), (pages[0].Patrols, pages[0].Tasks, pages[0].Activity, pages[0].Earned));
        Assert.Equal(1, pages[1].ReportCount);
        Assert.StartsWith("\uFEFF月份,管家,账号,社区,上报", csv, StringComparison.Ordinal);
        Assert.Contains("2026-11,李华,lihua,wuhuashan,0,0,0,0,0,1,0,1,4,0\r\n", csv, StringComparison.Ordinal);
    }
}
