namespace Guanjia.WeCom.Cards;

/// <summary>The cards that replace a clicked card (<c>update_template_card</c>); the same task_id is kept.</summary>
public static class CardUpdates
{
    /// <summary>
    /// For everyone: the card without its buttons, the outcome ("已接单") shown large and who did it
    /// below. It becomes a text_notice, which needs no buttons.
    /// </summary>
    public static TemplateCardUpdate Outcome(TemplateCard clicked, string outcome, string? by = null)
    {
        ArgumentNullException.ThrowIfNull(clicked);
        var builder = TemplateCardBuilder.From(clicked, TemplateCardTypes.TextNotice)
            .NoButtons()
            // WeCom advises against an emphasis block together with a quote.
            .NoQuote()
            .Emphasis(outcome, by);
        // A text_notice opens something when tapped (the app's requires it): the card's first link.
        if (clicked.CardAction is null && clicked.JumpList?.FirstOrDefault(j => j.Type == 1 && j.Url is not null) is { } link
            && Uri.TryCreate(link.Url, UriKind.Absolute, out var url))
        {
            builder.OpensUrl(url);
        }

        var card = builder.Build();
        return new TemplateCardUpdate(card with { Checkbox = null, SelectList = null, SubmitButton = null });
    }

    /// <summary>
    /// Only for <paramref name="userId"/>: the same card and buttons, with the reason the click was
    /// refused at the top of its text. Everyone else keeps seeing the card unchanged.
    /// </summary>
    public static TemplateCardUpdate Refusal(TemplateCard clicked, string refusal, string userId)
    {
        ArgumentNullException.ThrowIfNull(clicked);
        var text = clicked.SubTitleText is { Length: > 0 } sub ? $"⚠ {refusal}\n{sub}" : $"⚠ {refusal}";
        var card = TemplateCardBuilder.From(clicked).SubTitle(text).Build();
        return new TemplateCardUpdate(card, [userId]);
    }
}
