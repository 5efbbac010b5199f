using Guanjia.Bot.Callbacks;
using Guanjia.Bot.Cards;
using Guanjia.Core.Intake;
using Guanjia.Core.Storage;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.Callbacks;
using Guanjia.WeCom.Cards;
using Guanjia.WeCom.LongConnection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Guanjia.Bot.LongConnection;

/// <summary>
/// Holds the bot's long connection and feeds what arrives into the same inbox as webhook callbacks
/// (same mapping, de-duplicated by msgid), keeping the frame's req_id as the reply route. Exactly one
/// instance holds the connection: the one holding the <see cref="LeaseName"/> lease in the database, renewed
/// while it runs; the others wait and take over once the lease has run out (WeCom keeps one connection per
/// bot and would kick the older one, so two holders would ping-pong). An instance that lost the lease, or
/// whose connection was replaced, becomes a standby again and competes for it without a restart.
/// </summary>
internal sealed partial class LongConnectionService(
    WeComLongConnection connection,
    InboxWriter inbox,
    CardClickHandler clicks,
    IOptions<WeComOptions> options,
    IServiceScopeFactory scopes,
    GuanjiaStorage storage,
    TimeProvider time,
    ILogger<LongConnectionService> logger) : BackgroundService
{
    /// <summary>The lease's name in the database.</summary>
    public const string LeaseName = "wecom-bot-connection";

    /// <summary>How long a holder keeps the connection without renewing; a standby takes over after that.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    /// <summary>How often the holder renews, and a standby looks whether the lease is free.</summary>
    public static readonly TimeSpan LeaseCheck = TimeSpan.FromSeconds(10);

    private readonly CallbackUrlPolicy _urls = new(options.Value);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var check = new PeriodicTimer(LeaseCheck, time);
        // A lost lease (another instance took it, or renewals failed until it ran out) is competed for again:
        // the instance waits as a standby and holds the connection again once the lease is free.
        while (!stoppingToken.IsCancellationRequested)
        {
            while (!await TryHoldAsync(stoppingToken))
            {
                if (!await check.WaitForNextTickAsync(stoppingToken))
                {
                    return;
                }
            }

            LogLeaseTaken(logger);
            using var held = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var renewing = RenewAsync(check, held);
            var run = connection.RunAsync(held.Token);
            var receiving = ReceiveAsync(stoppingToken);
            var reason = await run;
            await receiving;
            await held.CancelAsync();
            var lost = await renewing;
            if (stoppingToken.IsCancellationRequested)
            {
                await ReleaseAsync();
                return;
            }

            switch (reason)
            {
                case LongConnectionStopReason.AuthenticationFailed:
                    // Wrong BotID or Secret: another try changes nothing; the lease goes to whoever may have them right.
                    LogStopped(logger, reason);
                    await ReleaseAsync();
                    return;
                case LongConnectionStopReason.Kicked:
                    // A newer connection took over. Not reconnecting at once (that would ping-pong); the lease is left
                    // to run out and competed for like a lost one.
                    LogKickedStandby(logger);
                    try
                    {
                        await Task.Delay(LeaseDuration, time, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        await ReleaseAsync();
                        return;
                    }

                    break;
                default:
                    if (lost)
                    {
                        LogStandby(logger);
                    }

                    break;
            }

            if (!await check.WaitForNextTickAsync(stoppingToken))
            {
                return;
            }
        }
    }

    /// <summary>Renews the lease while the connection runs; stops the connection when another instance has it.</summary>
    /// <returns>True when the lease was lost (the connection was stopped for it).</returns>
    private async Task<bool> RenewAsync(PeriodicTimer check, CancellationTokenSource held)
    {
        var confirmed = time.GetUtcNow();
        try
        {
            while (await check.WaitForNextTickAsync(held.Token))
            {
                if (await TryHoldAsync(held.Token))
                {
                    confirmed = time.GetUtcNow();
                }
                else if (time.GetUtcNow() - confirmed >= LeaseDuration || !await LeaseFreeOrOursAsync(held.Token))
                {
                    LogLeaseLost(logger);
                    await held.CancelAsync();
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return false;
    }

    private async Task<bool> TryHoldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
            return await storage.HoldLeaseAsync(db, LeaseName, time.GetUtcNow(), LeaseDuration, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database is unreachable: try again at the next check; the lease runs out meanwhile.
            LogLeaseError(logger, ex.GetType().Name);
            return false;
        }
    }

    // After a failed renewal: is the lease still ours (a passing database error), or has someone else taken it?
    private async Task<bool> LeaseFreeOrOursAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
            var target = GuanjiaStorage.LeasePrefix + LeaseName;
            var holder = await db.OutboxLeases.Where(l => l.Target == target).Select(l => l.Holder).FirstOrDefaultAsync(cancellationToken);
            return holder is null || holder == storage.InstanceId;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return true;
        }
    }

    private async Task ReleaseAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await storage.ReleaseLeaseAsync(scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>(), LeaseName, time.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLeaseError(logger, ex.GetType().Name);
        }
    }

    private async Task ReceiveAsync(CancellationToken stoppingToken)
    {
        // Completed by the client when RunAsync ends, so this loop ends with it.
        await foreach (var callback in connection.Callbacks.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await HandleAsync(callback, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogHandleFailed(logger, callback.Cmd, callback.ReqId, ex.GetType().Name);
            }
        }
    }

    internal async Task HandleAsync(LongConnectionCallback callback, CancellationToken cancellationToken)
    {
        if (callback.Message is not { } message)
        {
            // Events such as disconnected_event carry no sender; the client has acted on them.
            if (callback.IsMessage)
            {
                LogUnreadable(logger, callback.Cmd, callback.ReqId);
            }

            return;
        }

        if (callback.IsEvent)
        {
            // A click must be answered within 5 s on its own req_id (aibot_respond_update_msg): handled here,
            // not behind the inbox queue.
            if (CardClick.TryRead(message, out var click))
            {
                var eventId = string.IsNullOrEmpty(message.MsgId) ? callback.ReqId : message.MsgId;
                if (await clicks.HandleAsync(click, IncomingChannel.Bot, eventId, cancellationToken) is { } update)
                {
                    var sent = await connection.UpdateCardAsync(callback.ReqId, update, cancellationToken);
                    if (!sent.IsOk)
                    {
                        LogUpdateFailed(logger, click.TaskId, sent.ErrCode);
                    }
                }
            }

            return;
        }

        if (BotMapping.ToIncoming(message, callback.BodyJson, time.GetUtcNow(), _urls, callback.ReqId) is { } incoming)
        {
            await inbox.WriteAsync(incoming, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "This instance holds the bot's long connection")]
    private static partial void LogLeaseTaken(ILogger logger);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "Another instance took over the bot's long connection; this one closes its connection")]
    private static partial void LogLeaseLost(ILogger logger);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "The long connection's lease could not be read or written ({Failure})")]
    private static partial void LogLeaseError(ILogger logger, string failure);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Information, Message = "This instance waits as a standby for the bot's long connection and takes it again once its lease is free")]
    private static partial void LogStandby(ILogger logger);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Warning, Message = "A newer connection replaced this one; the lease is left to run out and competed for again")]
    private static partial void LogKickedStandby(ILogger logger);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "The bot's long connection has stopped ({Reason}); bot messages are not received until its BotID and Secret are corrected and the service restarts")]
    private static partial void LogStopped(ILogger logger, LongConnectionStopReason reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Long-connection {Cmd} {ReqId} could not be stored ({Failure}); it is lost")]
    private static partial void LogHandleFailed(ILogger logger, string cmd, string reqId, string failure);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Long-connection {Cmd} {ReqId} could not be parsed; dropped")]
    private static partial void LogUnreadable(ILogger logger, string cmd, string reqId);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Card update for {TaskId} refused or lost ({ErrCode})")]
    private static partial void LogUpdateFailed(ILogger logger, string taskId, int errCode);
}
