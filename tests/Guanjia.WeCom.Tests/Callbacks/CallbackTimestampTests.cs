using Guanjia.WeCom.Callbacks;

namespace Guanjia.WeCom.Tests.Callbacks;

public class CallbackTimestampTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 1, 12, 3, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    [Theory]
    [InlineData(0)]
    [InlineData(-3600)]
    [InlineData(3600)]
    [InlineData(-59)]
    public void IsFresh_WithinTheWindowEitherWay_IsTrue(long offsetSeconds)
    {
        var timestamp = (Now.ToUnixTimeSeconds() + offsetSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(CallbackTimestamp.IsFresh(timestamp, Now, Window));
    }

    [Theory]
    [InlineData(-3601)]
    [InlineData(3601)]
    [InlineData(-365L * 24 * 3600)]
    [InlineData(365L * 24 * 3600)]
    public void IsFresh_OutsideTheWindow_IsFalse(long offsetSeconds)
    {
        var timestamp = (Now.ToUnixTimeSeconds() + offsetSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.False(CallbackTimestamp.IsFresh(timestamp, Now, Window));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("+1764000000")]
    [InlineData(" 1764000000")]
    [InlineData("1764000000.5")]
    [InlineData("1e9")]
    [InlineData("99999999999999999999999")]
    [InlineData("１７６４００００００")]
    public void IsFresh_WithEmptyOrNonNumericOrZero_IsFalse(string? timestamp)
    {
        Assert.False(CallbackTimestamp.IsFresh(timestamp, Now, Window));
    }
}
