using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Commands;

/// <summary>统计: who may ask, and whose tickets they are counted.</summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class StatsCommandTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly CommandHarness _h = new();

    public async Task InitializeAsync()
    {
        await _h.SeedAsync();
        await _h.SeedAsync(category: "fire", department: "chuncheng", status: TicketStatus.Accepted);
        await _h.SeedAsync(community: "cuihu", compound: null, reporter: "yangfang", conversation: Cuihu);
        _h.Time.Advance(TimeSpan.FromMinutes(5));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Stats_BySecretary_CountsTheirCommunityOnly()
    {
        var said = await _h.SayAsync("chenjing", "统计", Wuhuashan);

        Assert.StartsWith("**五华山社区今日统计**", said.Answer, StringComparison.Ordinal);
        Assert.Contains("受理 2 ·", said.Answer, StringComparison.Ordinal);
        Assert.Contains("状态：处置中 1，已派单 1", said.Answer, StringComparison.Ordinal);
        Assert.Contains("垃圾清运 1", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_BySecretaryInOneToOne_StillTheirCommunity()
    {
        var said = await _h.SayAsync("liuyang", "stats 本周");

        Assert.StartsWith("**翠湖社区本周统计**", said.Answer, StringComparison.Ordinal);
        Assert.Contains("受理 1 ·", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_ByAdminInOneToOne_CountsTheWholeStreet()
    {
        var said = await _h.SayAsync("zhaolei", "统计 本月");

        Assert.StartsWith("**华山街道本月统计**", said.Answer, StringComparison.Ordinal);
        Assert.Contains("受理 3 ·", said.Answer, StringComparison.Ordinal);
        Assert.Contains("承办：五华区环卫华山片区 2，春城物业 1", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_ByAdminInAGroup_CountsThatGroupsCommunityOrDepartment()
    {
        var community = await _h.SayAsync("zhaolei", "统计", Cuihu);
        var department = await _h.SayAsync("zhaolei", "统计", SanitationGroup);

        Assert.StartsWith("**翠湖社区今日统计**", community.Answer, StringComparison.Ordinal);
        Assert.Contains("受理 1 ·", community.Answer, StringComparison.Ordinal);
        Assert.StartsWith("**五华区环卫华山片区今日统计**", department.Answer, StringComparison.Ordinal);
        Assert.Contains("受理 2 ·", department.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("承办：", department.Answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hw-gao", "统计", SanitationGroup, "没有使用“统计”的权限")]
    [InlineData("lihua", "统计 本周", Wuhuashan, "没有使用“统计”的权限")]
    [InlineData("chenjing", "/统计 去年", Wuhuashan, "应为 今日、本周、本月 之一")]
    public async Task Stats_WithoutTheRoleOrWithAWrongPeriod_IsRefusedWithUsage(string user, string text, string chat, string expected)
    {
        var said = await _h.SayAsync(user, text, chat);

        Assert.Contains(expected, said.Answer, StringComparison.Ordinal);
        Assert.Contains("用法：统计 [今日|本周|本月]", said.Answer, StringComparison.Ordinal);
        await using var db = _h.NewDb();
        Assert.Equal(3, await db.Tickets.CountAsync());
    }
}
