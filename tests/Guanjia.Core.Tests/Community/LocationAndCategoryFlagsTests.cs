using Guanjia.Core.Community;

namespace Guanjia.Core.Tests.Community;

public sealed class LocationAndCategoryFlagsTests
{
    private static readonly string Shipped = File.ReadAllText(RepoPaths.CommunityYaml);

    [Fact]
    public void Load_ShippedConfig_ReadsEveryCompoundLocation()
    {
        var config = CommunityConfigLoader.Load(RepoPaths.CommunityYaml);

        Assert.All(config.Communities.SelectMany(c => c.Compounds), c => Assert.NotNull(c.Location));
        Assert.Equal(new GeoPoint(25.04395, 102.70871), config.FindCompound("hsnl-74")!.Location);
        Assert.Equal(300, config.Points.PatrolRadius);
    }

    [Fact]
    public void Load_ShippedConfig_ReadsConfidentialAndAdvice()
    {
        var config = CommunityConfigLoader.Load(RepoPaths.CommunityYaml);

        Assert.True(config.FindCategory("security")!.Confidential);
        Assert.True(config.FindCategory("rental")!.Confidential);
        Assert.False(config.FindCategory("garbage")!.Confidential);
        Assert.StartsWith("请立即拨打119", config.FindCategory("fire-alarm")!.Advice, StringComparison.Ordinal);
        Assert.Contains("开窗通风", config.FindCategory("gas")!.Advice, StringComparison.Ordinal);
        Assert.Null(config.FindCategory("garbage")!.Advice);
    }

    [Fact]
    public void Load_WithoutLocationOrRadius_UsesNoLocationAndTheDefaultRadius()
    {
        var yaml = Shipped
            .Replace("        location: [25.04395, 102.70871]   # lat, lng (GCJ-02, as WeCom location messages give them)\n", "", StringComparison.Ordinal)
            .Replace("  patrolRadius: 300", "", StringComparison.Ordinal);

        var config = CommunityConfigLoader.Parse(yaml);

        Assert.Null(config.FindCompound("hsnl-74")!.Location);
        Assert.Equal(PointsConfig.DefaultPatrolRadius, config.Points.PatrolRadius);
    }

    [Theory]
    [InlineData("[25.04395]", "expected [latitude, longitude]")]
    [InlineData("[north, 102.70871]", "'north' is not a number")]
    [InlineData("[95, 102.70871]", "latitude must be within")]
    public void Load_MalformedLocation_NamesTheKeyAndLine(string value, string problem)
    {
        var yaml = Shipped.Replace("location: [25.04395, 102.70871]", $"location: {value}", StringComparison.Ordinal);

        var error = Assert.Throws<CommunityConfigException>(() => CommunityConfigLoader.Parse(yaml));

        Assert.Contains("communities[0].compounds[1].location", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains("line", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Load_NonPositivePatrolRadius_IsRefused()
    {
        var yaml = Shipped.Replace("patrolRadius: 300", "patrolRadius: 0", StringComparison.Ordinal);

        var error = Assert.Throws<CommunityConfigException>(() => CommunityConfigLoader.Parse(yaml));

        Assert.Contains("points.patrolRadius", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DistanceTo_MatchesTheHaversineOfKnownPoints()
    {
        // 74号院 to 126号院 in the sample: about 291 m apart on the map.
        var a = new GeoPoint(25.04395, 102.70871);
        var b = new GeoPoint(25.04612, 102.71032);

        var metres = a.DistanceTo(b);

        Assert.InRange(metres, 286, 296);
        Assert.Equal(metres, b.DistanceTo(a), 6);
        Assert.Equal(0, a.DistanceTo(a), 6);
        // One degree of latitude is about 111.2 km on the mean sphere.
        Assert.InRange(new GeoPoint(0, 0).DistanceTo(new GeoPoint(1, 0)), 111_100, 111_300);
    }
}
