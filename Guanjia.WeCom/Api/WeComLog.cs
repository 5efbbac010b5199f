using Microsoft.Extensions.Logging;

namespace Guanjia.WeCom.Api;

// Event ids 2000–2099: WeCom server API. Never log tokens, secrets, robot keys, response codes or message bodies.
internal static partial class WeComLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "WeCom access token fetched for corp {CorpId} (secret {SecretHash}), valid {ExpiresInSeconds} s")]
    public static partial void TokenFetched(ILogger logger, string corpId, string secretHash, int expiresInSeconds);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "WeCom gettoken failed for corp {CorpId} (secret {SecretHash}): errcode {ErrCode} ({Kind})")]
    public static partial void TokenFetchFailed(ILogger logger, string corpId, string secretHash, int errCode, WeComErrorKind kind);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "WeCom rejected the access token on {Operation} with errcode {ErrCode}; refreshing and retrying once")]
    public static partial void TokenRejected(ILogger logger, string operation, int errCode);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "WeCom {Operation} failed: errcode {ErrCode} ({Kind})")]
    public static partial void CallFailed(ILogger logger, string operation, int errCode, WeComErrorKind kind);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "WeCom {Operation} did not complete: {Failure}")]
    public static partial void CallTransportFailed(ILogger logger, string operation, string failure);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Robot image of {Bytes} bytes exceeds the 2 MB webhook limit; not sent")]
    public static partial void ImageTooLarge(ILogger logger, int bytes);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "A bot response_url was posted to a second time; refused")]
    public static partial void ResponseUrlReused(ILogger logger);
}
