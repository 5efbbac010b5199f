using System.Text.Json;
using System.Text.Json.Serialization;

namespace Guanjia.Core.Outbox;

/// <summary>
/// A card with buttons as Core describes it, stored as an outbox message's content; the host turns it
/// into WeCom's template_card. Each button's key is the contract's event key (<c>accept:12</c>).
/// <see cref="TaskId"/> names the card in click events; <see cref="Hint"/> says how to do the same by typing.
/// </summary>
public sealed record OutboxCard
{
    public required string TaskId { get; init; }
    public required string Title { get; init; }
    public string? TitleNote { get; init; }
    /// <summary>The body: the report's text, or what the card is about.</summary>
    public required string Text { get; init; }
    /// <summary>What to do next, typed form included; shown under <see cref="Text"/> while the buttons are there, dropped once clicked.</summary>
    public string? Hint { get; init; }
    public IReadOnlyList<OutboxCardField> Fields { get; init; } = [];
    public IReadOnlyList<OutboxCardButton> Buttons { get; init; } = [];
    public string? LinkTitle { get; init; }
    public string? LinkUrl { get; init; }
    /// <summary>Who to mention with the card in a group (the reporter of a rating card).</summary>
    public string? Mention { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, OutboxCardJson.Default.OutboxCard);

    public static OutboxCard? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, OutboxCardJson.Default.OutboxCard);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record OutboxCardField(string Key, string Value);

/// <summary>Style 1 blue (default), 2 grey, 3 red, 4 green, as WeCom numbers them.</summary>
public sealed record OutboxCardButton(string Text, string Key, int Style = 1);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OutboxCard))]
internal sealed partial class OutboxCardJson : JsonSerializerContext;
