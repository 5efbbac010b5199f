using Guanjia.Core.Outbox;
using Guanjia.WeCom.Cards;

namespace Guanjia.Bot.LongConnection;

/// <summary>Core's cards (<see cref="OutboxCard"/>) as WeCom template cards.</summary>
internal static class CardMapping
{
    public static TemplateCard? ToTemplateCard(string json) => OutboxCard.FromJson(json) is { } card ? ToTemplateCard(card) : null;

    public static TemplateCard ToTemplateCard(OutboxCard card)
    {
        var builder = card.Buttons.Count > 0 ? TemplateCardBuilder.ButtonInteraction() : TemplateCardBuilder.TextNotice();
        builder.Source("小巷管家").Title(card.Title, card.TitleNote)
            .SubTitle(card.Hint is { Length: > 0 } hint ? $"{card.Text}\n{hint}" : card.Text)
            .TaskId(SafeTaskId(card.TaskId));
        foreach (var field in card.Fields)
        {
            builder.Field(field.Key, field.Value);
        }

        foreach (var button in card.Buttons)
        {
            builder.Button(button.Text, button.Key, button.Style);
        }

        if (card.LinkUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var link))
        {
            builder.Link(card.LinkTitle ?? "查看工单", link);
            if (card.Buttons.Count == 0)
            {
                builder.OpensUrl(link);
            }
        }

        return builder.Build();
    }

    // Core's task ids are made of the allowed characters; anything else would make WeCom refuse the card.
    private static string SafeTaskId(string taskId) =>
        CardText.IsValidTaskId(taskId) ? taskId : "gj-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(taskId)))[..32];
}
