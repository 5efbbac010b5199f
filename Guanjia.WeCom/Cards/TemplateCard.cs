using System.Text.Json.Serialization;

namespace Guanjia.WeCom.Cards;

/// <summary>
/// A WeCom template card (模板卡片) as the bot (<c>aibot_respond_msg</c>, <c>aibot_send_msg</c>,
/// <c>aibot_respond_update_msg</c>) and the app's <c>message/send</c> accept it. Build it with
/// <see cref="TemplateCardBuilder"/>, which keeps every field within WeCom's limits.
/// </summary>
public sealed record TemplateCard
{
    [JsonPropertyName("card_type")] public required string CardType { get; init; }
    [JsonPropertyName("source")] public CardSource? Source { get; init; }
    [JsonPropertyName("main_title")] public CardMainTitle? MainTitle { get; init; }
    [JsonPropertyName("emphasis_content")] public CardEmphasis? EmphasisContent { get; init; }
    [JsonPropertyName("quote_area")] public CardQuoteArea? QuoteArea { get; init; }
    [JsonPropertyName("sub_title_text")] public string? SubTitleText { get; init; }
    [JsonPropertyName("horizontal_content_list")] public IReadOnlyList<CardHorizontalContent>? HorizontalContentList { get; init; }
    [JsonPropertyName("jump_list")] public IReadOnlyList<CardJump>? JumpList { get; init; }
    [JsonPropertyName("card_action")] public CardAction? CardAction { get; init; }
    [JsonPropertyName("button_list")] public IReadOnlyList<CardButton>? ButtonList { get; init; }
    [JsonPropertyName("checkbox")] public CardCheckbox? Checkbox { get; init; }
    [JsonPropertyName("select_list")] public IReadOnlyList<CardSelection>? SelectList { get; init; }
    [JsonPropertyName("submit_button")] public CardSubmitButton? SubmitButton { get; init; }
    [JsonPropertyName("task_id")] public string? TaskId { get; init; }
}

/// <summary>card_type values.</summary>
public static class TemplateCardTypes
{
    public const string TextNotice = "text_notice";
    public const string ButtonInteraction = "button_interaction";
    public const string VoteInteraction = "vote_interaction";
    public const string MultipleInteraction = "multiple_interaction";
}

/// <summary>DescColor: 0 grey, 1 black, 2 red, 3 green.</summary>
public sealed record CardSource(
    [property: JsonPropertyName("desc")] string? Desc,
    [property: JsonPropertyName("desc_color")] int? DescColor = null,
    [property: JsonPropertyName("icon_url")] string? IconUrl = null);

public sealed record CardMainTitle(
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("desc")] string? Desc = null);

public sealed record CardEmphasis(
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("desc")] string? Desc = null);

/// <summary>Type: 0 no click, 1 open <see cref="Url"/>.</summary>
public sealed record CardQuoteArea(
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("quote_text")] string? QuoteText,
    [property: JsonPropertyName("type")] int? Type = null,
    [property: JsonPropertyName("url")] string? Url = null);

/// <summary>Type: 0 plain text, 1 link (<see cref="Url"/>), 3 member card (<see cref="UserId"/>).</summary>
public sealed record CardHorizontalContent(
    [property: JsonPropertyName("keyname")] string KeyName,
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("type")] int? Type = null,
    [property: JsonPropertyName("url")] string? Url = null,
    [property: JsonPropertyName("userid")] string? UserId = null);

/// <summary>Type: 1 open <see cref="Url"/>; 3 ask the bot <see cref="Question"/>.</summary>
public sealed record CardJump(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("type")] int Type,
    [property: JsonPropertyName("url")] string? Url = null,
    [property: JsonPropertyName("question")] string? Question = null);

/// <summary>Type: 0 none, 1 open <see cref="Url"/>.</summary>
public sealed record CardAction(
    [property: JsonPropertyName("type")] int Type,
    [property: JsonPropertyName("url")] string? Url = null);

/// <summary>Style 1–4 (1 is the default, blue).</summary>
public sealed record CardButton(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("style")] int? Style = null);

/// <summary>Mode 0 single choice, 1 multiple choice.</summary>
public sealed record CardCheckbox(
    [property: JsonPropertyName("question_key")] string QuestionKey,
    [property: JsonPropertyName("option_list")] IReadOnlyList<CardCheckboxOption> OptionList,
    [property: JsonPropertyName("mode")] int? Mode = null,
    [property: JsonPropertyName("disable")] bool? Disable = null);

public sealed record CardCheckboxOption(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("is_checked")] bool? IsChecked = null);

public sealed record CardSelection(
    [property: JsonPropertyName("question_key")] string QuestionKey,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("option_list")] IReadOnlyList<CardOption> OptionList,
    [property: JsonPropertyName("selected_id")] string? SelectedId = null,
    [property: JsonPropertyName("disable")] bool? Disable = null);

public sealed record CardOption(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("text")] string Text);

public sealed record CardSubmitButton(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("key")] string Key);

/// <summary>
/// The body that replaces a card after a click: <c>aibot_respond_update_msg</c> on the click's req_id
/// (the bot) or the passive reply to the app's card event. Without <see cref="UserIds"/> everyone
/// who sees the card sees the new one; with them, only those people.
/// </summary>
public sealed record TemplateCardUpdate(
    [property: JsonPropertyName("template_card")] TemplateCard TemplateCard,
    [property: JsonPropertyName("userids")] IReadOnlyList<string>? UserIds = null)
{
#pragma warning disable CA1822 // An instance property, so System.Text.Json writes it.
    [JsonPropertyName("response_type")] public string ResponseType => "update_template_card";
#pragma warning restore CA1822
}
