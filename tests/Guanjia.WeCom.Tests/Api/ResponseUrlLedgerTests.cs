using Guanjia.WeCom.Api;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.WeCom.Tests.Api;

public class ResponseUrlLedgerTests
{
    private static Uri Url(int i) => new($"https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code={i}");

    [Fact]
    public void TryClaim_SameUrlTwice_RefusesTheSecond()
    {
        var ledger = new ResponseUrlLedger(new FakeTimeProvider());

        Assert.True(ledger.TryClaim(Url(1)));
        Assert.False(ledger.TryClaim(Url(1)));
    }

    [Fact]
    public void TryClaim_AfterRelease_ClaimsAgain()
    {
        var ledger = new ResponseUrlLedger(new FakeTimeProvider());
        Assert.True(ledger.TryClaim(Url(1)));

        ledger.Release(Url(1));

        Assert.True(ledger.TryClaim(Url(1)));
    }

    [Fact]
    public void TryClaim_ManyUrlsWithinTheHour_RefusesEachSecondClaim()
    {
        var time = new FakeTimeProvider();
        var ledger = new ResponseUrlLedger(time);
        for (var i = 0; i < 5000; i++)
        {
            Assert.True(ledger.TryClaim(Url(i)));
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // Sweeps along the way keep every URL still in its hour.
        Assert.All(Enumerable.Range(0, 5000), i => Assert.False(ledger.TryClaim(Url(i))));
    }

    [Fact]
    public void TryClaim_UrlsPastTheirHour_AreSweptOutAsClaimsGoOn()
    {
        var time = new FakeTimeProvider();
        var ledger = new ResponseUrlLedger(time);
        Assert.True(ledger.TryClaim(Url(0)));

        // A busy day: a claim every 10 s for 12 hours; the first URL's hour is long over.
        for (var i = 1; i <= 12 * 360; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            Assert.True(ledger.TryClaim(Url(i)));
        }

        Assert.True(ledger.TryClaim(Url(0)));
    }
}
