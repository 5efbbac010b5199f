using System.ComponentModel.DataAnnotations;
using Guanjia.Bot.Points;
using Guanjia.Bot.Triage;
using Guanjia.Core.Digest;
using Guanjia.Core.Points;
using Guanjia.Core.Reports;
using Guanjia.Core.Scheduling;
using Guanjia.Core.Storage;
using Guanjia.Core.Triage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Guanjia.Bot.Jobs;

/// <summary>Cron expressions (Quartz syntax, seconds first) of the scheduled jobs, in the street's time zone.</summary>
public sealed class JobsOptions : IValidatableObject
{
    public const string Section = "Jobs";

    /// <summary>False runs no scheduler (tests); the jobs can still be run through the API.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Quartz's scheduler name: the instances of one deployment on PostgreSQL share it (it names their cluster).
    /// Quartz keeps one scheduler per name in a process, so hosts side by side in one process (tests) need their own.
    /// </summary>
    public string SchedulerName { get; set; } = "QuartzScheduler";

    public string ReminderScan { get; set; } = "0 0/5 * * * ?";
    public string DailyDigest { get; set; } = "0 0 18 * * ?";
    public string OverdueList { get; set; } = "0 30 8 * * ?";
    public string WeeklyReport { get; set; } = "0 30 8 ? * MON";
    /// <summary>Hourly: a voucher is refused from its expiry instant on; this only returns its points.</summary>
    public string VoucherExpiry { get; set; } = "0 7 * * * ?";
    /// <summary>Nightly: retrain triage on the corpus plus the secretaries' corrections.</summary>
    public string TriageRetrain { get; set; } = "0 30 2 * * ?";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (key, cron) in Crons())
        {
            if (!CronExpression.TryParse(cron, out _))
            {
                yield return new ValidationResult($"Jobs:{key} '{cron}' is not a Quartz cron expression (seconds minutes hours day month weekday).", [key]);
            }
        }
    }

    internal IEnumerable<(string Key, string Cron)> Crons() =>
        [(nameof(ReminderScan), ReminderScan), (nameof(DailyDigest), DailyDigest), (nameof(OverdueList), OverdueList), (nameof(WeeklyReport), WeeklyReport),
            (nameof(VoucherExpiry), VoucherExpiry), (nameof(TriageRetrain), TriageRetrain)];
}

/// <summary>The scheduled jobs: Quartz with its job store in the Guanjia database (clustered on PostgreSQL), and the run-now API.</summary>
internal static class JobsHosting
{
    public const string Group = "guanjia";

    /// <summary>The prefix of Quartz's tables in the Guanjia database, on every provider.</summary>
    public const string QuartzTablePrefix = "qrtz_";

    /// <summary>Job name (as in the API) → the one Core method it runs.</summary>
    private static readonly Dictionary<string, Func<IServiceProvider, CancellationToken, Task<object>>> Runs = new(StringComparer.Ordinal)
    {
        ["reminder-scan"] = async (sp, ct) => await sp.GetRequiredService<ReminderScan>().RunAsync(ct),
        ["daily-digest"] = async (sp, ct) => await sp.GetRequiredService<DailyDigest>().RunAsync(ct),
        ["overdue-list"] = async (sp, ct) => await sp.GetRequiredService<DailyDigest>().SendOverdueListsAsync(ct),
        ["weekly-report"] = async (sp, ct) => await sp.GetRequiredService<WeeklyReport>().RunAsync(ct),
        ["voucher-expiry"] = async (sp, ct) => new VoucherExpiryResult(await sp.GetRequiredService<VoucherDesk>().ExpireVouchersAsync(ct)),
        ["triage-retrain"] = async (sp, ct) => await sp.GetRequiredService<TriageRetraining>().RunAsync(ct),
    };

    public static IReadOnlyCollection<string> Names => Runs.Keys;

    public static async Task<object> RunAsync(string name, IServiceProvider services, CancellationToken cancellationToken)
    {
        var metrics = services.GetService<Guanjia.Core.Operations.GuanjiaMetrics>();
        try
        {
            var result = await Runs[name](services, cancellationToken);
            metrics?.RecordJobRun(name, succeeded: true, trigger: "api");
            return result;
        }
        catch
        {
            metrics?.RecordJobRun(name, succeeded: false, trigger: "api");
            throw;
        }
    }

    public static WebApplicationBuilder AddGuanjiaJobs(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ReminderScan>();
        services.AddScoped<TicketFigures>();
        services.AddScoped<DailyDigest>();
        services.AddScoped<WeeklyReport>();
        services.TryAddScoped(sp => PointsApi.NewBook(sp));
        services.TryAddScoped<VoucherDesk>();

        var options = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        if (!options.Enabled)
        {
            return builder;
        }

        var storage = builder.Services.Select(d => d.ImplementationInstance).OfType<GuanjiaStorage>().SingleOrDefault()
            ?? throw new InvalidOperationException("AddGuanjiaStorage must come before AddGuanjiaJobs.");
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        services.AddQuartz([new("quartz.scheduler.instanceName", options.SchedulerName)], q =>
        {
            q.UsePersistentStore(store =>
            {
                // The qrtz_ tables come from each provider's EF migrations (Quartz's own DDL), not from Quartz.
                if (storage.IsShared)
                {
                    // Every instance on the database is one cluster: each firing runs on exactly one
                    // of them, and the triggers of an instance that stops checking in are recovered.
                    store.UsePostgres(storage.ConnectionString);
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = TimeSpan.FromSeconds(10);
                        c.CheckinMisfireThreshold = TimeSpan.FromSeconds(20);
                    });
                }
                else
                {
                    store.UseSqlite(storage.ConnectionString);
                }

                store.ConfigureStore(o => o.TablePrefix = QuartzTablePrefix);
            });
            Schedule<ReminderScanJob>(q, "reminder-scan", options.ReminderScan, zone);
            Schedule<DailyDigestJob>(q, "daily-digest", options.DailyDigest, zone);
            Schedule<OverdueListJob>(q, "overdue-list", options.OverdueList, zone);
            Schedule<WeeklyReportJob>(q, "weekly-report", options.WeeklyReport, zone);
            Schedule<VoucherExpiryJob>(q, "voucher-expiry", options.VoucherExpiry, zone);
            Schedule<TriageRetrainJob>(q, "triage-retrain", options.TriageRetrain, zone);
            q.AddJobListener<Hosting.JobRunMetrics>(GroupMatcher<JobKey>.GroupEquals(Group));
        });
        // The scheduler starts once the endpoints answer: a restart accepts WeCom's callbacks first.
        services.AddQuartzHostedService(o =>
        {
            o.WaitForJobsToComplete = true;
            o.AwaitApplicationStarted = true;
        });
        return builder;
    }

    public static RouteGroupBuilder MapJobsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/jobs/{name}/run", RunNowAsync);
        return api;
    }

    private static async Task<Results<Ok<JobRunDto>, ProblemHttpResult>> RunNowAsync(
        string name, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!Runs.ContainsKey(name))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown job",
                detail: $"name must be one of {string.Join(", ", Runs.Keys)}.");
        }

        return TypedResults.Ok(new JobRunDto(name, await RunAsync(name, services, cancellationToken)));
    }

    // Misfire: FireAndProceed runs a trigger missed while the service was down once, at start, then
    // keeps the schedule; it never replays each missed occurrence.
    private static void Schedule<TJob>(IQuartzBuilder q, string name, string cron, TimeZoneInfo zone)
        where TJob : IJob =>
        q.ScheduleJob<TJob>(
            trigger => trigger
                .WithIdentity(name, Group)
                .WithCronSchedule(cron, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)),
            job => job.WithIdentity(name, Group));
}

internal sealed record JobRunDto(string Job, object Result);

/// <summary>How many vouchers expired (their points returned to their owners).</summary>
internal sealed record VoucherExpiryResult(int Expired);

[DisallowConcurrentExecution]
internal sealed class ReminderScanJob(ReminderScan scan) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await scan.RunAsync(cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class DailyDigestJob(DailyDigest digest) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await digest.RunAsync(cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class OverdueListJob(DailyDigest digest) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await digest.SendOverdueListsAsync(cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class WeeklyReportJob(WeeklyReport report) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await report.RunAsync(cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class VoucherExpiryJob(VoucherDesk points) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await points.ExpireVouchersAsync(cancellationToken);
}
