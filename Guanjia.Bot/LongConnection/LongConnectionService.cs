using Guanjia.Bot.Callbacks;
using Guanjia.Core.Intake;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.Callbacks;
using Guanjia.WeCom.Cards;
using Guanjia.WeCom.LongConnection;
using Microsoft.Extensions.Options;

namespace Guanjia.Bot.LongConnection;

/// <summary>
/// Holds the bot's long connection and feeds what arrives into the same inbox as webhook callbacks
/// (same mapping, de-duplicated by msgid), keeping the frame's req_id as the reply route.
/// </summary>
internal sealed partial class LongConnectionService(
    WeComLongConnection connection,
    InboxWriter inbox,
    IOptions<WeComOptions> options,
    TimeProvider time,
    ILogger<LongConnectionService> logger) : BackgroundService
{
    private readonly CallbackUrlPolicy _urls = new(options.Value);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var receiving = ReceiveAsync(stoppingToken);
        var reason = await connection.RunAsync(stoppingToken);
        await receiving;
        if (reason != LongConnectionStopReason.Cancelled)
        {
            // The client has logged why; the service keeps running for the dashboard and the app channel.
            LogStopped(logger, reason);
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
            // Card clicks must be answered within 5 s with UpdateCardAsync on callback.ReqId; the
            // product side (commands from clicks) hooks in here. Until then a click changes nothing.
            if (CardClick.TryRead(message, out var click))
            {
                LogClickIgnored(logger, click.TaskId, click.Key?.Action ?? "(foreign)");
            }

            return;
        }

        if (BotMapping.ToIncoming(message, callback.BodyJson, time.GetUtcNow(), _urls, callback.ReqId) is { } incoming)
        {
            await inbox.WriteAsync(incoming, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "The bot's long connection has stopped ({Reason}); bot messages are not received until the service restarts")]
    private static partial void LogStopped(ILogger logger, LongConnectionStopReason reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Long-connection {Cmd} {ReqId} could not be stored ({Failure}); it is lost")]
    private static partial void LogHandleFailed(ILogger logger, string cmd, string reqId, string failure);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Long-connection {Cmd} {ReqId} could not be parsed; dropped")]
    private static partial void LogUnreadable(ILogger logger, string cmd, string reqId);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Card click on {TaskId} ({Action}) received; no click handling is wired yet")]
    private static partial void LogClickIgnored(ILogger logger, string taskId, string action);
}
