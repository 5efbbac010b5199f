using System.Threading.Channels;
using Guanjia.Core.Intake;
using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Bot.Intake;

/// <summary>
/// Processes stored inbox messages in the background: those just committed, those left
/// unprocessed by a crash or restart, and failed ones again with back-off.
/// </summary>
internal sealed partial class IntakeWorker(
    InboxWriter inbox,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<IntakeWorker> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    private readonly Channel<long> _ready = Channel.CreateUnbounded<long>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        inbox.Committed += OnCommitted;
        try
        {
            using var poll = new PeriodicTimer(PollInterval, time);
            var polling = PollAsync(poll, stoppingToken);
            await foreach (var id in _ready.Reader.ReadAllAsync(stoppingToken))
            {
                await ProcessOneAsync(id, stoppingToken);
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
            _ready.Writer.TryWrite(id);
        }
    }

    private async Task PollAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await EnqueueDueAsync(stoppingToken);
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

    private async Task EnqueueDueAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        var now = time.GetUtcNow();
        var unprocessed = await db.Inbox.AsNoTracking()
            .Where(m => m.ProcessedAt == null)
            .OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.Attempts, m.ReceivedAt })
            .Take(1000)
            .ToListAsync(stoppingToken);
        foreach (var row in unprocessed)
        {
            // Fresh rows are already queued by OnCommitted; failed ones wait 2^attempts seconds.
            var wait = row.Attempts == 0 ? PollInterval : TimeSpan.FromSeconds(Math.Min(600, Math.Pow(2, row.Attempts)));
            if (now - row.ReceivedAt >= wait)
            {
                _ready.Writer.TryWrite(row.Id);
            }
        }
    }

    private async Task ProcessOneAsync(long id, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IntakeProcessor>().ProcessAsync(id, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogProcessFailed(logger, id, ex.GetType().Name);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
            await db.Inbox.Where(m => m.Id == id).ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.LastError, ex.GetType().Name),
                CancellationToken.None);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Inbox {InboxId} failed ({Error}); it will be retried")]
    private static partial void LogProcessFailed(ILogger logger, long inboxId, string error);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Inbox poll failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
