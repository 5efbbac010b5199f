using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Guanjia.WeCom.Callbacks;

/// <summary>The outer (still encrypted) body of an intelligent-bot callback POST: {"encrypt":"…"}.</summary>
public sealed record BotEnvelope(string Encrypt);

/// <summary>Reads the bot callback envelope and the decrypted bot message JSON.</summary>
public static class BotCallbackParser
{
    public static bool TryReadEnvelope(
        ReadOnlySpan<byte> body,
        [NotNullWhen(true)] out BotEnvelope? envelope,
        out CallbackParseError error)
    {
        envelope = null;
        body = CallbackLimits.SkipUtf8Bom(body);
        if (!CheckSize(body.Length, body.IsEmpty, out error))
        {
            return false;
        }

        BotEnvelopeDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(body, BotJsonContext.Default.BotEnvelopeDto);
        }
        catch (JsonException)
        {
            error = CallbackParseError.Malformed;
            return false;
        }

        if (string.IsNullOrEmpty(dto?.Encrypt))
        {
            error = CallbackParseError.MissingField;
            return false;
        }

        envelope = new BotEnvelope(dto.Encrypt);
        return true;
    }

    public static bool TryReadEnvelope(
        string body,
        [NotNullWhen(true)] out BotEnvelope? envelope,
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

        return TryReadEnvelope(System.Text.Encoding.UTF8.GetBytes(body), out envelope, out error);
    }

    public static bool TryParseMessage(
        string plaintextJson,
        [NotNullWhen(true)] out BotMessage? message,
        out CallbackParseError error)
    {
        message = null;
        if (string.IsNullOrWhiteSpace(plaintextJson))
        {
            error = CallbackParseError.Empty;
            return false;
        }

        if (plaintextJson.Length > CallbackLimits.MaxBodyBytes)
        {
            error = CallbackParseError.TooLarge;
            return false;
        }

        BotMessageDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(plaintextJson, BotJsonContext.Default.BotMessageDto);
        }
        catch (JsonException)
        {
            error = CallbackParseError.Malformed;
            return false;
        }

        if (dto is null)
        {
            error = CallbackParseError.Malformed;
            return false;
        }

        if (string.IsNullOrEmpty(dto.MsgId) || string.IsNullOrEmpty(dto.AiBotId)
            || string.IsNullOrEmpty(dto.MsgType) || string.IsNullOrEmpty(dto.From?.UserId))
        {
            error = CallbackParseError.MissingField;
            return false;
        }

        var payload = MapPayload(dto.MsgType, dto.Text, dto.Image, dto.Mixed, dto.Voice, dto.File, dto.Video, dto.Stream, dto.Event);
        if (payload is null)
        {
            error = CallbackParseError.MissingField;
            return false;
        }

        BotQuote? quote = null;
        if (dto.Quote?.MsgType is { Length: > 0 } quoteType)
        {
            var q = dto.Quote;
            var quotePayload = MapPayload(quoteType, q.Text, q.Image, q.Mixed, q.Voice, q.File, q.Video, stream: null, evt: null);
            // A broken quote should not cost the user's message; drop the quote instead.
            quote = quotePayload is null ? null : new BotQuote(quoteType, quotePayload);
        }

        message = new BotMessage(
            dto.MsgId,
            dto.AiBotId,
            string.IsNullOrEmpty(dto.ChatId) ? null : dto.ChatId,
            ParseChatType(dto.ChatType),
            new BotSender(dto.From.UserId, dto.From.CorpId),
            string.IsNullOrEmpty(dto.ResponseUrl) ? null : dto.ResponseUrl,
            dto.MsgType,
            dto.CreateTime,
            payload,
            quote);
        error = CallbackParseError.None;
        return true;
    }

    private static bool CheckSize(int length, bool empty, out CallbackParseError error)
    {
        error = empty ? CallbackParseError.Empty
            : length > CallbackLimits.MaxBodyBytes ? CallbackParseError.TooLarge
            : CallbackParseError.None;
        return error == CallbackParseError.None;
    }

    private static BotChatType ParseChatType(string? value) => value switch
    {
        "single" => BotChatType.Single,
        "group" => BotChatType.Group,
        _ => BotChatType.Unknown,
    };

    // Returns null when the msgtype's own object (or its required field) is missing.
    private static BotPayload? MapPayload(
        string msgType,
        BotContentDto? text,
        BotUrlDto? image,
        BotMixedDto? mixed,
        BotContentDto? voice,
        BotUrlDto? file,
        BotUrlDto? video,
        BotStreamDto? stream,
        BotEventDto? evt) => msgType switch
        {
            "text" => text?.Content is { } content ? new BotTextPayload(content) : null,
            "image" => image?.Url is { Length: > 0 } url ? new BotImagePayload(url, image.AesKey) : null,
            "mixed" => MapMixed(mixed),
            "voice" => voice?.Content is { } transcript ? new BotVoicePayload(transcript) : null,
            "file" => file?.Url is { Length: > 0 } url ? new BotFilePayload(url, file.AesKey) : null,
            "video" => video?.Url is { Length: > 0 } url ? new BotVideoPayload(url, video.AesKey) : null,
            "stream" => stream?.Id is { Length: > 0 } id ? new BotStreamRefreshPayload(id) : null,
            "event" => evt?.EventType is { Length: > 0 } ? MapEvent(evt) : null,
            _ => new BotUnknownPayload(msgType),
        };

    // JSON allows [null] and {} as items: skip them; a mixed message with nothing usable is malformed.
    private static BotMixedPayload? MapMixed(BotMixedDto? mixed)
    {
        var items = (mixed?.Items ?? [])
            .Where(i => i is not null)
            .Select(i => new BotMixedItem(i.MsgType ?? "", i.Text?.Content, NullIfEmpty(i.Image?.Url), i.Image?.AesKey))
            .Where(i => i.Text is not null || i.ImageUrl is not null)
            .ToList();
        return items.Count == 0 ? null : new BotMixedPayload(items);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static BotPayload? MapEvent(BotEventDto evt) => evt.EventType switch
    {
        "enter_chat" => new BotEnterChatEvent(),
        "template_card_event" => (evt.TemplateCardEvent ?? FlatCardEvent(evt)) is { } card
            ? new BotTemplateCardEvent(
                card.CardType ?? "",
                card.EventKey ?? "",
                card.TaskId ?? "",
                [.. (card.SelectedItems?.Items ?? []).Where(i => i is not null).Select(i => new CardSelectedItem(
                    i.QuestionKey ?? "", [.. (i.OptionIds?.Ids ?? []).Where(id => id is not null)]))])
            : null,
        "feedback_event" => evt.FeedbackEvent is { Id: { Length: > 0 } id } feedback
            ? new BotFeedbackEvent(id, feedback.Type ?? 0, feedback.Content, feedback.InaccurateReasons ?? [])
            : null,
        _ => new BotUnknownEvent(evt.EventType!),
    };

    private static BotTemplateCardEventDto? FlatCardEvent(BotEventDto evt) => evt.EventKey is null && evt.TaskId is null
        ? null
        : new BotTemplateCardEventDto { CardType = evt.CardType, EventKey = evt.EventKey, TaskId = evt.TaskId };
}
