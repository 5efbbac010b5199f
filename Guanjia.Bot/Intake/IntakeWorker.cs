using System.Threading.Channels;
using Guanjia.Core.Intake;
using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Bot.Intake;

/// <summary>
/// Processes stored inbox messages in the background: those this instance just committed, those
/// left unprocessed by a crash or restart (here or on another instance, once its lease ran out),
/// and failed ones again with back-off. Each row is claimed before it is processed, so instances
/// sharing a database never work on the same message.
/// </summary>
internal sealed partial class IntakeWorker(
    InboxWriter inbox,
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
            LogProcessFailed(logger, id, ex.GetType().Name);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
            var attempts = await db.Inbox.Where(m => m.Id == id).Select(m => m.Attempts).FirstOrDefaultAsync(CancellationToken.None);
            // Failed ones wait 2^attempts seconds (at most ten minutes), on whichever instance picks them up.
            var retryAt = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(600, Math.Pow(2, attempts + 1)));
            await GuanjiaStorage.ReleaseInboxAfterFailureAsync(db, id, ex.GetType().Name, retryAt);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Inbox {InboxId} failed ({Error}); it will be retried")]
    private static partial void LogProcessFailed(ILogger logger, long inboxId, string error);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Inbox poll failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
