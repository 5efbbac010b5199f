using Guanjia.Core.Community;

namespace Guanjia.Core.Tests.Community;

public sealed class CommunityConfigLoaderTests
{
    private static readonly string Shipped = File.ReadAllText(RepoPaths.CommunityYaml);

    private static CommunityConfigException LoadWith(string find, string replace)
    {
        Assert.Contains(find, Shipped, StringComparison.Ordinal);
        Assert.Equal(Shipped.IndexOf(find, StringComparison.Ordinal), Shipped.LastIndexOf(find, StringComparison.Ordinal));
        return Assert.Throws<CommunityConfigException>(() => CommunityConfigLoader.Parse(Shipped.Replace(find, replace, StringComparison.Ordinal)));
    }

    [Fact]
    public void Load_ShippedConfig_ReadsEverySection()
    {
        var config = CommunityConfigLoader.Load(RepoPaths.CommunityYaml);

        Assert.Equal("huashan", config.Street.Id);
        Assert.Equal("Asia/Shanghai", config.Street.TimeZone);
        Assert.Equal(3, config.Communities.Count);
        Assert.Equal(13, config.Communities.Sum(c => c.Compounds.Count));
        Assert.Equal(15, config.Departments.Count);
        Assert.Equal(16, config.Categories.Count);
        Assert.Equal(11, config.People.Count);
        Assert.Equal(10m, config.Points.PointValueCny);
        Assert.Equal(10, config.Points.DailyCapPerPerson);
        Assert.Equal(3, config.Points.Merchants.Count);
        Assert.Null(config.Holidays);
    }

    [Fact]
    public void Load_ShippedConfig_ParsesCompoundsAndCategories()
    {
        var config = CommunityConfigLoader.Load(RepoPaths.CommunityYaml);

        var hsnl = config.FindCompound("hsnl-74")!;
        Assert.Equal("华山南路74号院", hsnl.Name);
        Assert.Equal(["南路74号", "华山南路74号", "74号院"], hsnl.Aliases);
        Assert.Equal(Management.Full, hsnl.Management);
        Assert.Equal("chuncheng", hsnl.Property);
        Assert.Equal("wuhuashan", hsnl.CommunityId);
        Assert.Null(config.FindCompound("ytj-12")!.Property);

        var fireAlarm = config.FindCategory("fire-alarm")!;
        Assert.Equal(new TimeLimit(1, TimeLimitUnit.Hours), fireAlarm.Sla);
        Assert.Equal(TimeSpan.FromMinutes(15), fireAlarm.UrgentSla!.Value.ToTimeSpan());
        Assert.True(fireAlarm.AlwaysUrgent);
        Assert.Equal(5, fireAlarm.Points);
        Assert.Null(config.FindCategory("garbage")!.UrgentSla);
        Assert.Equal(TimeSpan.FromDays(7), config.FindCategory("rental")!.Sla.ToTimeSpan());

        var report = config.Points.Tasks.Single(t => t.Code == "report");
        Assert.True(report.PointsFromCategory);
        Assert.Null(report.Points);
        Assert.Equal(1, config.Points.Tasks.Single(t => t.Code == "patrol").PerDay);
    }

    [Fact]
    public void Lookups_FindByIdChatNameAndMember()
    {
        var config = CommunityConfigLoader.Load(RepoPaths.CommunityYaml);

        Assert.Equal("翠湖社区", config.FindCommunity("cuihu")!.Name);
        Assert.Equal("cuihu", config.FindCommunityByChatId("wrkSFfCgAAcuihu")!.Id);
        Assert.Null(config.FindCommunityByChatId("wrkSFfCgAAfire"));
        Assert.Equal("fire", config.FindDepartmentByChatId("wrkSFfCgAAfire")!.Id);
        Assert.Equal("消防隐患", config.FindCategory("fire")!.Name);
        Assert.Equal("fire", config.FindCategory("消防隐患")!.Code);
        Assert.Equal("fire", config.FindCategory("FIRE")!.Code);
        Assert.Null(config.FindCategory("nope"));
        Assert.Equal("李华", config.FindPerson("lihua")!.Name);
        Assert.True(config.FindPerson("zhaolei")!.HasRole(Person.AdminRole));
        Assert.Equal(["sanitation"], config.DepartmentsOf("hw-ma").Select(d => d.Id));
        Assert.Empty(config.DepartmentsOf("lihua"));
        Assert.Equal("cuiyuan", config.MerchantOf("sh-cui")!.Id);
        Assert.Null(config.MerchantOf("lihua"));
        Assert.Equal("other", config.OtherCategory.Code);
    }

    [Fact]
    public void ResolveChat_CommunityGroupSharedWithOffice_IsCommunityGroupFirst()
    {
        var config = CommunityConfigLoader.Load(RepoPaths.CommunityYaml);

        var owner = config.ResolveChat("wrkSFfCgAAwuhuashan")!;

        Assert.True(owner.IsCommunityGroup);
        Assert.Equal("wuhuashan", owner.Community!.Id);
        Assert.Equal("wuhuashan-office", owner.Department!.Id);
        Assert.False(config.ResolveChat("wrkSFfCgAApolice")!.IsCommunityGroup);
        Assert.Null(config.ResolveChat("unknown"));
    }

    [Theory]
    [InlineData("categories[3].sla: '4x' is not a duration (line 143)", "code: fire,       name: 消防隐患,       department: property,   sla: 24h", "code: fire,       name: 消防隐患,       department: property,   sla: 4x")]
    [InlineData("categories[0].department: 'sanitaton' is not a department id, 'property' or 'community' (line 140)", "department: sanitation, sla: 4h", "department: sanitaton, sla: 4h")]
    [InlineData("categories: the catch-all category 'other' is missing (line 140)", "  - { code: other,      name: 其他,           department: community,  sla: 72h, points: 0 }\n", "")]
    [InlineData("categories[1].code: duplicate category 'garbage' (line 141)", "code: hygiene,", "code: garbage,")]
    [InlineData("departments[14].id: duplicate department 'fire' (line 129)", "id: health,", "id: fire,")]
    [InlineData("communities[1].id: duplicate community 'wuhuashan' (line 53)", "  - id: cuihu\n", "  - id: wuhuashan\n")]
    [InlineData("communities[0].compounds[1].id: duplicate compound 'hsdl-126' (line 30)", "- id: hsnl-74", "- id: hsdl-126")]
    [InlineData("communities[0].compounds[0].name: is required (line 24)", "        name: 华山东路126号院\n", "")]
    [InlineData("communities[0].compounds[1].property: unknown department 'chunchen' (line 35)", "property: chuncheng", "property: chunchen")]
    [InlineData("communities[0].compounds[1].management: 'most' is not one of full, semi, none (line 34)", "management: full\n        property: chuncheng", "management: most\n        property: chuncheng")]
    [InlineData("communities[2].office: unknown department 'wenhua-office' (line 87)", "office: wenhuaxiang-office", "office: wenhua-office")]
    [InlineData("people[4].compounds[0]: compound 'chnl-3' is not in community 'wuhuashan' (line 166)", "compounds: [hsnl-74]", "compounds: [chnl-3]")]
    [InlineData("people[5].community: unknown community 'wuhua' (line 167)", "community: wuhuashan, compounds: [hsdl-126", "community: wuhua, compounds: [hsdl-126")]
    [InlineData("people[1].roles[0]: 'boss' is not one of steward, secretary, admin (line 163)", "roles: [secretary], community: wuhuashan", "roles: [boss], community: wuhuashan")]
    [InlineData("people[2].userid: duplicate person 'chenjing' (line 164)", "userid: liuyang,", "userid: chenjing,")]
    [InlineData("street.office: unknown department 'nobody' (line 15)", "office: street-office  ", "office: nobody  ")]
    [InlineData("points.pointValueCny: 'ten' is not a number (line 178)", "pointValueCny: 10", "pointValueCny: ten")]
    [InlineData("departments[0].name: expected a non-empty text (line 115)", "name: 华山街道综治中心,", "name: '',")]
    public void Parse_InvalidConfig_NamesKeyPathAndLine(string expected, string find, string replace)
    {
        var error = LoadWith(find, replace);

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Parse_MissingSection_NamesKey()
    {
        var error = Assert.Throws<CommunityConfigException>(() => CommunityConfigLoader.Parse("street: { id: s, name: S, office: x }\n"));

        Assert.StartsWith("street.office: unknown department 'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BrokenYaml_ThrowsConfigExceptionWithLine()
    {
        var error = Assert.Throws<CommunityConfigException>(() => CommunityConfigLoader.Parse("street:\n  id: [unclosed\n"));

        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void Load_MissingFile_ThrowsConfigException()
    {
        var error = Assert.Throws<CommunityConfigException>(() => CommunityConfigLoader.Load("/nonexistent/community.yaml"));

        Assert.Contains("/nonexistent/community.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Holidays_CountWorkingDays()
    {
        var config = CommunityConfigLoader.Parse(Shipped + "\nholidays:\n  off: [2026-10-01, 2026-10-02]\n  workdays: [2026-10-10]\n");

        var holidays = config.Holidays!;
        Assert.False(holidays.IsWorkingDay(new DateOnly(2026, 10, 1)));
        Assert.True(holidays.IsWorkingDay(new DateOnly(2026, 10, 10)));
        Assert.False(holidays.IsWorkingDay(new DateOnly(2026, 10, 11)));
        Assert.True(holidays.IsWorkingDay(new DateOnly(2026, 10, 12)));
    }

    [Fact]
    public void Parse_BadHolidayDate_NamesKeyAndLine()
    {
        var lines = Shipped.Split('\n').Length;
        var error = Assert.Throws<CommunityConfigException>(() => CommunityConfigLoader.Parse(Shipped + "holidays:\n  off: [2026-13-01]\n"));

        Assert.Equal($"holidays.off[0]: '2026-13-01' is not a date (yyyy-MM-dd) (line {lines + 1})", error.Message);
    }
}
