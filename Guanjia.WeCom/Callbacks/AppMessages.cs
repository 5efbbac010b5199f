namespace Guanjia.WeCom.Callbacks;

/// <summary>A decrypted self-built app callback (wecom.md §2.3). Switch on the concrete type.</summary>
/// <param name="ToUserName">CorpID.</param>
/// <param name="FromUserName">Member UserID (text; may have leading zeros; "sys" for system events).</param>
/// <param name="CreateTime">Unix seconds.</param>
/// <param name="MsgType">Raw MsgType as sent.</param>
/// <param name="AgentId">AgentID as text, when present.</param>
public abstract record AppMessage(string ToUserName, string FromUserName, long CreateTime, string MsgType, string? AgentId);

public sealed record AppTextMessage(
    string ToUserName, string FromUserName, long CreateTime, string? AgentId,
    string Content, string MsgId)
    : AppMessage(ToUserName, FromUserName, CreateTime, "text", AgentId);

public sealed record AppImageMessage(
    string ToUserName, string FromUserName, long CreateTime, string? AgentId,
    string PicUrl, string MediaId, string MsgId)
    : AppMessage(ToUserName, FromUserName, CreateTime, "image", AgentId);

/// <summary>Recognition is speech-to-text, present only when recognition is enabled for the app.</summary>
public sealed record AppVoiceMessage(
    string ToUserName, string FromUserName, long CreateTime, string? AgentId,
    string MediaId, string Format, string? Recognition, string MsgId)
    : AppMessage(ToUserName, FromUserName, CreateTime, "voice", AgentId);

public sealed record AppVideoMessage(
    string ToUserName, string FromUserName, long CreateTime, string? AgentId,
    string MediaId, string ThumbMediaId, string MsgId)
    : AppMessage(ToUserName, FromUserName, CreateTime, "video", AgentId);

/// <summary>Latitude is Location_X, Longitude is Location_Y.</summary>
public sealed record AppLocationMessage(
    string ToUserName, string FromUserName, long CreateTime, string? AgentId,
    double Latitude, double Longitude, int Scale, string Label, string? PoiName, string MsgId)
    : AppMessage(ToUserName, FromUserName, CreateTime, "location", AgentId);

public sealed record AppLinkMessage(
    string ToUserName, string FromUserName, long CreateTime, string? AgentId,
    string Title, string Description, string Url, string PicUrl, string MsgId)
    : AppMessage(ToUserName, FromUserName, CreateTime, "link", AgentId);

/// <summary>A MsgType this library does not model; the raw fields are kept.</summary>
public sealed record AppUnknownMessage(
    string ToUserName, string FromUserName, long CreateTime, string MsgType, string? AgentId,
    XmlFields Fields)
    : AppMessage(ToUserName, FromUserName, CreateTime, MsgType, AgentId);

/// <summary>MsgType "event" (wecom.md §2.5). <see cref="Event"/> is the raw discriminator.</summary>
public abstract record AppEventMessage(
    string ToUserName, string FromUserName, long CreateTime, string? AgentId,
    string Event, string EventKey)
    : AppMessage(ToUserName, FromUserName, CreateTime, "event", AgentId);

public sealed record AppSubscribeEvent(string ToUserName, string FromUserName, long CreateTime, string? AgentId, string EventKey)
    : AppEventMessage(ToUserName, FromUserName, CreateTime, AgentId, "subscribe", EventKey);

public sealed record AppUnsubscribeEvent(string ToUserName, string FromUserName, long CreateTime, string? AgentId, string EventKey)
    : AppEventMessage(ToUserName, FromUserName, CreateTime, AgentId, "unsubscribe", EventKey);

public sealed record AppEnterAgentEvent(string ToUserName, string FromUserName, long CreateTime, string? AgentId, string EventKey)
    : AppEventMessage(ToUserName, FromUserName, CreateTime, AgentId, "enter_agent", EventKey);

/// <summary>Event "LOCATION": periodic location report.</summary>
public sealed record AppLocationReportEvent(
    string ToUserName, string FromUserName, long CreateTime, string? AgentId,
    double Latitude, double Longitude, double Precision)
    : AppEventMessage(ToUserName, FromUserName, CreateTime, AgentId, "LOCATION", "");

/// <summary>Custom menu "click", "view" or "view_miniprogram"; <see cref="AppEventMessage.EventKey"/> is the key or URL.</summary>
public sealed record AppMenuEvent(string ToUserName, string FromUserName, long CreateTime, string? AgentId, string Event, string EventKey)
    : AppEventMessage(ToUserName, FromUserName, CreateTime, AgentId, Event, EventKey);

/// <summary>ResponseCode is single use, valid 72 h, for message/update_template_card.</summary>
public sealed record AppTemplateCardEvent(
    string ToUserName, string FromUserName, long CreateTime, string? AgentId,
    string EventKey, string TaskId, string CardType, string ResponseCode,
    IReadOnlyList<CardSelectedItem> SelectedItems)
    : AppEventMessage(ToUserName, FromUserName, CreateTime, AgentId, "template_card_event", EventKey);

/// <summary>One answered question of a vote/multiple-interaction card.</summary>
public sealed record CardSelectedItem(string QuestionKey, IReadOnlyList<string> OptionIds);

/// <summary>Event "change_contact" (FromUserName is "sys"). Party and tag changes carry no UserID.</summary>
public sealed record AppChangeContactEvent(
    string ToUserName, string FromUserName, long CreateTime, string? AgentId,
    string ChangeType, string? UserId, XmlFields Fields)
    : AppEventMessage(ToUserName, FromUserName, CreateTime, AgentId, "change_contact", "");

/// <summary>Any other event; all fields kept by path (e.g. "BatchJob/JobId").</summary>
public sealed record AppGenericEvent(
    string ToUserName, string FromUserName, long CreateTime, string? AgentId,
    string Event, string EventKey, XmlFields Fields)
    : AppEventMessage(ToUserName, FromUserName, CreateTime, AgentId, Event, EventKey);

/// <summary>Leaf values of a callback XML, keyed by slash path below the root, in document order.</summary>
public sealed class XmlFields
{
    private readonly IReadOnlyList<KeyValuePair<string, string>> _items;

    internal XmlFields(IReadOnlyList<KeyValuePair<string, string>> items) => _items = items;

    public IReadOnlyList<KeyValuePair<string, string>> Items => _items;

    /// <summary>First value at <paramref name="path"/>, or null.</summary>
    public string? Get(string path)
    {
        foreach (var item in _items)
        {
            if (string.Equals(item.Key, path, StringComparison.Ordinal))
            {
                return item.Value;
            }
        }

        return null;
    }

    /// <summary>All values at <paramref name="path"/> (repeated elements such as PicList/item/PicMd5Sum).</summary>
    public IReadOnlyList<string> GetAll(string path) =>
        [.. _items.Where(i => string.Equals(i.Key, path, StringComparison.Ordinal)).Select(i => i.Value)];
}
