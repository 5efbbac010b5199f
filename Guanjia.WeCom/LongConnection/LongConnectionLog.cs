using Microsoft.Extensions.Logging;

namespace Guanjia.WeCom.LongConnection;

// Event ids 2100–2149: the bot's long connection. Never log the Secret or frame bodies (residents' text).
public sealed partial class WeComLongConnection
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Long connection subscribed as bot {BotId}")]
    private static partial void LogSubscribed(ILogger logger, string botId);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Long connection: WeCom refused the subscribe with errcode {ErrCode}")]
    private static partial void LogSubscribeRefused(ILogger logger, int errCode);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Critical, Message = "Long connection stopped: WeCom refused bot {BotId} {Attempts} times in a row (last errcode {ErrCode}). Check WeCom:Bot:Id and WeCom:Bot:Secret, then restart")]
    private static partial void LogAuthGivenUp(ILogger logger, string botId, int attempts, int errCode);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Long connection stopped: a newer connection for bot {BotId} took over (disconnected_event). Not reconnecting, so the two do not keep replacing each other; make sure only one service holds this bot, then restart")]
    private static partial void LogKicked(ILogger logger, string botId);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Long connection: reconnect attempt {Attempt} in {Delay}")]
    private static partial void LogReconnecting(ILogger logger, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Long connection: could not connect ({Failure})")]
    private static partial void LogConnectFailed(ILogger logger, string failure);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "Long connection closed (was subscribed: {WasSubscribed})")]
    private static partial void LogDisconnected(ILogger logger, bool wasSubscribed);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "Long connection: {Missed} pings unanswered; dropping the link")]
    private static partial void LogPongsMissed(ILogger logger, int missed);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Warning, Message = "Long connection: no ack for {Cmd} {ReqId} within {Timeout}")]
    private static partial void LogAckTimeout(ILogger logger, string cmd, string reqId, TimeSpan timeout);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Warning, Message = "Long connection: {Cmd} {ReqId} refused with errcode {ErrCode}")]
    private static partial void LogRequestRefused(ILogger logger, string cmd, string reqId, int errCode);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "Long connection: a frame that is not a JSON object was ignored")]
    private static partial void LogUnreadableFrame(ILogger logger);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Debug, Message = "Long connection: frame {Cmd} not expected; ignored")]
    private static partial void LogUnknownFrame(ILogger logger, string cmd);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Warning, Message = "Long connection: a frame of {Bytes}+ bytes exceeds the limit; dropping the link")]
    private static partial void LogFrameTooLarge(ILogger logger, long bytes);
}
