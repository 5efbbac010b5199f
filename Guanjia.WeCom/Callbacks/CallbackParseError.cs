namespace Guanjia.WeCom.Callbacks;

/// <summary>Why a callback body or decrypted plaintext was refused.</summary>
public enum CallbackParseError
{
    None = 0,
    /// <summary>Body is null or only whitespace.</summary>
    Empty,
    /// <summary>Body exceeds <see cref="CallbackLimits.MaxBodyBytes"/>; refused before parsing.</summary>
    TooLarge,
    /// <summary>Not well-formed XML/JSON, or a value of the wrong JSON type.</summary>
    Malformed,
    /// <summary>The document declares a DTD (entity expansion / XXE attempt); refused, never expanded.</summary>
    DtdProhibited,
    /// <summary>A required field is absent.</summary>
    MissingField,
    /// <summary>A field is present but unusable (e.g. a non-numeric CreateTime).</summary>
    InvalidField,
    /// <summary>XML nested deeper than <c>SafeXml.MaxDepth</c> or with more than <c>SafeXml.MaxElements</c> elements.</summary>
    TooComplex,
}

/// <summary>Size cap applied to every callback body and plaintext before parsing.</summary>
public static class CallbackLimits
{
    /// <summary>1 MiB. WeCom callbacks carry URLs and media ids, never file data.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    internal static ReadOnlySpan<byte> SkipUtf8Bom(ReadOnlySpan<byte> body) =>
        body.StartsWith("\uFEFF"u8) ? body[3..] : body;
}
