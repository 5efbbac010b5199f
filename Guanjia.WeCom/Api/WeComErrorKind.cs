namespace Guanjia.WeCom.Api;

/// <summary>What a caller should do with a WeCom result.</summary>
public enum WeComErrorKind
{
    /// <summary>Success.</summary>
    Ok,

    /// <summary>Transient (busy, frequency limit, 5xx, timeout, network): try again later.</summary>
    Retryable,

    /// <summary>The access token was rejected even after one refresh: try again later.</summary>
    TokenExpired,

    /// <summary>Wrong corpid/secret/agentid, IP not trusted, missing privilege: fix configuration; retrying will not help.</summary>
    Configuration,

    /// <summary>The request itself can never succeed (robot removed, recipients invalid, content too long …): do not retry.</summary>
    Permanent,
}

/// <summary>WeCom errcodes Guanjia reacts to, plus client-side codes (≤ −1000) for failures that never reached WeCom's JSON.</summary>
public static class WeComErrorCodes
{
    public const int Ok = 0;
    public const int SystemBusy = -1;
    public const int InvalidCredential = 40001;
    public const int InvalidUserId = 40003;
    public const int InvalidMediaId = 40007;
    public const int InvalidCorpId = 40013;
    public const int InvalidAccessToken = 40014;
    public const int IllegalUnicodeEscape = 40033;
    public const int ChatNotFound = 40050;
    public const int InvalidAgentId = 40056;
    public const int InvalidParameter = 40058;
    public const int InvalidSecret = 40091;
    public const int AccessTokenMissing = 41001;
    public const int AccessTokenExpired = 42001;
    public const int EmptyContent = 44004;
    public const int ContentTooLarge = 45002;
    public const int FrequencyLimited = 45009;
    public const int ConcurrencyLimited = 45033;
    public const int ApiForbidden = 48002;
    public const int NoPrivilege = 60011;
    public const int IpNotTrusted = 60020;
    public const int AllRecipientsInvalid = 81013;
    public const int RobotKeyInvalid = 93000;
    public const int TokenOfAnotherAgent = 301002;

    // Client-side codes: never sent by WeCom.
    public const int ClientTimeout = -1001;
    public const int ClientNetworkError = -1002;
    public const int ClientHttpServerError = -1003;
    public const int ClientHttpError = -1004;
    public const int ClientInvalidResponse = -1005;
    public const int ClientImageTooLarge = -1006;
    public const int ClientResponseUrlAlreadyUsed = -1007;
    public const int ClientNotConfigured = -1008;
    public const int ClientInvalidAddress = -1009;

    /// <summary>Classifies a WeCom errcode or a client-side code.</summary>
    public static WeComErrorKind Classify(int errCode) => errCode switch
    {
        Ok => WeComErrorKind.Ok,
        SystemBusy or FrequencyLimited or ConcurrencyLimited
            or ClientTimeout or ClientNetworkError or ClientHttpServerError or ClientInvalidResponse => WeComErrorKind.Retryable,
        InvalidAccessToken or AccessTokenMissing or AccessTokenExpired => WeComErrorKind.TokenExpired,
        InvalidCredential or InvalidCorpId or InvalidSecret or IpNotTrusted or ApiForbidden or NoPrivilege
            or InvalidAgentId or TokenOfAnotherAgent or ClientNotConfigured => WeComErrorKind.Configuration,
        _ => WeComErrorKind.Permanent,
    };

    internal static bool IsTokenRejection(int errCode) => Classify(errCode) == WeComErrorKind.TokenExpired;
}
