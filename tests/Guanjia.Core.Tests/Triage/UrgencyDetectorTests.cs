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

    [Theory]
    [InlineData("门口烧烤摊冒烟，桌子摆满人行道")]
    [InlineData("楼下有人烧纸，烟子熏到楼上")]
    [InlineData("冒火花是电焊师傅在干活")]
    public void Find_SignWithAnOrdinarySource_IsAWeakCue(string text) => Assert.True(Find(text)?.Weak);

    [Theory]
    [InlineData("华山西路的公交站牌被撞倒了")]
    [InlineData("垃圾桶被车撞坏了，垃圾倒在地上")]
    public void Find_PersonsDangerWithNobodyNamed_IsAWeakCue(string text) => Assert.True(Find(text)?.Weak);

    [Fact]
    public void Find_PersonsDangerWithAPersonNamed_IsAStrongCue()
    {
        var cue = Find("有个老人在路口被撞倒了");

        Assert.Equal("被撞倒", cue?.Cue);
        Assert.False(cue?.Weak);
    }

    [Fact]
    public void Find_怕是AsAGuess_IsNoHypothetical()
    {
        var cue = Find("楼道里好大的味道，怕是漏气了");

        Assert.Equal("漏气", cue?.Cue);
    }

    [Theory]
    [InlineData("煤气罐倒了，阀门那里一直在漏", "gas")]
    [InlineData("我们院的娃娃找不着了，穿黄衣服", "people")]
    [InlineData("电梯停了 门打不开 里面有人在拍门", "people")]
    [InlineData("井盖也不见了，黑灯瞎火的", "structure")]
    [InlineData("墙上的插座都泡在水里了", "electricity")]
    public void Find_AThingAndItsSignInOneSentence_IsACueOfItsKind(string text, string kind)
    {
        var cue = Find(text);

        Assert.Equal(kind, cue?.Kind);
        Assert.Contains("…", cue?.Cue, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("燃气管子在漏，燃气公司查过了，没有味道了")]
    [InlineData("我家娃娃找不着了，刚才已经找到了")]
    [InlineData("煤气罐没漏")]
    public void Find_PairDeniedOrSettled_IsNoCue(string text) => Assert.Null(Find(text));

    [Fact]
    public void Find_SettlingPhraseAsked_SettlesNothing()
    {
        var cue = Find("铁柱子摸着有点麻手，是不是漏电了");

        Assert.Equal("electricity", cue?.Kind);
    }

    [Fact]
    public void Find_SettlingPhraseOfAHabit_SettlesNothing()
    {
        var cue = Find("我妈有点糊涂，中午出去买菜现在还没回来，平时半个钟头就回来了");

        Assert.Equal("people", cue?.Kind);
    }

    [Fact]
    public void Find_PresentTimeWordAfterAPastOne_BringsTheCueToNow()
    {
        var cue = Find("老电线昨晚下雨淋了 今早开始墙上滋滋响");

        Assert.Equal("滋滋", cue?.Cue);
    }

    [Theory]
    [InlineData("看到新闻说电动车电池在家充电爆炸了，好怕")]
    [InlineData("后门被锁死了，着火了都没处跑")]
    public void Find_NewsOrWhatCouldHappen_IsNoCue(string text) => Assert.Null(Find(text));
}
