using System.Text.Json;
using Guanjia.Core.Intake;
using Guanjia.Core.Operations;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Guanjia.Bot.Hosting;

/// <summary><c>Health:*</c>: when <c>/healthz</c> says Degraded.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>Degraded when the oldest unsent outbox message (retrying or waiting its turn) is older than this.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan OutboxStuckAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Degraded when this many WeCom calls in a row failed …</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)]
    public int WeComFailuresInARow { get; set; } = 20;

    /// <summary>… and none succeeded for this long.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan WeComFailingFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often inbox and outbox depths are read from the database for the gauges and the health check.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);
}

internal static class OperationsHosting
{
    /// <summary>Metrics (meter <c>Guanjia</c>, Prometheus on <c>/metrics</c>), the database sampler and the health checks.</summary>
    public static WebApplicationBuilder AddGuanjiaTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Metrics:MeterName is for a process that hosts several services (the tests); see GuanjiaMetrics.
        var meterName = builder.Configuration["Metrics:MeterName"] ?? GuanjiaMetrics.MeterName;
        builder.Services.AddSingleton(sp => new GuanjiaMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetRequiredService<TimeProvider>(), meterName));
        builder.Services.AddHostedService<OperationsSampler>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(meterName)
            .AddPrometheusExporter());
        builder.Services.AddHealthChecks()
            .AddDbContextCheck<GuanjiaDbContext>("database")
            .AddCheck<OutboxHealthCheck>("outbox");
        return builder;
    }

    /// <summary>
    /// <c>/healthz</c> (text: <c>Healthy</c> or <c>Degraded: reason</c>; JSON with each check for <c>Accept: application/json</c>)
    /// and <c>/metrics</c>; counts callbacks by result.
    /// </summary>
    public static WebApplication MapGuanjiaOperations(this WebApplication app)
    {
        app.Use(CountCallbacksAsync);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static async Task CountCallbacksAsync(HttpContext context, Func<Task> next)
    {
        var endpoint = context.Request.Path.Value switch
        {
            "/wecom/callback" => "app",
            "/wecom/bot/callback" => "bot",
            _ => null,
        };
        if (endpoint is null || !HttpMethods.IsPost(context.Request.Method))
        {
            await next();
            return;
        }

        try
        {
            await next();
        }
        finally
        {
            context.RequestServices.GetRequiredService<GuanjiaMetrics>().RecordCallback(endpoint, CallbackResult(context.Response.StatusCode));
        }
    }

    private static string CallbackResult(int status) => status switch
    {
        >= 200 and < 300 => "accepted",
        401 => "bad_signature",
        413 => "too_large",
        >= 400 and < 500 => "refused",
        _ => "error",
    };

    // Plain text for people and probes ("Healthy", or "Degraded: <reasons>"); JSON with each check when asked for.
    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        var accept = context.Request.GetTypedHeaders().Accept;
        if (accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            var body = new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), reason = e.Value.Description }),
            };
            return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions));
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        var reasons = report.Entries.Values.Where(e => e.Status != HealthStatus.Healthy).Select(e => e.Description).OfType<string>().ToList();
        return context.Response.WriteAsync(reasons.Count == 0 ? report.Status.ToString() : $"{report.Status}: {string.Join("; ", reasons)}");
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>Degraded (still 200) when the outbox is stuck or WeCom keeps failing; the reason says which.</summary>
internal sealed class OutboxHealthCheck(GuanjiaMetrics metrics, IOptionsMonitor<HealthOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        var sample = metrics.Sample;
        List<string> reasons = [];
        if (sample.OldestPendingOutbox > settings.OutboxStuckAfter)
        {
            reasons.Add($"outbox stuck: the oldest unsent message is {sample.OldestPendingOutbox.TotalMinutes:0.#} min old ({sample.OutboxDepth} waiting)");
        }

        var failingFor = time.GetUtcNow() - metrics.LastWeComSuccess;
        if (metrics.ConsecutiveWeComFailures >= settings.WeComFailuresInARow && failingFor > settings.WeComFailingFor)
        {
            reasons.Add($"WeCom failing: {metrics.ConsecutiveWeComFailures} calls in a row, no success for {failingFor.TotalMinutes:0} min");
        }

        if (sample.OutboxHeld > 0)
        {
            reasons.Add($"{sample.OutboxHeld} messages held: a group robot was removed");
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["outboxDepth"] = sample.OutboxDepth,
            ["inboxDepth"] = sample.InboxDepth,
        };
        return Task.FromResult(reasons.Count == 0
            ? HealthCheckResult.Healthy("outbox moving", data)
            : HealthCheckResult.Degraded(string.Join("; ", reasons), data: data));
    }
}

/// <summary>Reads inbox and outbox depths from the database every <see cref="HealthOptions.SampleInterval"/> for gauges and health.</summary>
internal sealed partial class OperationsSampler(
    IServiceScopeFactory scopes,
    GuanjiaMetrics metrics,
    IOptionsMonitor<HealthOptions> options,
    TimeProvider time,
    ILogger<OperationsSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                metrics.Update(await SampleAsync(scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>(), time.GetUtcNow(), stoppingToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSampleFailed(logger, ex);
            }

            await Task.Delay(options.CurrentValue.SampleInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public static async Task<OperationsSample> SampleAsync(GuanjiaDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var inbox = await db.Inbox.CountAsync(m => m.ProcessedAt == null && m.DeadAt == null, cancellationToken);
        var outbox = await db.Outbox.CountAsync(m => m.State == OutboxState.Pending, cancellationToken);
        var held = await db.Outbox.CountAsync(m => m.State == OutboxState.Held, cancellationToken);
        var dropped = await db.Outbox.CountAsync(m => m.State == OutboxState.Dropped, cancellationToken);
        var oldest = await db.Outbox
            .Where(m => m.State == OutboxState.Pending)
            .OrderBy(m => m.CreatedAt)
            .Select(m => (DateTimeOffset?)m.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        return new OperationsSample(inbox, await InboxDeadLettersAsync(db, cancellationToken), outbox, held, dropped,
            oldest is { } at && now > at ? now - at : TimeSpan.Zero);
    }

    /// <summary>Dead letters: failed <c>Intake:MaxAttempts</c> times, waiting for a person (InboxRetryPolicy).</summary>
    private static async Task<long> InboxDeadLettersAsync(GuanjiaDbContext db, CancellationToken cancellationToken) =>
        await InboxRetryPolicy.DeadLetters(db).CountAsync(cancellationToken);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Sampling inbox and outbox depth failed")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}

/// <summary>Counts scheduled job runs by job and outcome (runs through the API are counted in JobsHosting.RunAsync).</summary>
internal sealed class JobRunMetrics(GuanjiaMetrics metrics) : Quartz.IJobListener
{
    public string Name => "guanjia-job-metrics";

    public ValueTask JobToBeExecuted(Quartz.IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobExecutionVetoed(Quartz.IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(Quartz.IJobExecutionContext context, Quartz.JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        metrics.RecordJobRun(context.JobDetail.Key.Name, jobException is null, trigger: "schedule");
        return ValueTask.CompletedTask;
    }
}
