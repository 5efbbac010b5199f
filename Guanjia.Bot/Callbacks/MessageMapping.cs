using Guanjia.Core.Intake;
using Guanjia.WeCom.Callbacks;

namespace Guanjia.Bot.Callbacks;

/// <summary>Bot JSON messages → <see cref="IncomingMessage"/>; null for what is not a steward's message.</summary>
internal static class BotMapping
{
    /// <summary>
    /// The one mapping for webhook callbacks and long-connection frames (whose body is the same JSON);
    /// <paramref name="replyReqId"/> is the frame's req_id on the long connection.
    /// </summary>
    /// <remarks>
    /// URLs Guanjia would call are checked here, at intake: a response_url or image URL that is
    /// not WeCom's is dropped (the message itself is kept), so no outbox entry or download ever
    /// sees a <c>javascript:</c>, <c>file:</c> or foreign URL.
    /// </remarks>
    public static IncomingMessage? ToIncoming(BotMessage message, string plaintext, DateTimeOffset now, CallbackUrlPolicy urls, string? replyReqId = null)
    {
        var (text, images) = message.Payload switch
        {
            BotTextPayload t => (t.ContentWithoutMention, Array.Empty<IncomingImage>()),
            BotMixedPayload m => (m.TextWithoutMention, m.Items
                .Where(i => i.ImageUrl is not null && urls.IsMediaUrl(i.ImageUrl))
                .Select(i => new IncomingImage(i.ImageUrl, null, i.ImageAesKey)).ToArray()),
            BotImagePayload i => ("", urls.IsMediaUrl(i.Url) ? [new IncomingImage(i.Url, null, i.AesKey)] : Array.Empty<IncomingImage>()),
            BotVoicePayload v => (v.Content, Array.Empty<IncomingImage>()),
            _ => ((string?)null, Array.Empty<IncomingImage>()),
        };
        if (text is null)
        {
            // Stream refreshes, enter_chat, card and feedback events carry no report.
            return null;
        }

        return new IncomingMessage
        {
            Channel = IncomingChannel.Bot,
            MessageId = string.IsNullOrEmpty(message.MsgId) ? CallbackEndpoints.PlaintextKey(plaintext) : message.MsgId,
            SenderId = message.From.UserId,
            ChatId = message.ChatType == BotChatType.Group ? message.ChatId : null,
            Text = text.Trim(),
            QuotedText = message.Quote?.Payload switch
            {
                BotTextPayload t => t.Content,
                BotMixedPayload m => m.TextWithoutMention,
                _ => null,
            },
            Images = images,
            ResponseUrl = urls.IsResponseUrl(message.ResponseUrl) ? message.ResponseUrl : null,
            ReplyReqId = replyReqId,
            ReceivedAt = now,
        };
    }
}

/// <summary>Self-built app XML messages (1:1 only) → <see cref="IncomingMessage"/>.</summary>
internal static class AppMapping
{
    public static IncomingMessage? ToIncoming(AppMessage message, string plaintext, DateTimeOffset now)
    {
        // An empty <MsgId/> must not make every such message a duplicate of the first one.
        string Key(string msgId) => string.IsNullOrWhiteSpace(msgId) ? CallbackEndpoints.PlaintextKey(plaintext) : msgId;

        IncomingMessage Make(string msgId, string? text, IReadOnlyList<IncomingImage> images, IncomingLocation? location = null) => new()
        {
            Channel = IncomingChannel.App,
            MessageId = msgId,
            SenderId = message.FromUserName,
            Text = text?.Trim(),
            Images = images,
            Location = location,
            ReceivedAt = now,
        };

        return message switch
        {
            AppTextMessage t => Make(Key(t.MsgId), t.Content, []),
            AppImageMessage i => Make(Key(i.MsgId), null, [new IncomingImage(null, i.MediaId)]),
            AppVoiceMessage { Recognition: { Length: > 0 } r } v => Make(Key(v.MsgId), r, []),
            AppLocationMessage l => Make(Key(l.MsgId), null, [], new IncomingLocation(l.Latitude, l.Longitude, l.Label)),
            // Events (subscribe, enter_agent, menu clicks …) are not reports.
            _ => null,
        };
    }
}
