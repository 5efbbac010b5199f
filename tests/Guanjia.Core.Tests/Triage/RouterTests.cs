using Guanjia.Core.Triage;

namespace Guanjia.Core.Tests.Triage;

public sealed class RouterTests(TriageFixture fixture) : IClassFixture<TriageFixture>
{
    [Theory]
    [InlineData("hygiene", "hsnl-74", "chuncheng")]
    [InlineData("hygiene", "ytj-12", "wuhuashan-office")]
    [InlineData("facility", "hsdl-126", "wuhuashan-office")]
    [InlineData("facility", "whs-xq", "yunling")]
    [InlineData("hygiene", null, "wuhuashan-office")]
    [InlineData("dispute", "hsnl-74", "wuhuashan-office")]
    [InlineData("assistance", null, "wuhuashan-office")]
    [InlineData("garbage", "hsnl-74", "sanitation")]
    [InlineData("fire-alarm", "ytj-12", "fire")]
    [InlineData("security", null, "police")]
    public void Route_ByCategoryDepartmentAndCompound(string category, string? compound, string expected)
    {
        var config = fixture.Config;

        var department = Router.Route(
            config.FindCategory(category)!,
            compound is null ? null : config.FindCompound(compound),
            config.FindCommunity("wuhuashan")!);

        Assert.Equal(expected, department);
    }

    [Fact]
    public void TimeLimitFor_UrgentWithoutUrgentSla_FallsBackToSla()
    {
        var garbage = fixture.Config.FindCategory("garbage")!;
        var fire = fixture.Config.FindCategory("fire")!;

        Assert.Equal(garbage.Sla, garbage.TimeLimitFor(urgent: true));
        Assert.Equal(TimeSpan.FromHours(2), fire.TimeLimitFor(urgent: true).ToTimeSpan());
        Assert.Equal(TimeSpan.FromHours(24), fire.TimeLimitFor(urgent: false).ToTimeSpan());
    }
}
