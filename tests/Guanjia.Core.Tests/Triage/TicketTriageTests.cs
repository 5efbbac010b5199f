using Guanjia.Core.Community;
using Guanjia.Core.Triage;

namespace Guanjia.Core.Tests.Triage;

public sealed class TicketTriageTests(TriageFixture fixture) : IClassFixture<TriageFixture>
{
    public static TheoryData<string> UrgentCues()
    {
        var rules = TriageKnowledge.Load(RepoPaths.TriageKnowledge).Urgent;
        return [.. rules.Cues.Except(rules.Corroborate).Except(rules.NeedsPerson)];
    }

    public static TheoryData<string> PersonCues()
    {
        var rules = TriageKnowledge.Load(RepoPaths.TriageKnowledge).Urgent;
        return [.. rules.NeedsPerson.Except(rules.Corroborate)];
    }

    [Theory]
    [MemberData(nameof(PersonCues))]
    public void Triage_EveryCueOfAPersonsDanger_WithAPersonNamed_IsUrgent(string cue)
    {
        var result = fixture.Run($"有个老人{cue}", "wanggang");

        Assert.True(result.Urgent);
    }

    [Theory]
    [MemberData(nameof(UrgentCues))]
    public void Triage_EveryStandaloneUrgentCue_IsUrgent(string cue)
    {
        var result = fixture.Run($"请处理：{cue}", "wanggang");

        Assert.True(result.Urgent);
        Assert.Equal(cue, result.UrgentCue);
    }

    [Theory]
    [InlineData("配电箱的电线老化了，还没有冒烟", "wiring")]
    [InlineData("楼道里堆满纸箱，万一着火人都跑不出去", "fire")]
    [InlineData("检查了一遍，未见明火，灭火器还是过期了", "fire")]
    [InlineData("电线老化了，容易漏电，请物业来换", "wiring")]
    [InlineData("钱局街18号院邻居吵架，好在没人受伤", "dispute")]
    public void Triage_NegatedCue_IsNotUrgent(string text, string category)
    {
        var result = fixture.Run(text, "hejun");

        Assert.Equal(category, result.CategoryCode);
        Assert.False(result.Urgent);
        Assert.Null(result.UrgentCue);
    }

    [Theory]
    [InlineData("5单元楼梯扶手断了一截，麻烦物业来焊一下", "断了")]
    [InlineData("上个月晾衣杆掉下来过，物业说下周来换", "掉下来")]
    [InlineData("紧急问一下，这个月的积分什么时候发", "紧急")]
    public void Triage_CueNeedingCorroborationInAHarmlessReport_IsNotUrgent(string text, string cue)
    {
        Assert.Contains(cue, TriageKnowledge.Load(RepoPaths.TriageKnowledge).Urgent.Corroborate);

        var result = fixture.Run(text, "hejun");

        Assert.False(result.Urgent);
        Assert.Null(result.UrgentCue);
    }

    [Theory]
    [InlineData("钱局街18号院有个老人在楼梯上摔倒了，腿断了，起不来")]
    [InlineData("有人从楼上摔下来了，流了好多血")]
    public void Triage_FallWithInjuryNow_IsUrgent(string text)
    {
        var result = fixture.Run(text, "hejun");

        Assert.True(result.Urgent);
    }

    [Fact]
    public void Load_CorroborateCueThatIsNoHazardCue_IsRefused()
    {
        var directory = Directory.CreateTempSubdirectory("guanjia-triage-").FullName;
        try
        {
            File.Copy(Path.Combine(RepoPaths.TriageKnowledge, TriageKnowledge.PhrasesFile), Path.Combine(directory, TriageKnowledge.PhrasesFile));
            File.Copy(Path.Combine(RepoPaths.TriageKnowledge, TriageKnowledge.ExamplesFile), Path.Combine(directory, TriageKnowledge.ExamplesFile));
            File.WriteAllText(Path.Combine(directory, TriageKnowledge.UrgentFile), string.Join('\n',
                "hazards:", "  fire: [着火]", "negations: [没]", "hypotheticals: [万一]", "resolved: [灭了]", "nonUrgentContexts: [演练]", "corroborate: [断了]"));

            var error = Assert.Throws<InvalidDataException>(() => TriageKnowledge.Load(directory));

            Assert.Contains("断了", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Triage_DeniedDrill_IsStillAFire()
    {
        var result = fixture.Run("不是演练，是真的着火了！建设路52号院车库", "xiaoqin");

        Assert.True(result.Urgent);
        Assert.Equal("着火", result.UrgentCue);
    }

    [Theory]
    [InlineData("74号院燃气表箱锈烂了，现在倒是闻不到味")]
    [InlineData("早上那个燃气报警是误报，报警器电池没电了，已经换了")]
    public void Triage_GasReportSayingTheDangerIsNotThere_IsNotUrgent(string text)
    {
        var result = fixture.Run(text, "lihua");

        Assert.Equal("gas", result.CategoryCode);
        Assert.False(result.Urgent);
    }

    [Fact]
    public void Triage_GasSmellNow_IsUrgentEvenWithoutUrgentWords()
    {
        var result = fixture.Run("建设路52号院4楼楼道里有股煤气味", "xiaoqin");

        Assert.Equal("gas", result.CategoryCode);
        Assert.True(result.Urgent);
        Assert.Equal(new TimeLimit(30, TimeLimitUnit.Minutes), result.TimeLimit);
    }

    [Fact]
    public void Triage_DrillContext_IsNotUrgent()
    {
        var result = fixture.Run("今天社区组织消防演练，现场点了明火教大家用灭火器", "hejun");

        Assert.False(result.Urgent);
        Assert.NotEqual("fire-alarm", result.CategoryCode);
    }

    [Fact]
    public void Triage_CueAfterUnrelatedNegation_StaysUrgent()
    {
        var result = fixture.Run("没多久楼上就冒烟了", "lihua");

        Assert.True(result.Urgent);
        Assert.Equal("冒烟", result.UrgentCue);
    }

    [Fact]
    public void Triage_UrgentFireHazard_UsesUrgentSla()
    {
        var urgent = fixture.Run("74号院楼道堆的纸箱冒烟了", "lihua");
        var calm = fixture.Run("74号院楼道的灭火器过期很久了", "lihua");

        Assert.True(urgent.Urgent);
        Assert.Equal("fire", calm.CategoryCode);
        Assert.False(calm.Urgent);
        Assert.Equal(new TimeLimit(24, TimeLimitUnit.Hours), calm.TimeLimit);
        Assert.Equal("chuncheng", calm.DepartmentId);
    }

    [Fact]
    public void Triage_CompoundWithoutProperty_RoutesPropertyCategoryToCommunityOffice()
    {
        var result = fixture.Run("圆通街12号院楼道里又脏又乱，好久没人打扫", "zhoumin");

        Assert.Equal("hygiene", result.CategoryCode);
        Assert.Equal("ytj-12", result.CompoundId);
        Assert.Equal("wuhuashan-office", result.DepartmentId);
    }

    [Fact]
    public void Triage_CommunityCategory_RoutesToCommunityOffice()
    {
        var result = fixture.Run("建设路52号院两家邻居因为停车吵起来了，请社区调解", "xiaoqin");

        Assert.Equal("dispute", result.CategoryCode);
        Assert.Equal("jsl-52", result.CompoundId);
        Assert.Equal("wenhuaxiang-office", result.DepartmentId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("嗯嗯")]
    [InlineData("？？？")]
    public void Triage_NothingToGoOn_IsOtherWithLowConfidence(string text)
    {
        var result = fixture.Run(text, "zhoumin");

        Assert.Equal("other", result.CategoryCode);
        Assert.True(result.LowConfidence);
        Assert.False(result.Urgent);
        Assert.Equal("wuhuashan-office", result.DepartmentId);
        Assert.Equal(new TimeLimit(72, TimeLimitUnit.Hours), result.TimeLimit);
    }

    [Fact]
    public void Triage_ClearReport_HasHighConfidence()
    {
        var result = fixture.Run("门口的垃圾桶满了，垃圾溢出来一地", "zhoumin");

        Assert.Equal("garbage", result.CategoryCode);
        Assert.False(result.LowConfidence);
        Assert.True(result.Confidence > 0.8, $"confidence {result.Confidence}");
        Assert.Equal("sanitation", result.DepartmentId);
    }

    [Fact]
    public void Triage_FullWidthText_IsNormalised()
    {
        var result = fixture.Run("７４号院门口ＬＥＤ路灯坏了", "zhoumin");

        Assert.Equal("hsnl-74", result.CompoundId);
        Assert.Equal("public-works", result.CategoryCode);
    }

    [Fact]
    public void Triage_PlaceNames_DoNotSwayTheCategory()
    {
        // 五华山 contains 山 and 华; how the compound is named must not pull the category either way
        // (that one is named at all is read: inside a 院 or on a street).
        var named = fixture.Run("五华山小区楼道里的感应灯坏了", "wanggang");
        var bare = fixture.Run("五华小区楼道里的感应灯坏了", "wanggang");

        Assert.Equal(bare.CategoryCode, named.CategoryCode);
        Assert.Equal(bare.Confidence, named.Confidence, 6);
    }

    [Fact]
    public void Triage_SameInputTwice_IsDeterministic()
    {
        var other = TicketTriage.Create(fixture.Config, RepoPaths.TriageKnowledge);
        var person = fixture.Config.FindPerson("hejun")!;
        var community = fixture.Config.FindCommunity("cuihu")!;
        const string text = "青云街45号院门口有人摆摊卖烧烤，油烟很大";

        var first = fixture.Triage.Triage(text, person, community);
        var second = other.Triage(text, person, community);

        Assert.Equal(first with { Candidates = [] }, second with { Candidates = [] });
        Assert.Equal(first.Candidates, second.Candidates);
    }
}
