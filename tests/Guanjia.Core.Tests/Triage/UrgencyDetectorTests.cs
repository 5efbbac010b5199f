using Guanjia.Core.Triage;

namespace Guanjia.Core.Tests.Triage;

/// <summary>The cue rules of the urgency safety net, read without any model (config/triage/urgent.yaml).</summary>
public sealed class UrgencyDetectorTests(TriageFixture fixture) : IClassFixture<TriageFixture>
{
    private UrgentCueMatch? Find(string text) =>
        new UrgencyDetector(fixture.Knowledge.Urgent).Find(UrgencyDetector.Compact(TextNormalizer.Normalize(text)));

    [Theory]
    [InlineData("上个月旁边小区着火，消防车差点进不去")]
    [InlineData("以前有老人在那里摔倒过，扶手一直没修")]
    [InlineData("晾衣杆上周掉下来过一回，物业拿绳子绑起来了")]
    public void Find_CueInThePast_IsNoCue(string text) => Assert.Null(Find(text));

    [Theory]
    [InlineData("楼道头堆起那么多纸壳壳，着起火来咋个整")]
    [InlineData("安全出口门锁起了，着火了咋个跑")]
    [InlineData("有个老人走路不稳，刚才差点摔倒，我扶住了")]
    public void Find_CueAsAQuestionOrANearMiss_IsNoCue(string text) => Assert.Null(Find(text));

    [Theory]
    [InlineData("那边冒烟不是着火，是楼下在熏腊肉")]
    [InlineData("早上说的煤气味，燃气公司查过了，是下水道的味道")]
    public void Find_CueSettledLaterInTheReport_IsNoCue(string text) => Assert.Null(Find(text));

    [Theory]
    [InlineData("独居老人家里网线断了，没法跟子女视频")]
    [InlineData("老人被电信诈骗了，钱转走了")]
    [InlineData("楼道地上全是烟头")]
    public void Find_CueInsideAHarmlessPhrase_IsNoCue(string text) => Assert.Null(Find(text));

    [Fact]
    public void Find_MissingSinceLastNight_IsStillACue()
    {
        var cue = Find("青云街45号院那个小姑娘昨晚就没回家，电话打不通");

        Assert.Equal("没回家", cue?.Cue);
    }

    [Fact]
    public void Find_GoneSinceLastNightTillNow_IsStillACue()
    {
        var cue = Find("楼上有个老人有点糊涂，昨晚出去了到现在没回来");

        Assert.Equal("没回来", cue?.Cue);
    }

    [Fact]
    public void Find_GasSmellAfterTheFlameWentOut_IsStillACue()
    {
        var cue = Find("一开门就是一股煤气味，灶台上的火已经灭了但是阀门是开着的");

        Assert.Equal("gas", cue?.Kind);
    }

    [Fact]
    public void Find_CueFollowedByAWordStartingWith过_IsNotPast()
    {
        var cue = Find("门口有个男人在骚扰过路的女生，拉着不让走");

        Assert.Equal("骚扰", cue?.Cue);
    }

    [Fact]
    public void Find_WordsSpacedLikeVoiceInput_StillReadsTheCue()
    {
        var cue = Find("电线 垂到 地上 有点 , 危险");

        Assert.Equal("垂到地上", cue?.Cue);
    }
}
