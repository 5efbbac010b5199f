using System.Diagnostics.CodeAnalysis;

namespace Guanjia.WeCom.Crypto;

/// <summary>Outcome of a crypto operation: a value when <see cref="IsOk"/>, otherwise the error code.</summary>
public readonly record struct CryptoResult<T>(T? Value, WeComCryptoError Error)
{
    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsOk => Error == WeComCryptoError.None;

    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "Factory helpers read naturally at the call site: CryptoResult<string>.Ok(x).")]
    public static CryptoResult<T> Ok(T value) => new(value, WeComCryptoError.None);

    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "Factory helpers read naturally at the call site.")]
    public static CryptoResult<T> Fail(WeComCryptoError error) =>
        error == WeComCryptoError.None
            ? throw new ArgumentOutOfRangeException(nameof(error), "A failure needs an error code.")
            : new(default, error);
}
