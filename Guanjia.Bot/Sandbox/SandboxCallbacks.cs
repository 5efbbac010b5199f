using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Guanjia.WeCom.Crypto;

namespace Guanjia.Bot.Sandbox;

/// <summary>
/// Builds intelligent-bot callbacks exactly as WeCom sends them (JSON plaintext, AES envelope,
/// msg_signature query); shared by the chat simulator and <c>replay</c>.
/// </summary>
public static class SandboxCallbacks
{
    public const string BotName = "小巷管家";
    public const string BotId = "aibot-sandbox";

    /// <summary>The plaintext JSON of a bot message: text, image, or mixed when both; group messages carry the @mention.</summary>
    public static string MessageJson(string msgId, string userId, string? chatId, string? text, string? imageUrl, string responseUrl)
    {
        var group = chatId is not null;
        var content = group ? $"@{BotName} {text}".TrimEnd() : text ?? "";
        var message = new Dictionary<string, object>
        {
            ["msgid"] = msgId,
            ["aibotid"] = BotId,
            ["chattype"] = group ? "group" : "single",
            ["from"] = new { userid = userId },
            ["response_url"] = responseUrl,
        };
        if (group)
        {
            message["chatid"] = chatId!;
        }

        var hasText = !string.IsNullOrWhiteSpace(text);
        if (imageUrl is null)
        {
            message["msgtype"] = "text";
            message["text"] = new { content };
        }
        else if (!hasText && !group)
        {
            message["msgtype"] = "image";
            message["image"] = new { url = imageUrl };
        }
        else
        {
            // In a group the image only reaches the bot together with the @mention, i.e. as one mixed message.
            message["msgtype"] = "mixed";
            message["mixed"] = new
            {
                msg_item = new object[]
                {
                    new { msgtype = "text", text = new { content } },
                    new { msgtype = "image", image = new { url = imageUrl } },
                },
            };
        }

        return JsonSerializer.Serialize(message);
    }

    /// <summary>The plaintext JSON of a click on a card button (<c>template_card_event</c>), as WeCom sends it to the bot.</summary>
    public static string ClickJson(string msgId, string userId, string? chatId, string taskId, string eventKey, DateTimeOffset now)
    {
        var message = new Dictionary<string, object>
        {
            ["msgid"] = msgId,
            ["aibotid"] = BotId,
            ["chattype"] = chatId is null ? "single" : "group",
            ["from"] = new { userid = userId },
            ["msgtype"] = "event",
            ["create_time"] = now.ToUnixTimeSeconds(),
            ["event"] = new
            {
                eventtype = "template_card_event",
                template_card_event = new { card_type = "button_interaction", event_key = eventKey, task_id = taskId },
            },
        };
        if (chatId is not null)
        {
            message["chatid"] = chatId;
        }

        return JsonSerializer.Serialize(message);
    }

    /// <summary>The plaintext XML of a click on a card the app sent (<c>template_card_event</c> with its response code).</summary>
    public static string AppClickXml(string corpId, int agentId, string userId, string taskId, string eventKey, string responseCode, DateTimeOffset now) =>
        new System.Xml.Linq.XElement("xml",
            new System.Xml.Linq.XElement("ToUserName", corpId),
            new System.Xml.Linq.XElement("FromUserName", userId),
            new System.Xml.Linq.XElement("CreateTime", now.ToUnixTimeSeconds()),
            new System.Xml.Linq.XElement("MsgType", "event"),
            new System.Xml.Linq.XElement("Event", "template_card_event"),
            new System.Xml.Linq.XElement("EventKey", eventKey),
            new System.Xml.Linq.XElement("TaskId", taskId),
            new System.Xml.Linq.XElement("CardType", "button_interaction"),
            new System.Xml.Linq.XElement("ResponseCode", responseCode),
            new System.Xml.Linq.XElement("AgentID", agentId)).ToString(System.Xml.Linq.SaveOptions.DisableFormatting);

    /// <summary>An encrypted, signed POST to the app's <c>/wecom/callback</c> relative to <paramref name="baseAddress"/>.</summary>
    public static HttpRequestMessage PostApp(Uri baseAddress, WeComCallbackCrypto crypto, string corpId, int agentId, string plaintextXml, DateTimeOffset now)
    {
        var encrypted = crypto.Encrypt(plaintextXml).Value!;
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var signature = crypto.ComputeSignature(timestamp, nonce, encrypted);
        var envelope = new System.Xml.Linq.XElement("xml",
            new System.Xml.Linq.XElement("ToUserName", corpId),
            new System.Xml.Linq.XElement("Encrypt", encrypted),
            new System.Xml.Linq.XElement("AgentID", agentId)).ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
        return new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, $"wecom/callback?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}"))
        {
            Content = new StringContent(envelope, Encoding.UTF8, "text/xml"),
        };
    }

    /// <summary>An encrypted, signed POST to <c>/wecom/bot/callback</c> relative to <paramref name="baseAddress"/>.</summary>
    public static HttpRequestMessage Post(Uri baseAddress, WeComCallbackCrypto crypto, string plaintextJson, DateTimeOffset now)
    {
        var encrypted = crypto.Encrypt(plaintextJson).Value!;
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var signature = crypto.ComputeSignature(timestamp, nonce, encrypted);
        return new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, $"wecom/bot/callback?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}"))
        {
            Content = new StringContent(JsonSerializer.Serialize(new { encrypt = encrypted }), Encoding.UTF8, "application/json"),
        };
    }
}
