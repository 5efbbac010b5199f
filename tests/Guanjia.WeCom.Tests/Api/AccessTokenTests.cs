using Guanjia.WeCom.Api;
using Guanjia.WeCom.Fake;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.WeCom.Tests.Api;

public class AccessTokenTests
{
    private const string SendPath = "/cgi-bin/message/send";

    [Fact]
    public async Task SeveralCalls_FetchTokenOnce()
    {
        await using var host = await WeComTestHost.StartAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await host.Api.SendTextAsync(["zhangsan"], $"第{i}条")).IsOk);
        }

        Assert.Equal(1, host.Fake.GetTokenCalls);
        Assert.Equal(3, host.Fake.Messages.Count);
    }

    [Fact]
    public async Task ConcurrentCallers_ShareOneGetToken()
    {
        await using var host = await WeComTestHost.StartAsync();
        // Slow gettoken down so every caller arrives while the first fetch is in flight.
        host.Fake.FailNext("/cgi-bin/gettoken", FakeFailure.Hang(TimeSpan.FromMilliseconds(300)));

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => host.Api.SendTextAsync(["zhangsan"], $"并发 {i}")));

        Assert.All(results, r => Assert.True(r.IsOk, r.ErrMsg));
        Assert.Equal(1, host.Fake.GetTokenCalls);
    }

    [Fact]
    public async Task TokenExpiredBetweenCalls_IsRefreshedAndRetriedOnce()
    {
        await using var host = await WeComTestHost.StartAsync();
        Assert.True((await host.Api.SendTextAsync(["zhangsan"], "第一条")).IsOk);

        host.Fake.ExpireAllTokens();
        var second = await host.Api.SendTextAsync(["zhangsan"], "第二条");

        Assert.True(second.IsOk, second.ErrMsg);
        Assert.Equal(2, host.Fake.GetTokenCalls);
        Assert.Equal(3, host.Fake.CallCount(SendPath));
        Assert.Equal(2, host.Fake.Messages.Count);
    }

    [Fact]
    public async Task TokenRejectedTwice_ReturnsTokenExpiredAfterOneRetry()
    {
        await using var host = await WeComTestHost.StartAsync();
        host.Fake.FailNext(SendPath, FakeFailure.ErrCode(42001), count: 5);

        var result = await host.Api.SendTextAsync(["zhangsan"], "你好");

        Assert.Equal(WeComErrorKind.TokenExpired, result.Kind);
        Assert.Equal(42001, result.ErrCode);
        Assert.Equal(2, host.Fake.CallCount(SendPath));
        Assert.Equal(2, host.Fake.GetTokenCalls);
    }

    [Fact]
    public async Task MediaUploadAfterTokenExpiry_ResendsTheWholeBody()
    {
        await using var host = await WeComTestHost.StartAsync();
        Assert.True((await host.Api.SendTextAsync(["zhangsan"], "预热")).IsOk);
        host.Fake.ExpireAllTokens();
        var photo = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();

        var result = await host.Api.UploadMediaAsync(photo, "photo.jpg", "image/jpeg");

        Assert.True(result.IsOk, result.ErrMsg);
        Assert.Equal(2, host.Fake.CallCount("/cgi-bin/media/upload"));
        Assert.Equal(photo, Assert.Single(host.Fake.Uploads).Content);
    }

    [Theory]
    [InlineData("WeCom:Secret", "wrong-secret", 40001)]
    [InlineData("WeCom:CorpId", "wwwrongcorp", 40013)]
    public async Task GetTokenConfigError_IsNotRetriedAndSurfacesAsConfiguration(string key, string value, int expectedCode)
    {
        await using var host = await WeComTestHost.StartAsync(new() { [key] = value });

        var first = await host.Api.SendTextAsync(["zhangsan"], "你好");

        Assert.Equal(WeComErrorKind.Configuration, first.Kind);
        Assert.Equal(expectedCode, first.ErrCode);
        Assert.Equal(1, host.Fake.GetTokenCalls);
        Assert.Equal(0, host.Fake.CallCount(SendPath));
    }

    [Theory]
    [InlineData(40091)]
    [InlineData(60020)]
    public async Task GetTokenReturnsConfigCode_SurfacesAsConfiguration(int errCode)
    {
        await using var host = await WeComTestHost.StartAsync();
        host.Fake.FailNext("/cgi-bin/gettoken", FakeFailure.ErrCode(errCode));

        var result = await host.Api.SendMarkdownAsync(["zhangsan"], "**你好**");

        Assert.Equal(WeComErrorKind.Configuration, result.Kind);
        Assert.Equal(errCode, result.ErrCode);
        Assert.Equal(1, host.Fake.GetTokenCalls);
    }

    [Fact]
    public async Task MissingCredentials_IsConfigurationWithoutAnyCall()
    {
        await using var host = await WeComTestHost.StartAsync(new() { ["WeCom:Secret"] = "" });

        var result = await host.Api.SendTextAsync(["zhangsan"], "你好");

        Assert.Equal(WeComErrorKind.Configuration, result.Kind);
        Assert.Equal(0, host.Fake.GetTokenCalls);
    }

    [Fact]
    public async Task CachedToken_IsRefetchedOnlyAfterExpiresInMinusMargin()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-05-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var host = await WeComTestHost.StartAsync(timeProvider: clock);
        Assert.True((await host.Api.SendTextAsync(["zhangsan"], "一")).IsOk);

        clock.Advance(TimeSpan.FromSeconds(7200 - 301));
        Assert.True((await host.Api.SendTextAsync(["zhangsan"], "二")).IsOk);
        Assert.Equal(1, host.Fake.GetTokenCalls);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await host.Api.SendTextAsync(["zhangsan"], "三")).IsOk);
        Assert.Equal(2, host.Fake.GetTokenCalls);
    }

    [Fact]
    public async Task Invalidate_WithAnotherToken_KeepsTheCurrentOne()
    {
        await using var host = await WeComTestHost.StartAsync();
        var cache = host.Services.GetRequiredService<WeComAccessTokenCache>();
        var token = await cache.GetTokenAsync(host.Fake.CorpId, host.Fake.Secret, CancellationToken.None);

        cache.Invalidate(host.Fake.CorpId, host.Fake.Secret, "an-older-token");
        var again = await cache.GetTokenAsync(host.Fake.CorpId, host.Fake.Secret, CancellationToken.None);
        cache.Invalidate(host.Fake.CorpId, host.Fake.Secret, token.Value!);
        var refreshed = await cache.GetTokenAsync(host.Fake.CorpId, host.Fake.Secret, CancellationToken.None);

        Assert.Equal(token.Value, again.Value);
        Assert.NotEqual(token.Value, refreshed.Value);
        Assert.Equal(2, host.Fake.GetTokenCalls);
    }

    [Fact]
    public async Task TokenCache_KeysBySecret()
    {
        await using var host = await WeComTestHost.StartAsync();
        var cache = host.Services.GetRequiredService<WeComAccessTokenCache>();

        var app = await cache.GetTokenAsync(host.Fake.CorpId, host.Fake.Secret, CancellationToken.None);
        var other = await cache.GetTokenAsync(host.Fake.CorpId, "another-apps-secret", CancellationToken.None);

        Assert.True(app.IsOk);
        Assert.Equal(40001, other.ErrCode);
        Assert.Equal(2, host.Fake.GetTokenCalls);
    }

    [Fact]
    public async Task Logs_NeverContainSecretTokenOrRobotKey()
    {
        await using var host = await WeComTestHost.StartAsync();
        const string robotKey = "robot-key-7f3a9c";
        Assert.True((await host.Api.SendTextAsync(["zhangsan"], "居民的私密内容")).IsOk);
        host.Fake.ExpireAllTokens();
        Assert.True((await host.Api.SendTextAsync(["zhangsan"], "居民的私密内容")).IsOk);
        Assert.True((await host.Webhook.SendTextAsync(robotKey, "居民的私密内容")).IsOk);
        host.Fake.RemoveRobot(robotKey);
        Assert.False((await host.Webhook.SendTextAsync(robotKey, "居民的私密内容")).IsOk);

        var cache = host.Services.GetRequiredService<WeComAccessTokenCache>();
        var token = (await cache.GetTokenAsync(host.Fake.CorpId, host.Fake.Secret, CancellationToken.None)).Value!;
        var logs = string.Join('\n', host.Logs.Lines);
        Assert.Contains("[2001]", logs, StringComparison.Ordinal);
        Assert.Contains("[2003]", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Fake.Secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-token-", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(robotKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("居民", logs, StringComparison.Ordinal);
    }
}
