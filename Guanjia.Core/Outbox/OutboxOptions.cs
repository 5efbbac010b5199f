using System.ComponentModel.DataAnnotations;

namespace Guanjia.Core.Outbox;

/// <summary>The <c>Outbox</c> configuration section: pacing and back-off of outgoing WeCom messages.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Wait after the first transient failure; doubles with each further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a destination rests after WeCom's 45009 (its per-minute limits block for a minute).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sends per robot within <see cref="PacingWindow"/> (WeCom: 20 a minute per group robot).</summary>
    [Range(1, 100_000)]
    public int RobotPermits { get; set; } = 20;

    /// <summary>Sends per app recipient within <see cref="PacingWindow"/> (WeCom drops what exceeds 30 a minute).</summary>
    [Range(1, 100_000)]
    public int AppUserPermits { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan PacingWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Transient failures of a response_url before the reply goes another way to the person.</summary>
    [Range(1, 100)]
    public int ResponseUrlAttempts { get; set; } = 4;

    /// <summary>Due messages read per pass.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// Messages sent at the same time, each to a different destination (a wave, marked in one transaction): WeCom
    /// answers in tens of milliseconds, so one at a time would be a few dozen messages a second.
    /// </summary>
    [Range(1, 256)]
    public int Parallelism { get; set; } = 16;

    /// <summary>How often the sender looks for due messages when it found none.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Back-off after the <paramref name="attempts"/>-th failure: base × 2^(attempts−1), at most <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ticks = BaseBackoff.Ticks * Math.Pow(2, exponent);
        return ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }
}
