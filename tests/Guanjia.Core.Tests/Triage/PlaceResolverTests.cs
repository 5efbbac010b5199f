using Guanjia.Core.Community;
using Guanjia.Core.Triage;

namespace Guanjia.Core.Tests.Triage;

public sealed class PlaceResolverTests(TriageFixture fixture) : IClassFixture<TriageFixture>
{
    private Compound? Resolve(string text, string userId, CommunityConfig? config = null)
    {
        config ??= fixture.Config;
        var person = config.FindPerson(userId)!;
        return new PlaceResolver(config).Resolve(text, person, config.FindCommunity(person.CommunityId!)!);
    }

    [Theory]
    [InlineData("华山南路74号院门口垃圾桶满了")]
    [InlineData("华山南路74号门口垃圾桶满了")]
    [InlineData("南路74号门口垃圾桶满了")]
    [InlineData("74号院门口垃圾桶满了")]
    [InlineData("山南路74号院门口垃圾桶满了")]
    [InlineData("74号门口垃圾桶满了")]
    public void Resolve_PartialFormsOfName_FindCompound(string text) =>
        Assert.Equal("hsnl-74", Resolve(text, "wanggang")?.Id);

    [Theory]
    [InlineData("126号楼道很脏", "hsdl-126")]
    [InlineData("东路126号楼道很脏", "hsdl-126")]
    [InlineData("圆通12号院楼道很脏", "ytj-12")]
    [InlineData("五华小区门口有人摆摊", "whs-xq")]
    [InlineData("华山小区门口有人摆摊", "whs-xq")]
    [InlineData("北路小区门口有人摆摊", "chbl-xq")]
    public void Resolve_AliasesAndShortForms_FindCompound(string text, string expected) =>
        Assert.Equal(expected, Resolve(text, "lihua")?.Id);

    [Fact]
    public void Resolve_TwoStreetsEndingInNanlu_TellsThemApartByNumber()
    {
        Assert.Equal("chnl-3", Resolve("南路3号院的消防通道堵了", "lihua")?.Id);
        Assert.Equal("hsnl-74", Resolve("南路74号的消防通道堵了", "yangfang")?.Id);
    }

    [Fact]
    public void Resolve_LongestMatchWins_OverShorterAliasInside()
    {
        // 21号院 (文化巷) must not win inside 华山西路8号院… nor a building number be read as a compound.
        Assert.Equal("hsxl-8", Resolve("华山西路8号院21号楼下水道堵了", "tangyu")?.Id);
        Assert.Equal("whx-21", Resolve("文化巷21号院3号楼楼道灯坏了", "tangyu")?.Id);
    }

    [Fact]
    public void Resolve_BuildingNumber_IsNotACompound()
    {
        // "3号楼" is a building inside lihua's compound, not 翠湖南路3号院.
        Assert.Equal("hsnl-74", Resolve("3号楼楼道灯坏了", "lihua")?.Id);
        Assert.Null(Resolve("3号楼楼道灯坏了", "yangfang"));
    }

    [Fact]
    public void Resolve_LongerNumberContainingAlias_DoesNotMatch() =>
        Assert.Null(Resolve("华山路121号院门口有垃圾", "tangyu"));

    [Fact]
    public void Resolve_AliasInTwoCommunities_PrefersReportersCommunity()
    {
        var shipped = File.ReadAllText(RepoPaths.CommunityYaml);
        var config = CommunityConfigLoader.Parse(shipped.Replace("aliases: [翠湖南路3号, 南路3号院]", "aliases: [翠湖南路3号, 南路3号院, 红楼]", StringComparison.Ordinal)
            .Replace("aliases: [五华山小区, 五华小区]", "aliases: [五华山小区, 五华小区, 红楼]", StringComparison.Ordinal));

        Assert.Equal("whs-xq", Resolve("红楼门口垃圾满了", "lihua", config)?.Id);
        Assert.Equal("chnl-3", Resolve("红楼门口垃圾满了", "hejun", config)?.Id);
        Assert.Equal("chnl-3", Resolve("红楼门口垃圾满了", "yangfang", config)?.Id);
    }

    [Fact]
    public void Resolve_NoPlaceAndSingleCompoundReporter_FallsBackToIt() =>
        Assert.Equal("hsnl-74", Resolve("楼道的灯坏了", "lihua")?.Id);

    [Fact]
    public void Resolve_NoPlaceAndSeveralCompounds_IsNull() =>
        Assert.Null(Resolve("楼道的灯坏了", "zhoumin"));

    [Fact]
    public void Resolve_NoReporter_IsNull() =>
        Assert.Null(new PlaceResolver(fixture.Config).Resolve("楼道的灯坏了", null, fixture.Config.FindCommunity("cuihu")));

    [Fact]
    public void Resolve_SecretaryWithoutCompounds_IsNull() =>
        Assert.Null(Resolve("有人在楼道里吵架", "chenjing"));
}
