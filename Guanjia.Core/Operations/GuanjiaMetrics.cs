using System.Diagnostics.Metrics;
using Guanjia.Core.Outbox;

namespace Guanjia.Core.Operations;

/// <summary>Counts of what is waiting, sampled from the database by the host (gauges read the latest sample).</summary>
public sealed record OperationsSample(
    long InboxDepth,
    long InboxDeadLetters,
    long OutboxDepth,
    long OutboxHeld,
    long OutboxDropped,
    TimeSpan OldestPendingOutbox);

/// <summary>
/// Guanjia's own metrics (meter <see cref="MeterName"/>): callbacks by result, inbox and outbox depth, dead
/// letters, WeCom errors by code, triage latency, job runs. Tags carry codes and names, never message content.
/// </summary>
public sealed class GuanjiaMetrics : IDisposable
{
    public const string MeterName = "Guanjia";

    private readonly Meter _meter;
    private readonly Counter<long> _callbacks;
    private readonly Counter<long> _sends;
    private readonly Counter<long> _wecomErrors;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _dropped;
    private readonly Histogram<double> _triage;
    private readonly Counter<long> _jobRuns;
    private readonly TimeProvider _time;
    private OperationsSample _sample = new(0, 0, 0, 0, 0, TimeSpan.Zero);
    private int _consecutiveWeComFailures;
    private long _lastWeComSuccessTicks;

    /// <param name="meterFactory">The host's meter factory; a meter of its own without one.</param>
    /// <param name="time">The clock for the time since WeCom last answered.</param>
    /// <param name="meterName">
    /// <see cref="MeterName"/> unless several services share one process (the tests): OpenTelemetry stops
    /// the metrics of every meter of a name when one of them is disposed (open-telemetry/opentelemetry-dotnet#6412),
    /// so each service there needs a meter of its own.
    /// </param>
    public GuanjiaMetrics(IMeterFactory? meterFactory = null, TimeProvider? time = null, string meterName = MeterName)
    {
        _time = time ?? TimeProvider.System;
        _lastWeComSuccessTicks = _time.GetUtcNow().UtcTicks;
        _meter = meterFactory?.Create(meterName) ?? new Meter(meterName);
        _callbacks = _meter.CreateCounter<long>("guanjia.callbacks", "{callback}", "WeCom callbacks answered, by endpoint and result");
        _sends = _meter.CreateCounter<long>("guanjia.outbox.sends", "{message}", "Outbox send attempts, by channel and outcome");
        _wecomErrors = _meter.CreateCounter<long>("guanjia.wecom.errors", "{error}", "Failed WeCom calls, by errcode (client codes ≤ −1000 for HTTP, timeout, network)");
        _fallbacks = _meter.CreateCounter<long>("guanjia.outbox.fallbacks", "{message}", "Replies sent another way because their response_url could not be used, by reason");
        _dropped = _meter.CreateCounter<long>("guanjia.outbox.drops", "{message}", "Messages given up on a permanent WeCom error");
        _triage = _meter.CreateHistogram<double>("guanjia.triage.duration", "s", "Time to triage one report");
        _jobRuns = _meter.CreateCounter<long>("guanjia.jobs.runs", "{run}", "Scheduled job runs, by job and outcome");
        _meter.CreateObservableGauge("guanjia.inbox.depth", () => _sample.InboxDepth, "{message}", "Callbacks stored and not yet processed");
        _meter.CreateObservableGauge("guanjia.inbox.dead_letters", () => _sample.InboxDeadLetters, "{message}", "Callbacks that failed processing too often and wait for a person");
        _meter.CreateObservableGauge("guanjia.outbox.depth", () => _sample.OutboxDepth, "{message}", "Messages waiting to be sent");
        _meter.CreateObservableGauge("guanjia.outbox.held", () => _sample.OutboxHeld, "{message}", "Messages kept back because their group robot was removed");
        _meter.CreateObservableGauge("guanjia.outbox.dead_letters", () => _sample.OutboxDropped, "{message}", "Messages given up on a permanent error");
        _meter.CreateObservableGauge("guanjia.outbox.oldest_pending_age", () => _sample.OldestPendingOutbox.TotalSeconds, "s", "Age of the oldest message not yet sent (held ones aside)");
    }

    /// <summary>The latest database sample.</summary>
    public OperationsSample Sample => Volatile.Read(ref _sample);

    /// <summary>WeCom calls that failed in a row since the last success.</summary>
    public int ConsecutiveWeComFailures => Volatile.Read(ref _consecutiveWeComFailures);

    public DateTimeOffset LastWeComSuccess => new(Interlocked.Read(ref _lastWeComSuccessTicks), TimeSpan.Zero);

    public void Update(OperationsSample sample) => Volatile.Write(ref _sample, sample);

    public void RecordCallback(string endpoint, string result) =>
        _callbacks.Add(1, new("endpoint", endpoint), new("result", result));

    public void RecordSend(OutboxChannel channel, OutboxSendResult result)
    {
        _sends.Add(1, new("channel", channel.ToString()), new("outcome", result.Failure.ToString()));
        if (result.IsOk)
        {
            Interlocked.Exchange(ref _consecutiveWeComFailures, 0);
            Interlocked.Exchange(ref _lastWeComSuccessTicks, _time.GetUtcNow().UtcTicks);
            return;
        }

        Interlocked.Increment(ref _consecutiveWeComFailures);
        _wecomErrors.Add(1, new("code", result.Code), new("channel", channel.ToString()));
    }

    public void RecordFallback(string reason) => _fallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RecordDropped(OutboxChannel channel, int code) =>
        _dropped.Add(1, new("channel", channel.ToString()), new("code", code));

    /// <summary>The hook for intake: how long triage of one report took.</summary>
    public void RecordTriage(TimeSpan elapsed) => _triage.Record(elapsed.TotalSeconds);

    /// <param name="job">The job's name as in the API (<c>reminder-scan</c>).</param>
    /// <param name="succeeded">False when the run threw.</param>
    /// <param name="trigger"><c>schedule</c> (Quartz) or <c>api</c> (POST /api/jobs/{name}/run).</param>
    public void RecordJobRun(string job, bool succeeded, string trigger) =>
        _jobRuns.Add(1, new("job", job), new("outcome", succeeded ? "ok" : "failed"), new("trigger", trigger));

    public void Dispose() => _meter.Dispose();
}
