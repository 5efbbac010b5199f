namespace Guanjia.WeCom.Callbacks;

/// <summary>Single chat or group chat (@-mention).</summary>
public enum BotChatType
{
    Unknown = 0,
#pragma warning disable CA1720 // "single" is WeCom's chattype value, not System.Single.
    Single,
#pragma warning restore CA1720
    Group,
}

/// <summary>A decrypted intelligent-bot callback (wecom.md §3.3–3.4). Switch on <see cref="Payload"/>.</summary>
/// <param name="MsgId">Dedupe key; WeCom may re-deliver the same msgid.</param>
/// <param name="AiBotId">The bot's id.</param>
/// <param name="ChatId">Group chat id; null in single chat.</param>
/// <param name="ChatType">Single or group.</param>
/// <param name="From">Sender.</param>
/// <param name="ResponseUrl">One-shot active-reply URL (valid 1 h), when given.</param>
/// <param name="MsgType">Raw msgtype as sent.</param>
/// <param name="CreateTime">Unix seconds; events only.</param>
/// <param name="Payload">Typed content.</param>
/// <param name="Quote">The message being quoted, if any.</param>
public sealed record BotMessage(
    string MsgId,
    string AiBotId,
    string? ChatId,
    BotChatType ChatType,
    BotSender From,
    string? ResponseUrl,
    string MsgType,
    long? CreateTime,
    BotPayload Payload,
    BotQuote? Quote);

/// <summary>CorpId is absent for enterprise-internal bots.</summary>
public sealed record BotSender(string UserId, string? CorpId);

/// <summary>A quoted message: its msgtype and its payload.</summary>
public sealed record BotQuote(string MsgType, BotPayload Payload);

public abstract record BotPayload;

/// <summary>Group messages include the mention, e.g. "@小巷管家 74号院…".</summary>
public sealed record BotTextPayload(string Content) : BotPayload
{
    /// <summary>Content with the leading @mention(s) removed.</summary>
    public string ContentWithoutMention => BotMention.StripLeading(Content);
}

/// <summary>Url points at an encrypted file valid for 5 minutes; AesKey only in WS mode.</summary>
public sealed record BotImagePayload(string Url, string? AesKey) : BotPayload;

public sealed record BotMixedPayload(IReadOnlyList<BotMixedItem> Items) : BotPayload
{
    /// <summary>All text items joined by newlines, with the @mention(s) stripped from the first one.</summary>
    public string TextWithoutMention
    {
        get
        {
            var texts = Items.Where(i => i.Text is not null).Select(i => i.Text!).ToList();
            if (texts.Count == 0)
            {
                return "";
            }

            texts[0] = BotMention.StripLeading(texts[0]);
            return string.Join('\n', texts.Where(t => t.Length > 0));
        }
    }

    public IEnumerable<string> ImageUrls => Items.Where(i => i.ImageUrl is not null).Select(i => i.ImageUrl!);
}

/// <summary>One item of a mixed message: MsgType "text" (Text set) or "image" (ImageUrl set).</summary>
public sealed record BotMixedItem(string MsgType, string? Text, string? ImageUrl, string? ImageAesKey);

/// <summary>Content is the transcript WeCom already produced.</summary>
public sealed record BotVoicePayload(string Content) : BotPayload;

public sealed record BotFilePayload(string Url, string? AesKey) : BotPayload;

public sealed record BotVideoPayload(string Url, string? AesKey) : BotPayload;

/// <summary>WeCom polling for the current content of a stream this service started.</summary>
public sealed record BotStreamRefreshPayload(string StreamId) : BotPayload;

/// <summary>User opened the single chat for the first time today; a welcome reply is allowed.</summary>
public sealed record BotEnterChatEvent : BotPayload;

/// <summary>Button click on a template card; sent once, no retry if unanswered within 5 s.</summary>
public sealed record BotTemplateCardEvent(string CardType, string EventKey, string TaskId, IReadOnlyList<CardSelectedItem> SelectedItems)
    : BotPayload;

/// <summary>Type: 1 accurate, 2 inaccurate, 3 cancelled. InaccurateReasons are codes 1..4.</summary>
public sealed record BotFeedbackEvent(string Id, int Type, string? Content, IReadOnlyList<int> InaccurateReasons) : BotPayload;

/// <summary>An eventtype this library does not model (e.g. disconnected_event).</summary>
public sealed record BotUnknownEvent(string EventType) : BotPayload;

/// <summary>A msgtype this library does not model; kept, not an error.</summary>
public sealed record BotUnknownPayload(string MsgType) : BotPayload;
