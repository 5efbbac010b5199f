using System.Diagnostics.CodeAnalysis;
using Guanjia.WeCom.Callbacks;

namespace Guanjia.WeCom.Cards;

/// <summary>A button click on a template card: who, where, which key, which card.</summary>
/// <param name="UserId">Who clicked.</param>
/// <param name="ChatId">The group chat; null in a 1:1 chat.</param>
/// <param name="TaskId">The clicked card's task_id.</param>
/// <param name="Key">The parsed event key; null when the key is not one of Guanjia's.</param>
/// <param name="RawKey">The event_key as WeCom sent it.</param>
/// <param name="CardType">The clicked card's card_type.</param>
public sealed record CardClick(string UserId, string? ChatId, string TaskId, string RawKey, CardEventKey? Key, string CardType)
{
    /// <summary>
    /// Reads a click from a bot callback (webhook or long connection). The parser reads
    /// <c>event.template_card_event.{event_key,task_id}</c> and tolerates the flat <c>event.{event_key,task_id}</c>.
    /// </summary>
    public static bool TryRead(BotMessage message, [NotNullWhen(true)] out CardClick? click)
    {
        ArgumentNullException.ThrowIfNull(message);
        click = null;
        if (message.Payload is not BotTemplateCardEvent card || card.EventKey.Length == 0)
        {
            return false;
        }

        click = new CardClick(
            message.From.UserId,
            message.ChatId,
            card.TaskId,
            card.EventKey,
            CardEventKey.TryParse(card.EventKey, out var key) ? key : null,
            card.CardType);
        return true;
    }

    /// <summary>
    /// Reads a click on a card the self-built app sent (its callback's <c>template_card_event</c>, wecom.md §2.5);
    /// the clicker's 1:1 chat, so no chat id.
    /// </summary>
    public static bool TryRead(AppMessage message, [NotNullWhen(true)] out CardClick? click)
    {
        ArgumentNullException.ThrowIfNull(message);
        click = null;
        if (message is not AppTemplateCardEvent card || card.EventKey.Length == 0)
        {
            return false;
        }

        click = new CardClick(
            card.FromUserName,
            null,
            card.TaskId,
            card.EventKey,
            CardEventKey.TryParse(card.EventKey, out var key) ? key : null,
            card.CardType);
        return true;
    }
}
