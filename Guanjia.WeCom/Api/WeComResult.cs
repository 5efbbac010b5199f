namespace Guanjia.WeCom.Api;

/// <summary>Outcome of a WeCom call: <see cref="ErrCode"/> is WeCom's errcode (or a client-side code ≤ −1000), <see cref="Kind"/> says what to do next.</summary>
public record WeComResult(int ErrCode, string ErrMsg, WeComErrorKind Kind)
{
    public bool IsOk => Kind == WeComErrorKind.Ok;

    public static WeComResult Ok { get; } = new(WeComErrorCodes.Ok, "ok", WeComErrorKind.Ok);

    public static WeComResult FromCode(int errCode, string? errMsg) =>
        new(errCode, errMsg ?? "", WeComErrorCodes.Classify(errCode));
}

/// <summary>A <see cref="WeComResult"/> carrying a value when the call succeeded.</summary>
public sealed record WeComResult<T>(int ErrCode, string ErrMsg, WeComErrorKind Kind, T? Value) : WeComResult(ErrCode, ErrMsg, Kind);

internal static class WeComResults
{
    public static WeComResult<T> Success<T>(T value) => new(WeComErrorCodes.Ok, "ok", WeComErrorKind.Ok, value);

    public static WeComResult<T> Failure<T>(WeComResult failure) => new(failure.ErrCode, failure.ErrMsg, failure.Kind, default);

    public static WeComResult<T> FromCode<T>(int errCode, string? errMsg) => Failure<T>(WeComResult.FromCode(errCode, errMsg));
}
