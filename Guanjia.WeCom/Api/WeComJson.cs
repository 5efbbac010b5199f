using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Guanjia.WeCom.Api;

internal static class WeComJson
{
    // WeCom rejects \uXXXX escapes with 40033, and text/markdown carry raw <a>/<font> tags,
    // so only what JSON itself requires may be escaped.
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    public static ByteArrayContent Content(object body) => Content(body, Options);

    public static ByteArrayContent Content(object body, JsonSerializerOptions options)
    {
        var content = new ByteArrayContent(SerializeToUtf8Bytes(body, options));
        content.Headers.ContentType = JsonContentType;
        return content;
    }

    /// <summary>As <see cref="Options"/>, but absent (null) fields are left out: template cards and long-connection frames.</summary>
    public static readonly JsonSerializerOptions OmitNullOptions = new(Options)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>JSON with every non-control character as raw UTF-8.</summary>
    public static byte[] SerializeToUtf8Bytes(object body) => SerializeToUtf8Bytes(body, Options);

    /// <summary>JSON with every non-control character as raw UTF-8, written with <paramref name="options"/>.</summary>
    public static byte[] SerializeToUtf8Bytes(object body, JsonSerializerOptions options)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), options);
        return json.AsSpan().IndexOf("\\u"u8) < 0 ? json : UnescapeNonControl(json);
    }

    // Even the relaxed encoder escapes characters outside the BMP (emoji, which residents use a lot)
    // and some unassigned code points as \uXXXX, and WeCom answers those with 40033. Undo those escapes;
    // control characters stay escaped because JSON requires it.
    private static byte[] UnescapeNonControl(ReadOnlySpan<byte> json)
    {
        var output = new List<byte>(json.Length);
        Span<byte> utf8 = stackalloc byte[4];
        var i = 0;
        while (i < json.Length)
        {
            if (json[i] != (byte)'\\' || i + 1 >= json.Length)
            {
                output.Add(json[i++]);
                continue;
            }

            if (json[i + 1] != (byte)'u' || !TryReadHex(json, i + 2, out var unit))
            {
                output.Add(json[i]);
                output.Add(json[i + 1]);
                i += 2;
                continue;
            }

            var consumed = 6;
            int? scalar = unit;
            if (char.IsHighSurrogate((char)unit))
            {
                scalar = i + 11 < json.Length && json[i + 6] == (byte)'\\' && json[i + 7] == (byte)'u'
                    && TryReadHex(json, i + 8, out var low) && char.IsLowSurrogate((char)low)
                    ? char.ConvertToUtf32((char)unit, (char)low)
                    : null;
                consumed = scalar is null ? 6 : 12;
            }
            else if (char.IsLowSurrogate((char)unit))
            {
                scalar = null;
            }

            if (scalar is not { } value || value < 0x20)
            {
                for (var k = 0; k < consumed; k++)
                {
                    output.Add(json[i + k]);
                }
            }
            else
            {
                var written = new Rune(value).EncodeToUtf8(utf8);
                for (var k = 0; k < written; k++)
                {
                    output.Add(utf8[k]);
                }
            }

            i += consumed;
        }

        return [.. output];
    }

    private static bool TryReadHex(ReadOnlySpan<byte> json, int start, out int value)
    {
        value = 0;
        return start + 4 <= json.Length
            && int.TryParse(json.Slice(start, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    public static bool IsJson(HttpContentHeaders headers) =>
        headers.ContentType?.MediaType is { } mediaType && mediaType.Contains("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the body is a WeCom error object although the content type did not say JSON.</summary>
    public static bool LooksLikeErrorObject(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        return trimmed.StartsWith("{\"errcode\""u8);
    }

    /// <summary>Reads errcode/errmsg; a missing errcode counts as 0, a body that is not a JSON object as null.</summary>
    public static (int ErrCode, string ErrMsg)? ReadError(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var errCode = root.TryGetProperty("errcode", out var code) && code.TryGetInt32(out var value) ? value : 0;
        var errMsg = root.TryGetProperty("errmsg", out var msg) && msg.ValueKind == JsonValueKind.String ? msg.GetString() ?? "" : "";
        return (errCode, errMsg);
    }

    public static string? GetString(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
