using Guanjia.Core.Community;

namespace Guanjia.Core.Tests.Community;

public sealed class TimeLimitTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 15 * 60)]
    [InlineData("4h", 4 * 3600)]
    [InlineData("7d", 7 * 86400)]
    public void TryParse_ClockUnits_ConvertToTimeSpan(string text, int seconds)
    {
        Assert.True(TimeLimit.TryParse(text, out var limit));
        Assert.Equal(TimeSpan.FromSeconds(seconds), limit.ToTimeSpan());
        Assert.Equal(text, limit.ToString());
    }

    [Fact]
    public void TryParse_WorkingDays_KeepsAmountAndUnit()
    {
        Assert.True(TimeLimit.TryParse("3wd", out var limit));
        Assert.Equal(new TimeLimit(3, TimeLimitUnit.WorkingDays), limit);
        Assert.True(limit.IsWorkingDays);
        Assert.Throws<InvalidOperationException>(() => limit.ToTimeSpan());
    }

    [Theory]
    [InlineData("4x")]
    [InlineData("h")]
    [InlineData("")]
    [InlineData("0h")]
    [InlineData("-4h")]
    [InlineData("4 h")]
    [InlineData("1.5h")]
    [InlineData(null)]
    public void TryParse_Malformed_ReturnsFalse(string? text) => Assert.False(TimeLimit.TryParse(text, out _));
}
