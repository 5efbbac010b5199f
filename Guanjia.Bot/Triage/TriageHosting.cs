using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Guanjia.Core.Community;
using Guanjia.Core.Triage;
using Microsoft.Extensions.Options;
using Quartz;

namespace Guanjia.Bot.Triage;

/// <summary>Where the nightly retraining saves its models (<c>Triage:ModelDirectory</c>, default <c>data/triage</c>).</summary>
public sealed class TriageOptions
{
    public const string Section = "Triage";

    [Required]
    public string ModelDirectory { get; set; } = "data/triage";
}

/// <summary>Triage wiring: the model loads in the background at start, never on the start-up path.</summary>
internal static partial class TriageHosting
{
    public static WebApplicationBuilder AddGuanjiaTriage(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var root = builder.Environment.ContentRootPath;
        services.AddOptions<TriageOptions>().BindConfiguration(TriageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => TicketTriage.Create(
            sp.GetRequiredService<CommunityConfig>(),
            Path.Combine(root, "config", "triage"),
            Path.GetFullPath(sp.GetRequiredService<IOptions<TriageOptions>>().Value.ModelDirectory, root)));
        services.AddScoped<TriageRetraining>();
        services.AddHostedService<TriageWarmUp>();
        return builder;
    }

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Triage model ready ({Source}, {Examples} examples) {Milliseconds} ms after start")]
    internal static partial void LogModelReady(ILogger logger, string source, int examples, long milliseconds);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Critical, Message = "Triage model could not be loaded or trained")]
    internal static partial void LogModelFailed(ILogger logger, Exception exception);
}

/// <summary>Starts loading the triage model when the service starts, without holding the start up.</summary>
internal sealed class TriageWarmUp(TicketTriage triage, ILogger<TriageWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        _ = triage.WhenReady.ContinueWith(
            t =>
            {
                if (t.IsFaulted)
                {
                    TriageHosting.LogModelFailed(logger, t.Exception!);
                }
                else
                {
                    TriageHosting.LogModelReady(logger, triage.ModelSource, triage.ModelManifest.Examples, watch.ElapsedMilliseconds);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The nightly retraining on the corpus plus the secretaries' corrections (<c>Jobs:TriageRetrain</c>).</summary>
[DisallowConcurrentExecution]
internal sealed class TriageRetrainJob(TriageRetraining retraining) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await retraining.RunAsync(cancellationToken);
}
