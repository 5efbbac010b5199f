using Guanjia.Core.Points;

namespace Guanjia.Core.Tests.Points;

public sealed class TaskTests : IAsyncLifetime
{
    private readonly PointsFixture _f = new();

    public Task InitializeAsync() => _f.InitializeAsync();

    public Task DisposeAsync() => _f.DisposeAsync();

    [Fact]
    public async Task Award_BySecretaryByNameAndTaskName_PaysTheTask()
    {
        var reply = await _f.Points(p => p.AwardAsync(_f.Chenjing, "李华", "调解邻里纠纷", "3栋漏水纠纷"));

        Assert.True(reply.Succeeded, reply.Text);
        Assert.Equal(3, reply.Points);
        Assert.Equal(3, await _f.PersonBalanceAsync("lihua"));
        var transfer = await _f.Db(db => Task.FromResult(db.LedgerTransfers.Single()));
        Assert.Equal("task:mediation", transfer.Kind);
        Assert.Equal("3栋漏水纠纷", transfer.Note);
        Assert.Equal("chenjing", transfer.By);
    }

    [Fact]
    public async Task Award_ByTaskCode_Pays()
    {
        var reply = await _f.Points(p => p.AwardAsync(_f.Chenjing, "zhoumin", "fire-drill", null));

        Assert.True(reply.Succeeded, reply.Text);
        Assert.Equal(2, await _f.PersonBalanceAsync("zhoumin"));
    }

    [Theory]
    [InlineData("lihua", "zhoumin", "mediation", "只有社区书记")]
    [InlineData("chenjing", "yangfang", "mediation", "不在你的社区")]
    [InlineData("chenjing", "nobody", "mediation", "找不到")]
    [InlineData("chenjing", "lihua", "swimming", "没有「swimming」这项任务")]
    [InlineData("chenjing", "lihua", "report", "审核 <单号> 通过")]
    [InlineData("chenjing", "sunli", "mediation", "不是小巷管家")]
    public async Task Award_Refusals_ChangeNothing(string actor, string person, string task, string expected)
    {
        var who = _f.Person(actor);
        var before = await _f.CountsAsync();

        var reply = await _f.Points(p => p.AwardAsync(who, person, task, null));

        Assert.False(reply.Succeeded);
        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _f.CountsAsync());
    }

    [Fact]
    public async Task Award_MissingWords_AnswersWithUsage()
    {
        var reply = await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", " ", null));

        Assert.False(reply.Succeeded);
        Assert.Equal(PointsUsage.Award, reply.Usage);
        Assert.DoesNotContain("用法", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Award_Self_IsRefused()
    {
        var admin = _f.Zhaolei with { Roles = ["admin", "secretary", "steward"] };

        var reply = await _f.Points(p => p.AwardAsync(admin, "zhaolei", "mediation", null));

        Assert.False(reply.Succeeded);
        Assert.Contains("不能给自己", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, (await _f.CountsAsync()).Transfers);
    }

    [Fact]
    public async Task Award_ByAdmin_AnyCommunity()
    {
        var reply = await _f.Points(p => p.AwardAsync(_f.Zhaolei, "yangfang", "rescue", null));

        Assert.True(reply.Succeeded, reply.Text);
        Assert.Equal(5, await _f.PersonBalanceAsync("yangfang"));
    }

    [Fact]
    public async Task Award_SameRequestIdTwice_PaysOnce()
    {
        var first = await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", "mediation", null, requestId: "msg-1"));
        var retry = await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", "mediation", null, requestId: "msg-1"));
        var another = await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", "mediation", null, requestId: "msg-2"));

        Assert.True(first.Succeeded);
        Assert.False(retry.Succeeded);
        Assert.True(another.Succeeded);
        Assert.Equal(6, await _f.PersonBalanceAsync("lihua"));
    }

    [Fact]
    public async Task Award_PastTheDailyCap_PaysUpToTheCap()
    {
        await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", "rescue", null));
        await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", "mediation", null));

        var partial = await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", "mediation", null));
        var refused = await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", "publicity", null));

        Assert.Equal(2, partial.Points);
        Assert.Contains("另有 1 分不发", partial.Text, StringComparison.Ordinal);
        Assert.False(refused.Succeeded);
        Assert.Equal(10, await _f.PersonBalanceAsync("lihua"));
    }

    [Fact]
    public async Task Show_OwnBalance_ListsRecentMovementsAndUnusedVouchers()
    {
        await _f.Points(p => p.AwardAsync(_f.Chenjing, "lihua", "mediation", null));
        await _f.Points(p => p.IssueVoucherAsync(_f.Lihua, 2));

        var reply = await _f.Points(p => p.ShowAsync(_f.Lihua, null));

        Assert.True(reply.Succeeded);
        Assert.Equal(1, reply.Points);
        Assert.Contains("李华 当前积分 1 分", reply.Text, StringComparison.Ordinal);
        Assert.Contains("+3 奖励 李华「调解邻里纠纷」", reply.Text, StringComparison.Ordinal);
        Assert.Contains("-2 领券", reply.Text, StringComparison.Ordinal);
        Assert.Contains("未使用的券", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_Others_OnlyForTheirSecretaryOrAdmin()
    {
        var steward = await _f.Points(p => p.ShowAsync(_f.Zhoumin, "lihua"));
        var otherSecretary = await _f.Points(p => p.ShowAsync(_f.Liuyang, "李华"));
        var secretary = await _f.Points(p => p.ShowAsync(_f.Chenjing, "李华"));
        var admin = await _f.Points(p => p.ShowAsync(_f.Zhaolei, "lihua"));
        var unknown = await _f.Points(p => p.ShowAsync(_f.Zhaolei, "nobody"));

        Assert.False(steward.Succeeded);
        Assert.False(otherSecretary.Succeeded);
        Assert.True(secretary.Succeeded);
        Assert.True(admin.Succeeded);
        Assert.False(unknown.Succeeded);
        Assert.Equal(PointsUsage.Show, unknown.Usage);
    }
}
