using System.Text.Json.Serialization;

namespace Guanjia.WeCom.Callbacks;

// Wire shapes of the bot's decrypted JSON; mapped to the BotMessage records by BotMessageParser.
// Unknown fields are ignored (System.Text.Json default), so new WeCom fields never break parsing.
internal sealed class BotMessageDto
{
    [JsonPropertyName("msgid")] public string? MsgId { get; set; }
    [JsonPropertyName("aibotid")] public string? AiBotId { get; set; }
    [JsonPropertyName("chatid")] public string? ChatId { get; set; }
    [JsonPropertyName("chattype")] public string? ChatType { get; set; }
    [JsonPropertyName("from")] public BotFromDto? From { get; set; }
    [JsonPropertyName("response_url")] public string? ResponseUrl { get; set; }
    [JsonPropertyName("msgtype")] public string? MsgType { get; set; }
    [JsonPropertyName("create_time")] public long? CreateTime { get; set; }
    [JsonPropertyName("text")] public BotContentDto? Text { get; set; }
    [JsonPropertyName("image")] public BotUrlDto? Image { get; set; }
    [JsonPropertyName("mixed")] public BotMixedDto? Mixed { get; set; }
    [JsonPropertyName("voice")] public BotContentDto? Voice { get; set; }
    [JsonPropertyName("file")] public BotUrlDto? File { get; set; }
    [JsonPropertyName("video")] public BotUrlDto? Video { get; set; }
    [JsonPropertyName("stream")] public BotStreamDto? Stream { get; set; }
    [JsonPropertyName("event")] public BotEventDto? Event { get; set; }
    [JsonPropertyName("quote")] public BotQuoteDto? Quote { get; set; }
}

internal sealed class BotQuoteDto
{
    [JsonPropertyName("msgtype")] public string? MsgType { get; set; }
    [JsonPropertyName("text")] public BotContentDto? Text { get; set; }
    [JsonPropertyName("image")] public BotUrlDto? Image { get; set; }
    [JsonPropertyName("mixed")] public BotMixedDto? Mixed { get; set; }
    [JsonPropertyName("voice")] public BotContentDto? Voice { get; set; }
    [JsonPropertyName("file")] public BotUrlDto? File { get; set; }
    [JsonPropertyName("video")] public BotUrlDto? Video { get; set; }
}

internal sealed class BotFromDto
{
    [JsonPropertyName("userid")] public string? UserId { get; set; }
    [JsonPropertyName("corpid")] public string? CorpId { get; set; }
}

internal sealed class BotContentDto
{
    [JsonPropertyName("content")] public string? Content { get; set; }
}

internal sealed class BotUrlDto
{
    [JsonPropertyName("url")] public string? Url { get; set; }
    [JsonPropertyName("aeskey")] public string? AesKey { get; set; }
}

internal sealed class BotMixedDto
{
    [JsonPropertyName("msg_item")] public List<BotMixedItemDto>? Items { get; set; }
}

internal sealed class BotMixedItemDto
{
    [JsonPropertyName("msgtype")] public string? MsgType { get; set; }
    [JsonPropertyName("text")] public BotContentDto? Text { get; set; }
    [JsonPropertyName("image")] public BotUrlDto? Image { get; set; }
}

internal sealed class BotStreamDto
{
    [JsonPropertyName("id")] public string? Id { get; set; }
}

internal sealed class BotEventDto
{
    [JsonPropertyName("eventtype")] public string? EventType { get; set; }
    [JsonPropertyName("template_card_event")] public BotTemplateCardEventDto? TemplateCardEvent { get; set; }
    // The official long-connection SDK's types put a click's fields flat on the event; tolerated.
    [JsonPropertyName("card_type")] public string? CardType { get; set; }
    [JsonPropertyName("event_key")] public string? EventKey { get; set; }
    [JsonPropertyName("task_id")] public string? TaskId { get; set; }
    [JsonPropertyName("feedback_event")] public BotFeedbackEventDto? FeedbackEvent { get; set; }
}

internal sealed class BotTemplateCardEventDto
{
    [JsonPropertyName("card_type")] public string? CardType { get; set; }
    [JsonPropertyName("event_key")] public string? EventKey { get; set; }
    [JsonPropertyName("task_id")] public string? TaskId { get; set; }
    [JsonPropertyName("selected_items")] public BotSelectedItemsDto? SelectedItems { get; set; }
}

internal sealed class BotSelectedItemsDto
{
    [JsonPropertyName("selected_item")] public List<BotSelectedItemDto>? Items { get; set; }
}

internal sealed class BotSelectedItemDto
{
    [JsonPropertyName("question_key")] public string? QuestionKey { get; set; }
    [JsonPropertyName("option_ids")] public BotOptionIdsDto? OptionIds { get; set; }
}

internal sealed class BotOptionIdsDto
{
    [JsonPropertyName("option_id")] public List<string>? Ids { get; set; }
}

internal sealed class BotFeedbackEventDto
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("type")] public int? Type { get; set; }
    [JsonPropertyName("content")] public string? Content { get; set; }
    [JsonPropertyName("inaccurate_reason_list")] public List<int>? InaccurateReasons { get; set; }
}

internal sealed class BotEnvelopeDto
{
    [JsonPropertyName("encrypt")] public string? Encrypt { get; set; }
}

[JsonSourceGenerationOptions(
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    PropertyNameCaseInsensitive = true,
    MaxDepth = 32)]
[JsonSerializable(typeof(BotMessageDto))]
[JsonSerializable(typeof(BotEnvelopeDto))]
internal sealed partial class BotJsonContext : JsonSerializerContext;
