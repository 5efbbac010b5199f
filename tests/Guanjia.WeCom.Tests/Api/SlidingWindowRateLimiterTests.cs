using Guanjia.WeCom.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.WeCom.Tests.Api;

public class SlidingWindowRateLimiterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Robot_Allows20PerMinute_And21stIsToldWhen()
    {
        var robots = new WeComRateLimits(_clock).Robots;
        var start = _clock.GetUtcNow();
        for (var i = 0; i < 20; i++)
        {
            Assert.True(robots.TryAcquire("robot-a").IsAcquired, $"message {i + 1}");
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        var refused = robots.TryAcquire("robot-a");

        Assert.False(refused.IsAcquired);
        Assert.Equal(start + TimeSpan.FromMinutes(1), refused.RetryAt);
    }

    [Fact]
    public void Window_Slides_OnePermitFreesPerExpiredAcquisition()
    {
        var robots = new WeComRateLimits(_clock).Robots;
        Assert.True(robots.TryAcquire("robot-a").IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 19; i++)
        {
            Assert.True(robots.TryAcquire("robot-a").IsAcquired);
        }

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(robots.TryAcquire("robot-a").IsAcquired);
        Assert.False(robots.TryAcquire("robot-a").IsAcquired);
    }

    [Fact]
    public void Keys_AreLimitedIndependently()
    {
        var robots = new WeComRateLimits(_clock).Robots;
        for (var i = 0; i < 20; i++)
        {
            robots.TryAcquire("robot-a");
        }

        Assert.False(robots.TryAcquire("robot-a").IsAcquired);
        Assert.True(robots.TryAcquire("robot-b").IsAcquired);
    }

    [Fact]
    public void AppUser_Allows30PerMinute()
    {
        var users = new WeComRateLimits(_clock).AppUsers;

        var acquired = Enumerable.Range(0, 31).Count(_ => users.TryAcquire("zhangsan").IsAcquired);

        Assert.Equal(30, acquired);
    }

    [Fact]
    public async Task TryAcquireAsync_WithoutWait_ReturnsRefusalAtOnce()
    {
        var robots = new WeComRateLimits(_clock).Robots;
        for (var i = 0; i < 20; i++)
        {
            robots.TryAcquire("robot-a");
        }

        var decision = await robots.TryAcquireAsync("robot-a", wait: false);

        Assert.False(decision.IsAcquired);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(1), decision.RetryAt);
    }

    [Fact]
    public async Task TryAcquireAsync_WithWait_QueuesUntilTheWindowFrees()
    {
        var robots = new WeComRateLimits(_clock).Robots;
        for (var i = 0; i < 20; i++)
        {
            robots.TryAcquire("robot-a");
        }

        var waiting = robots.TryAcquireAsync("robot-a", wait: true).AsTask();
        Assert.False(waiting.IsCompleted);

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(waiting.IsCompleted);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var decision = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(decision.IsAcquired);
        Assert.Equal(_clock.GetUtcNow(), decision.RetryAt);
    }

    [Fact]
    public async Task TryAcquireAsync_WithWait_HonoursCancellation()
    {
        var robots = new WeComRateLimits(_clock).Robots;
        for (var i = 0; i < 20; i++)
        {
            robots.TryAcquire("robot-a");
        }

        using var cts = new CancellationTokenSource();
        var waiting = robots.TryAcquireAsync("robot-a", wait: true, cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
