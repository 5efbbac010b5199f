using System.Collections.Concurrent;

namespace Guanjia.WeCom.RateLimiting;

/// <summary>Answer of <see cref="SlidingWindowRateLimiter.TryAcquire"/>: acquired, or not before <see cref="RetryAt"/>.</summary>
public readonly record struct RateLimitDecision(bool IsAcquired, DateTimeOffset RetryAt);

/// <summary>
/// At most <see cref="PermitLimit"/> acquisitions per key in any window of <see cref="Window"/> (exact sliding log).
/// Written here rather than on System.Threading.RateLimiting because those limiters cannot take a TimeProvider.
/// </summary>
public sealed class SlidingWindowRateLimiter
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _logs = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    public SlidingWindowRateLimiter(int permitLimit, TimeSpan window, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        PermitLimit = permitLimit;
        Window = window;
        _timeProvider = timeProvider;
    }

    public int PermitLimit { get; }

    public TimeSpan Window { get; }

    /// <summary>Takes a permit for <paramref name="key"/> now, or says when the next one frees up.</summary>
    public RateLimitDecision TryAcquire(string key)
    {
        var log = _logs.GetOrAdd(key, static _ => new Queue<DateTimeOffset>());
        lock (log)
        {
            var now = _timeProvider.GetUtcNow();
            while (log.Count > 0 && log.Peek() <= now - Window)
            {
                log.Dequeue();
            }

            if (log.Count < PermitLimit)
            {
                log.Enqueue(now);
                return new RateLimitDecision(true, now);
            }

            return new RateLimitDecision(false, log.Peek() + Window);
        }
    }

    /// <summary>
    /// With <paramref name="wait"/> false, the same as <see cref="TryAcquire"/>; with true, waits (on the injected clock)
    /// until a permit is free and returns an acquired decision.
    /// </summary>
    public async ValueTask<RateLimitDecision> TryAcquireAsync(string key, bool wait, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var decision = TryAcquire(key);
            if (decision.IsAcquired || !wait)
            {
                return decision;
            }

            var delay = decision.RetryAt - _timeProvider.GetUtcNow();
            await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, _timeProvider, cancellationToken);
        }
    }
}

/// <summary>WeCom's documented send limits: 20 messages/minute per group robot, 30/minute per app member (excess is dropped silently by WeCom).</summary>
public sealed class WeComRateLimits(TimeProvider timeProvider)
{
    public SlidingWindowRateLimiter Robots { get; } = new(20, TimeSpan.FromMinutes(1), timeProvider);

    public SlidingWindowRateLimiter AppUsers { get; } = new(30, TimeSpan.FromMinutes(1), timeProvider);
}
