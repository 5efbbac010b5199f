using Guanjia.WeCom.Api;
using Guanjia.WeCom.Fake;

namespace Guanjia.WeCom.Tests.Api;

/// <summary>A response_url post that WeCom did not take may be tried again; one WeCom took or refused may not.</summary>
public sealed class ResponseUrlRetryTests
{
    private static readonly FakeFailure Hang = FakeFailure.Hang(TimeSpan.FromSeconds(5));

    public static TheoryData<FakeFailure> TransientFailures => new()
    {
        FakeFailure.HttpStatus(500),
        FakeFailure.ErrCode(-1, "system busy"),
        FakeFailure.ErrCode(45009, "api freq out of limit"),
        Hang,
    };

    [Theory]
    [MemberData(nameof(TransientFailures))]
    public async Task ResponseUrl_AfterATransientFailure_CanBePostedAgain(FakeFailure failure)
    {
        // Only a hang needs the client's timeout; a short one would also cut off ordinary calls on a busy machine.
        var timeout = failure == Hang ? "00:00:02" : "00:00:30";
        await using var host = await WeComTestHost.StartAsync(new() { ["WeCom:RequestTimeout"] = timeout });
        var responseUrl = host.Fake.NewResponseUrl();
        host.Fake.FailNext("/cgi-bin/aibot/response", failure);

        var first = await host.Bot.PostMarkdownAsync(responseUrl, "已受理 #1");
        var second = await host.Bot.PostMarkdownAsync(responseUrl, "已受理 #1");

        Assert.Equal(WeComErrorKind.Retryable, first.Kind);
        Assert.True(second.IsOk, second.ErrMsg);
        Assert.Single(host.Fake.Messages, m => m.Kind == RecordedMessageKind.ResponseUrl);
    }

    [Fact]
    public async Task ResponseUrl_RefusedByWeCom_IsNotPostedAgain()
    {
        await using var host = await WeComTestHost.StartAsync();
        var responseUrl = host.Fake.NewResponseUrl();
        host.Fake.FailNext("/cgi-bin/aibot/response", FakeFailure.ErrCode(FakeWeCom.ResponseCodeUsedErrCode, "used"));

        var first = await host.Bot.PostMarkdownAsync(responseUrl, "已受理 #1");
        var second = await host.Bot.PostMarkdownAsync(responseUrl, "已受理 #1");

        Assert.Equal(WeComErrorKind.Permanent, first.Kind);
        Assert.Equal(WeComErrorCodes.ClientResponseUrlAlreadyUsed, second.ErrCode);
        Assert.Equal(1, host.Fake.CallCount("/cgi-bin/aibot/response"));
    }

    [Fact]
    public async Task LostResponse_TakesEffectAtWeCom_ButTheCallerTimesOut()
    {
        await using var host = await WeComTestHost.StartAsync(new() { ["WeCom:RequestTimeout"] = "00:00:00.300" });
        host.Fake.FailNext("/cgi-bin/webhook/send", FakeFailure.LostResponse(TimeSpan.FromSeconds(5)));

        var result = await host.Webhook.SendMarkdownAsync("robot-key-1", "派单 #1");

        Assert.Equal((WeComErrorCodes.ClientTimeout, WeComErrorKind.Retryable), (result.ErrCode, result.Kind));
        Assert.Single(host.Fake.Messages);
        Assert.Equal(1, host.Fake.InjectedFailures);
    }

    [Fact]
    public async Task FailRandomly_FailsAboutTheGivenShare_Reproducibly()
    {
        await using var host = await WeComTestHost.StartAsync();
        host.Fake.EnforceRobotRateLimit = false;
        host.Fake.FailRandomly(0.3, [FakeFailure.HttpStatus(500), FakeFailure.ErrCode(-1)], seed: 7);

        var failed = 0;
        for (var i = 0; i < 100; i++)
        {
            failed += (await host.Webhook.SendMarkdownAsync("robot-key-1", $"{i}")).IsOk ? 0 : 1;
        }

        host.Fake.StopFailing();
        var after = await host.Webhook.SendMarkdownAsync("robot-key-1", "after");

        Assert.InRange(failed, 18, 42);
        Assert.Equal(failed, host.Fake.InjectedFailures);
        Assert.True(after.IsOk);
    }
}
