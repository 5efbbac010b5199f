using Guanjia.Core.Intake;
using Guanjia.Core.Outbox;
using Microsoft.Extensions.Options;

namespace Guanjia.Bot.Outbox;

/// <summary>
/// The thin loop around <see cref="OutboxDispatcher"/>: a pass whenever there was work, a short rest when there was
/// none, cut short when the intake commits messages (<see cref="OutboxSignal"/>).
/// </summary>
internal sealed partial class OutboxSender(
    IServiceScopeFactory scopes,
    InboxWriter inbox,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int sent;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                sent = await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().SendDueAsync(stoppingToken, PaceAsync);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailed(logger, ex);
                sent = 0;
            }

            if (sent == 0)
            {
                await signal.WaitAsync(options.Value.PollInterval, time, stoppingToken);
            }
        }
    }

    // During callback bursts the CPU and the database belong to the callback path.
    private Task PaceAsync(CancellationToken cancellationToken) =>
        inbox.IsBursting ? Task.Delay(InboxWriter.BurstPace, time, cancellationToken) : Task.CompletedTask;

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Outbox loop failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
