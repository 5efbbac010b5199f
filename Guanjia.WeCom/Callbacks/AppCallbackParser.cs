using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Guanjia.WeCom.Callbacks;

/// <summary>The outer (still encrypted) body of a self-built app callback POST.</summary>
/// <param name="Encrypt">Ciphertext to verify and decrypt.</param>
/// <param name="ToUserName">CorpID, when the envelope carries it.</param>
/// <param name="AgentId">Agent id as text, when the envelope carries it.</param>
public sealed record AppEnvelope(string Encrypt, string? ToUserName, string? AgentId);

/// <summary>Reads the app callback envelope, XML (default) or the JSON variant.</summary>
public static class AppCallbackParser
{
    public static bool TryReadEnvelope(
        ReadOnlySpan<byte> body,
        [NotNullWhen(true)] out AppEnvelope? envelope,
        out CallbackParseError error)
    {
        envelope = null;
        if (body.Length > CallbackLimits.MaxBodyBytes)
        {
            error = CallbackParseError.TooLarge;
            return false;
        }

        return TryReadEnvelope(Encoding.UTF8.GetString(CallbackLimits.SkipUtf8Bom(body)), out envelope, out error);
    }

    public static bool TryReadEnvelope(
        string body,
        [NotNullWhen(true)] out AppEnvelope? envelope,
        out CallbackParseError error)
    {
        envelope = null;
        if (string.IsNullOrWhiteSpace(body))
        {
            error = CallbackParseError.Empty;
            return false;
        }

        if (body.Length > CallbackLimits.MaxBodyBytes)
        {
            error = CallbackParseError.TooLarge;
            return false;
        }

        var first = body.AsSpan().TrimStart()[0];
        return first == '{'
            ? TryReadJson(body, out envelope, out error)
            : TryReadXml(body, out envelope, out error);
    }

    private static bool TryReadXml(string body, out AppEnvelope? envelope, out CallbackParseError error)
    {
        envelope = null;
        if (!SafeXml.TryLoad(body, out var root, out error))
        {
            return false;
        }

        var encrypt = SafeXml.Child(root, "Encrypt");
        if (string.IsNullOrEmpty(encrypt))
        {
            error = CallbackParseError.MissingField;
            return false;
        }

        envelope = new AppEnvelope(encrypt, SafeXml.Child(root, "ToUserName"), SafeXml.Child(root, "AgentID"));
        return true;
    }

    // Official Python reads "encrypt", official PHP reads "Encrypt": accept any casing.
    private static bool TryReadJson(string body, out AppEnvelope? envelope, out CallbackParseError error)
    {
        envelope = null;
        string? encrypt = null, toUser = null, agentId = null;
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = CallbackParseError.Malformed;
                return false;
            }

            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name.Equals("encrypt", StringComparison.OrdinalIgnoreCase))
                {
                    encrypt = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                }
                else if (property.Name.Equals("tousername", StringComparison.OrdinalIgnoreCase))
                {
                    toUser = ScalarText(property.Value);
                }
                else if (property.Name.Equals("agentid", StringComparison.OrdinalIgnoreCase))
                {
                    agentId = ScalarText(property.Value);
                }
            }
        }
        catch (JsonException)
        {
            error = CallbackParseError.Malformed;
            return false;
        }

        if (string.IsNullOrEmpty(encrypt))
        {
            error = CallbackParseError.MissingField;
            return false;
        }

        envelope = new AppEnvelope(encrypt, toUser, agentId);
        error = CallbackParseError.None;
        return true;
    }

    // agentid arrives as a JSON number (218) in the doc sample but as text in the XML envelope.
    private static string? ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };
}
