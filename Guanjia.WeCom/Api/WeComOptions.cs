using System.ComponentModel.DataAnnotations;

namespace Guanjia.WeCom.Api;

/// <summary>The <c>WeCom</c> configuration section: server API, app callback and intelligent bot settings.</summary>
public sealed class WeComOptions : IValidatableObject
{
    public const string SectionName = "WeCom";

    /// <summary>Base of every server-API, robot-webhook and gettoken call; tests point it at a local fake.</summary>
    [Required]
    public string ApiBaseUrl { get; set; } = "https://qyapi.weixin.qq.com";

    public string CorpId { get; set; } = "";

    public string Secret { get; set; } = "";

    [Range(0, int.MaxValue)]
    public int AgentId { get; set; }

    [RegularExpression("^[A-Za-z0-9]{0,32}$", ErrorMessage = "WeCom:Token must be at most 32 letters or digits.")]
    public string Token { get; set; } = "";

    [RegularExpression("^([A-Za-z0-9]{43})?$", ErrorMessage = "WeCom:EncodingAesKey must be exactly 43 letters or digits.")]
    public string EncodingAesKey { get; set; } = "";

    public WeComBotOptions Bot { get; set; } = new();

    /// <summary>
    /// A signed callback whose <c>timestamp</c> is further than this from now (either way) is a
    /// replay and refused; WeCom retries a callback within seconds, so an hour is generous.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Hosts image and file URLs in callbacks may point at; a leading dot allows subdomains. Added
    /// to the defaults (WeCom's bot media bucket, qpic.cn, qyapi); the host of
    /// <see cref="ApiBaseUrl"/> is always allowed too.
    /// </summary>
    public List<string> MediaHosts { get; set; } =
    [
        // The bucket WeCom's intelligent bot serves image and file URLs from (valid 5 minutes).
        "ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com",
        ".qpic.cn",
        "qyapi.weixin.qq.com",
    ];

    /// <summary>Upper bound for one outbound call including a token refresh and its single retry.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("WeCom:ApiBaseUrl must be an absolute http(s) URL.", [nameof(ApiBaseUrl)]);
        }

        // ValidateDataAnnotations does not recurse into nested objects.
        var botResults = new List<ValidationResult>();
        Validator.TryValidateObject(Bot, new ValidationContext(Bot), botResults, validateAllProperties: true);
        foreach (var result in botResults)
        {
            yield return result;
        }
    }

    internal Uri BaseUri => new(ApiBaseUrl.EndsWith('/') ? ApiBaseUrl : ApiBaseUrl + "/", UriKind.Absolute);
}

/// <summary>How the intelligent bot's messages reach Guanjia.</summary>
public enum WeComBotMode
{
    /// <summary>WeCom POSTs encrypted callbacks to <c>/wecom/bot/callback</c>.</summary>
    Webhook,

    /// <summary>Guanjia dials WeCom's WebSocket and subscribes with BotID + Secret; no public URL needed.</summary>
    LongConnection,
}

/// <summary>The intelligent bot (智能机器人) in API mode: <c>WeCom:Bot</c>.</summary>
public sealed class WeComBotOptions : IValidatableObject
{
    public const string DefaultWebSocketUrl = "wss://openws.work.weixin.qq.com";

    public WeComBotMode Mode { get; set; } = WeComBotMode.Webhook;

    /// <summary>The bot's long-connection Secret (aibot_subscribe); never logged.</summary>
    public string Secret { get; set; } = "";

    public string WebSocketUrl { get; set; } = DefaultWebSocketUrl;

    [RegularExpression("^[A-Za-z0-9]{0,32}$", ErrorMessage = "WeCom:Bot:Token must be at most 32 letters or digits.")]
    public string Token { get; set; } = "";

    [RegularExpression("^([A-Za-z0-9]{43})?$", ErrorMessage = "WeCom:Bot:EncodingAesKey must be exactly 43 letters or digits.")]
    public string EncodingAesKey { get; set; } = "";

    public string Id { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode != WeComBotMode.LongConnection)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Id))
        {
            yield return new ValidationResult("WeCom:Bot:Id (the BotID) must be set when WeCom:Bot:Mode is LongConnection.", [nameof(Id)]);
        }

        if (string.IsNullOrWhiteSpace(Secret))
        {
            yield return new ValidationResult("WeCom:Bot:Secret must be set when WeCom:Bot:Mode is LongConnection.", [nameof(Secret)]);
        }

        if (!Uri.TryCreate(WebSocketUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "wss" && uri.Scheme != "ws"))
        {
            yield return new ValidationResult("WeCom:Bot:WebSocketUrl must be an absolute ws:// or wss:// URL.", [nameof(WebSocketUrl)]);
        }
    }
}
