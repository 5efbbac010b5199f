using System.Threading.Channels;
using Guanjia.Core.Intake;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;

namespace Guanjia.Bot.Intake;

/// <summary>
/// Processes stored inbox messages in the background: those this instance just committed, those
/// left unprocessed by a crash or restart (here or on another instance, once its lease ran out),
/// and failed ones again with back-off. Each row is claimed before it is processed, so instances
/// sharing a database never work on the same message. Messages waiting together are processed
/// together, many per transaction (<see cref="IntakeProcessor.ProcessBatchAsync"/>); a batch that fails
/// is retried message by message, so one poison message neither blocks the others nor costs them an
/// attempt. A message that keeps failing becomes a dead letter (<see cref="InboxRetryPolicy"/>).
/// </summary>
internal sealed partial class IntakeWorker(
    InboxWriter inbox,
    InboxRetryPolicy policy,
    GuanjiaStorage storage,
    OutboxSignal outbox,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<IntakeWorker> logger) : BackgroundService
{
    private const int ClaimBatch = 256;

    /// <summary>Messages per transaction: large enough that the commit is cheap per ticket, small enough to keep a batch well under a second.</summary>
    internal const int MaxBatch = 256;

    /// <summary>
    /// During a callback burst a batch is kept small and followed by a pause, so the callback path keeps
    /// most of the CPU and SQLite's single writer is never held for long, while tickets still flow.
    /// </summary>
    internal const int BurstBatch = 16;

    /// <summary>
    /// How long one batch may take before it commits: on SQLite a batch holds the only writer, and a
    /// callback waiting to store its message must not wait longer than this for it.
    /// </summary>
    internal static readonly TimeSpan BatchBudget = TimeSpan.FromMilliseconds(25);

    /// <summary>During a burst a callback must not wait behind more than a few milliseconds of intake.</summary>
    internal static readonly TimeSpan BurstBudget = TimeSpan.FromMilliseconds(5);

    /// <summary>How often a committed batch may wake the outbox sender.</summary>
    private static readonly TimeSpan WakeEvery = TimeSpan.FromMilliseconds(200);

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
            var batch = new List<(long Id, bool Claimed)>(MaxBatch);
            // What a batch that ran out of time left, first in the next one (order per conversation).
            var carry = new List<(long Id, bool Claimed)>();
            var lastWake = time.GetTimestamp();
            while (carry.Count > 0 || await _ready.Reader.WaitToReadAsync(stoppingToken))
            {
                var bursting = inbox.IsBursting;
                var size = bursting ? BurstBatch : MaxBatch;
                batch.Clear();
                batch.AddRange(carry.Take(size));
                carry.RemoveRange(0, batch.Count);
                while (batch.Count < size && _ready.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                var done = await ProcessBatchAsync(batch, bursting ? BurstBudget : BatchBudget, stoppingToken);
                // The batch's answers and dispatches are committed: the sender need not wait for its next poll.
                // Only once per poll interval, though: a pass reads every due row, and at a few hundred reports a second
                // a pass after every small batch cost the callbacks their CPU (report→dispatch bench, 19:36).
                if (time.GetElapsedTime(lastWake) >= WakeEvery)
                {
                    outbox.Wake();
                    lastWake = time.GetTimestamp();
                }
                // Left over: already claimed by this instance.
                carry.InsertRange(0, batch.OrderBy(b => b.Id).Skip(done).Select(b => (b.Id, true)));
                if (bursting)
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

    /// <summary>Returns how many of the batch (in id order) were dealt with; the rest are for the next batch.</summary>
    private async Task<int> ProcessBatchAsync(List<(long Id, bool Claimed)> batch, TimeSpan budget, CancellationToken stoppingToken)
    {
        IReadOnlyList<long> ids;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
            // Claimed or renewed, all of the batch: a row claimed by a poll may have waited in the queue longer than its
            // lease (a loaded instance, a long queue), and another instance may have taken it over meanwhile; it is
            // that instance's now. Renewing in the same statement keeps two instances from processing it both
            // (before, they both did and the second batch failed on the outbox's unique key).
            // (SQLite's single process holds every row: no statement there.)
            ids = await storage.TryClaimInboxAsync(db, [.. batch.Select(b => b.Id).Distinct()], time.GetUtcNow(), stoppingToken);
            if (ids.Count == 0)
            {
                return batch.Count;
            }

            var dealtWith = await scope.ServiceProvider.GetRequiredService<IntakeProcessor>().ProcessBatchAsync(ids, budget, stoppingToken);
            if (dealtWith == ids.Count)
            {
                return batch.Count;
            }

            // Rows not claimed (another instance holds them) before the last one dealt with are done here too.
            var last = ids[dealtWith - 1];
            return batch.Count(b => b.Id <= last);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return batch.Count;
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // Nothing of the batch was kept: each message again on its own, so only a poison one fails.
            LogBatchFailed(logger, batch.Count, ex.GetType().Name);
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(batch[0].Id, ex.GetType().Name);
            return batch.Count;
        }

        foreach (var (id, claimed) in batch)
        {
            await ProcessOneAsync(id, claimed, stoppingToken);
        }

        return batch.Count;
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

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "A batch of {Count} inbox messages failed ({Error}); each is tried again on its own")]
    private static partial void LogBatchFailed(ILogger logger, int count, string error);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Inbox poll failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
