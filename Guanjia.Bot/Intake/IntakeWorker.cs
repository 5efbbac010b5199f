using System.Threading.Channels;
using Guanjia.Core.Intake;
using Guanjia.Core.Storage;

namespace Guanjia.Bot.Intake;

/// <summary>
/// Processes stored inbox messages in the background: those this instance just committed, those
/// left unprocessed by a crash or restart (here or on another instance, once its lease ran out),
/// and failed ones again with back-off. Each row is claimed before it is processed, so instances
/// sharing a database never work on the same message. A message that keeps failing becomes a dead
/// letter (<see cref="InboxRetryPolicy"/>).
/// </summary>
internal sealed partial class IntakeWorker(
    InboxWriter inbox,
    InboxRetryPolicy policy,
    GuanjiaStorage storage,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<IntakeWorker> logger) : BackgroundService
{
    private const int ClaimBatch = 64;
    private readonly Channel<(long Id, bool Claimed)> _ready = Channel.CreateUnbounded<(long, bool)>();

    /// <summary>
    /// How often unclaimed rows are looked for. It is also how long a fresh row is left to the
    /// instance that stored it. On a shared database it is what wakes the other instances, so it is short there.
    /// </summary>
    private TimeSpan PollInterval => storage.IsShared ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        inbox.Committed += OnCommitted;
        try
        {
            using var poll = new PeriodicTimer(PollInterval, time);
            var polling = PollAsync(poll, stoppingToken);
            await foreach (var (id, claimed) in _ready.Reader.ReadAllAsync(stoppingToken))
            {
                await ProcessOneAsync(id, claimed, stoppingToken);
                if (inbox.IsBursting)
                {
                    await Task.Delay(InboxWriter.BurstPace, time, stoppingToken);
                }
            }

            await polling;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            inbox.Committed -= OnCommitted;
        }
    }

    private void OnCommitted(IReadOnlyList<long> ids)
    {
        foreach (var id in ids)
        {
            _ready.Writer.TryWrite((id, false));
        }
    }

    private async Task PollAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await ClaimDueAsync(stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IntakeProcessor>().SweepPendingPhotosAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ClaimDueAsync(CancellationToken stoppingToken)
    {
        // Claim only what the queue will reach soon: a claim held in a long queue would keep other instances off it.
        if (_ready.Reader.Count > ClaimBatch)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        var now = time.GetUtcNow();
        var ids = await storage.ClaimDueInboxAsync(db, now, now - PollInterval, ClaimBatch, stoppingToken);
        foreach (var id in ids)
        {
            _ready.Writer.TryWrite((id, true));
        }
    }

    private async Task ProcessOneAsync(long id, bool claimed, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (!claimed)
            {
                var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
                if (!await storage.TryClaimInboxAsync(db, id, time.GetUtcNow(), stoppingToken))
                {
                    return;
                }
            }

            await scope.ServiceProvider.GetRequiredService<IntakeProcessor>().ProcessAsync(id, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            await RecordFailureAsync(id, ex.GetType().Name);
        }
    }

    /// <summary>Back-off or dead letter (InboxRetryPolicy); if even that fails, the lease runs out and the row is claimed again.</summary>
    private async Task RecordFailureAsync(long id, string error)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
            var outcome = await policy.RecordFailureAsync(db, id, error, CancellationToken.None);
            switch (outcome)
            {
                case InboxFailureOutcome.Retry retry:
                    LogProcessFailed(logger, id, error, retry.Attempts, retry.At);
                    break;
                case InboxFailureOutcome.Dead dead:
                    LogDeadLetter(logger, id, error, dead.Attempts);
                    break;
            }
        }
        catch (Exception ex)
        {
            LogRecordFailed(logger, id, error, ex);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Inbox {InboxId} failed ({Error}), attempt {Attempts}; it will be retried at {RetryAt}")]
    private static partial void LogProcessFailed(ILogger logger, long inboxId, string error, int attempts, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Inbox {InboxId} failed ({Error}) {Attempts} times: dead letter, the community's secretaries are told")]
    private static partial void LogDeadLetter(ILogger logger, long inboxId, string error, int attempts);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Inbox {InboxId} failed ({Error}) and the failure could not be recorded; it is tried again when its lease runs out")]
    private static partial void LogRecordFailed(ILogger logger, long inboxId, string error, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Inbox poll failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
