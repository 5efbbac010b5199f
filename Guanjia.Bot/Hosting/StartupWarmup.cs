using Guanjia.Core.Triage;

namespace Guanjia.Bot.Hosting;

/// <summary>
/// Loads what the first message needs (the triage model) in the background once the endpoints are up,
/// so a restarted service accepts callbacks at once and its first report is not slowed by the load.
/// </summary>
internal sealed partial class StartupWarmup(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<StartupWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            _ = services.GetRequiredService<TicketTriage>();
            LogWarm(logger, clock.ElapsedMilliseconds);
        }
        catch (Exception ex)
        {
            // Intake resolves it again when the first message comes and reports the failure there.
            LogWarmFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Triage model loaded in the background in {ElapsedMs} ms")]
    private static partial void LogWarm(ILogger logger, long elapsedMs);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Loading the triage model in the background failed")]
    private static partial void LogWarmFailed(ILogger logger, Exception exception);
}
