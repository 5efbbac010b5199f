using System.Net;
using System.Text.Json;
using Guanjia.Bot.Hosting;
using Guanjia.Core.Operations;
using Guanjia.Core.Outbox;
using Guanjia.WeCom.Fake;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.Bot.Tests.Operations;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class OperationsTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string WuhuashanGroup = "wrkSFfCgAAwuhuashan";
    private readonly GuanjiaFactory _factory = new();

    public Task InitializeAsync() => _factory.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_factory).DisposeAsync();

    [Fact]
    public async Task Metrics_InPrometheusFormat_ShowCallbacksDepthsWeComErrorsAndJobRuns()
    {
        using var host = _factory.WithWebHostBuilder(b => b.UseSetting("Health:SampleInterval", "00:00:00.050"));
        var client = host.CreateClient();
        _factory.WeCom.FailNext("/cgi-bin/aibot/response", FakeFailure.HttpStatus(500));
        var responseUrl = _factory.WeCom.NewResponseUrl().ToString();
        var forged = SignedCallbacks.BotGroupText("m-forged", "lihua", WuhuashanGroup, "门口垃圾桶满了", responseUrl);
        var report = SignedCallbacks.BotGroupText("m-1", "lihua", WuhuashanGroup, "门口垃圾桶满了", responseUrl);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), forged, new string('0', 40)))).StatusCode);
        (await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), report))).EnsureSuccessStatusCode();
        await _factory.WeCom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.ResponseUrl, timeout: TimeSpan.FromSeconds(20));
        using var job = new HttpRequestMessage(HttpMethod.Post, "/api/jobs/reminder-scan/run");
        job.Headers.Authorization = new("Bearer", GuanjiaFactory.ApiKey);
        (await client.SendAsync(job)).EnsureSuccessStatusCode();

        var metrics = await client.GetStringAsync("/metrics");

        Assert.Contains("guanjia_callbacks_total{", metrics, StringComparison.Ordinal);
        Assert.Matches("guanjia_callbacks_total\\{[^}]*endpoint=\"bot\"[^}]*result=\"bad_signature\"", metrics);
        Assert.Matches("guanjia_callbacks_total\\{[^}]*endpoint=\"bot\"[^}]*result=\"accepted\"", metrics);
        Assert.Matches("guanjia_wecom_errors_total\\{[^}]*code=\"-1003\"", metrics);
        Assert.Matches("guanjia_outbox_sends_total\\{[^}]*outcome=\"None\"", metrics);
        Assert.Matches("guanjia_jobs_runs_total\\{[^}]*job=\"reminder-scan\"[^}]*outcome=\"ok\"", metrics);
        Assert.Contains("guanjia_inbox_depth", metrics, StringComparison.Ordinal);
        Assert.Contains("guanjia_inbox_dead_letters", metrics, StringComparison.Ordinal);
        Assert.Contains("guanjia_outbox_depth", metrics, StringComparison.Ordinal);
        Assert.Contains("guanjia_outbox_dead_letters", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("门口", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_CountScheduledJobRuns()
    {
        var scheduled = new GuanjiaFactory { SchedulerEnabled = true };
        await scheduled.InitializeAsync();
        try
        {
            var client = scheduled.CreateClient();
            // Fire the job through Quartz itself (not the run-now API), so the job listener counts it as a
            // scheduled run; waiting for a cron second would make the test depend on the machine's load.
            var scheduler = await scheduled.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
            // The test's own listener tells a run that did not happen from a run the metrics did not count.
            var runs = new RunsSeen();
            scheduler.ListenerManager.AddJobListener(runs, [Quartz.GroupMatcher<Quartz.JobKey>.GroupEquals("guanjia")]);
            // Fired once the hosted scheduler has started (it waits for the application), and again if a
            // firing was lost while the host was still starting; one counted run is what the test needs.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            var fireAgainAt = DateTime.MinValue;
            string metrics;
            do
            {
                if (scheduler.Status == Quartz.SchedulerStatus.Running && DateTime.UtcNow >= fireAgainAt)
                {
                    await scheduler.TriggerJob(new Quartz.JobKey("reminder-scan", "guanjia"));
                    fireAgainAt = DateTime.UtcNow.AddSeconds(15);
                }

                await Task.Delay(100);
                metrics = await client.GetStringAsync("/metrics");
            }
            while (!metrics.Contains("trigger=\"schedule\"", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

            var counted = System.Text.RegularExpressions.Regex.IsMatch(
                metrics, "guanjia_jobs_runs_total\\{[^}]*job=\"reminder-scan\"[^}]*outcome=\"ok\"[^}]*trigger=\"schedule\"");
            Assert.True(counted, $"runs seen: {string.Join(", ", runs.Seen)}; job metrics: {string.Join(" | ", metrics.Split('\n').Where(l => l.Contains("jobs_runs", StringComparison.Ordinal)))}");
        }
        finally
        {
            await ((IAsyncLifetime)scheduled).DisposeAsync();
        }
    }

    private sealed class RunsSeen : Quartz.IJobListener
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Seen { get; } = new();

        public string Name => "test-runs-seen";

        public ValueTask JobToBeExecuted(Quartz.IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(Quartz.IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(Quartz.IJobExecutionContext context, Quartz.JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            Seen.Enqueue($"{context.Scheduler.SchedulerName}:{context.JobDetail.Key}:{jobException?.Message ?? "ok"}");
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Healthz_WhenNothingWaits_IsHealthy_WithTheDatabaseCheck()
    {
        var client = _factory.CreateClient();

        var text = await client.GetStringAsync("/healthz");
        var response = await client.SendAsync(HealthRequest());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("Healthy", text);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_WhenTheOutboxIsStuck_SaysDegradedWithTheReason_Still200()
    {
        using var host = _factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Health:SampleInterval", "00:00:00.050");
            b.UseSetting("Health:OutboxStuckAfter", "00:01:00");
        });
        var client = host.CreateClient();
        _factory.WeCom.FailRandomly(1.0, [FakeFailure.HttpStatus(503)], appliesTo: path => path == "/cgi-bin/webhook/send");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Guanjia.Core.Storage.GuanjiaDbContext>();
            var anHourAgo = DateTimeOffset.UtcNow.AddHours(-1);
            db.Outbox.Add(new OutboxMessage
            {
                Key = "stuck-1",
                Channel = OutboxChannel.Robot,
                Target = "5f2c0d3e-0000-4000-8000-000000000011",
                Kind = OutboxKind.Markdown,
                Content = "派单",
                CreatedAt = anHourAgo,
                NextAttemptAt = anHourAgo,
            });
            await db.SaveChangesAsync();
        }

        var (status, body) = await PollHealthAsync(client, "Degraded");

        Assert.Equal(HttpStatusCode.OK, status);
        var outbox = body.RootElement.GetProperty("checks").GetProperty("outbox");
        Assert.Equal("Degraded", outbox.GetProperty("status").GetString());
        Assert.Contains("outbox stuck", outbox.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Degraded: outbox stuck", await client.GetStringAsync("/healthz"), StringComparison.Ordinal);
    }

    private static HttpRequestMessage HealthRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Accept.Add(new("application/json"));
        return request;
    }

    [Fact]
    public async Task HealthCheck_WhenWeComKeepsFailing_IsDegraded_AndRecoversOnASuccess()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var metrics = new GuanjiaMetrics(time: time);
        var options = new HealthOptions { WeComFailuresInARow = 3, WeComFailingFor = TimeSpan.FromMinutes(5) };
        var check = new OutboxHealthCheck(metrics, new StaticOptions(options), time);

        for (var i = 0; i < 3; i++)
        {
            metrics.RecordSend(OutboxChannel.Robot, new OutboxSendResult(OutboxFailure.Transient, -1));
        }

        var early = await check.CheckHealthAsync(new HealthCheckContext());
        time.Advance(TimeSpan.FromMinutes(6));
        var failing = await check.CheckHealthAsync(new HealthCheckContext());
        metrics.RecordSend(OutboxChannel.Robot, OutboxSendResult.Ok);
        var recovered = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, early.Status);
        Assert.Equal(HealthStatus.Degraded, failing.Status);
        Assert.Contains("WeCom failing", failing.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
    }

    private static async Task<(HttpStatusCode Status, JsonDocument Body)> PollHealthAsync(HttpClient client, string wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var response = await client.SendAsync(HealthRequest());
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (body.RootElement.GetProperty("status").GetString() == wanted || DateTime.UtcNow > deadline)
            {
                return (response.StatusCode, body);
            }

            body.Dispose();
            await Task.Delay(50);
        }
    }

    private sealed class StaticOptions(HealthOptions value) : IOptionsMonitor<HealthOptions>
    {
        public HealthOptions CurrentValue => value;

        public HealthOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<HealthOptions, string?> listener) => null;
    }
}
