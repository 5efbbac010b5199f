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
    public static IncomingMessage? ToIncoming(BotMessage message, string plaintext, DateTimeOffset now, string? replyReqId = null)
    {
        var (text, images) = message.Payload switch
        {
            BotTextPayload t => (t.ContentWithoutMention, Array.Empty<IncomingImage>()),
            BotMixedPayload m => (m.TextWithoutMention, m.Items.Where(i => i.ImageUrl is not null).Select(i => new IncomingImage(i.ImageUrl, null, i.ImageAesKey)).ToArray()),
            BotImagePayload i => ("", [new IncomingImage(i.Url, null, i.AesKey)]),
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
            ResponseUrl = message.ResponseUrl,
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
            AppTextMessage t => Make(t.MsgId, t.Content, []),
            AppImageMessage i => Make(i.MsgId, null, [new IncomingImage(null, i.MediaId)]),
            AppVoiceMessage { Recognition: { Length: > 0 } r } v => Make(v.MsgId, r, []),
            AppLocationMessage l => Make(l.MsgId, null, [], new IncomingLocation(l.Latitude, l.Longitude, l.Label)),
            // Events (subscribe, enter_agent, menu clicks …) are not reports.
            _ => null,
        };
    }
}
