using System.Net.Http.Headers;
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

    public static ByteArrayContent Content(object body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, Options));
        content.Headers.ContentType = JsonContentType;
        return content;
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
