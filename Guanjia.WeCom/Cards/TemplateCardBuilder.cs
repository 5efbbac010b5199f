namespace Guanjia.WeCom.Cards;

/// <summary>
/// Builds a <see cref="TemplateCard"/> within WeCom's limits: texts are cut with an ellipsis, lists
/// beyond their maximum are dropped from the end, so long Chinese text never makes WeCom refuse the
/// card. Only a malformed task_id or an oversized key throws: those are programming errors.
/// </summary>
public sealed class TemplateCardBuilder
{
    private readonly string _cardType;
    private readonly List<CardHorizontalContent> _fields = [];
    private readonly List<CardJump> _jumps = [];
    private readonly List<CardButton> _buttons = [];
    private readonly List<CardSelection> _selections = [];
    private CardSource? _source;
    private CardMainTitle? _mainTitle;
    private CardEmphasis? _emphasis;
    private CardQuoteArea? _quote;
    private string? _subTitle;
    private CardAction? _action;
    private CardCheckbox? _checkbox;
    private CardSubmitButton? _submit;
    private string? _taskId;

    private TemplateCardBuilder(string cardType) => _cardType = cardType;

    /// <summary>Text only, opened by a click on the card (a link is required by the app's message/send).</summary>
    public static TemplateCardBuilder TextNotice() => new(TemplateCardTypes.TextNotice);

    /// <summary>Up to six buttons, each with an event key.</summary>
    public static TemplateCardBuilder ButtonInteraction() => new(TemplateCardTypes.ButtonInteraction);

    /// <summary>A single- or multiple-choice question with a submit button.</summary>
    public static TemplateCardBuilder VoteInteraction() => new(TemplateCardTypes.VoteInteraction);

    /// <summary>Up to three drop-down selections with a submit button.</summary>
    public static TemplateCardBuilder MultipleInteraction() => new(TemplateCardTypes.MultipleInteraction);

    /// <summary>Starts from an existing card (to update it after a click).</summary>
    public static TemplateCardBuilder From(TemplateCard card, string? cardType = null)
    {
        var builder = new TemplateCardBuilder(cardType ?? card.CardType)
        {
            _source = card.Source,
            _mainTitle = card.MainTitle,
            _emphasis = card.EmphasisContent,
            _quote = card.QuoteArea,
            _subTitle = card.SubTitleText,
            _action = card.CardAction,
            _checkbox = card.Checkbox,
            _submit = card.SubmitButton,
            _taskId = card.TaskId,
        };
        builder._fields.AddRange(card.HorizontalContentList ?? []);
        builder._jumps.AddRange(card.JumpList ?? []);
        builder._buttons.AddRange(card.ButtonList ?? []);
        builder._selections.AddRange(card.SelectList ?? []);
        return builder;
    }

    public TemplateCardBuilder Source(string desc, int? descColor = null)
    {
        _source = new CardSource(CardText.Fit(desc, CardText.SourceDesc), descColor);
        return this;
    }

    public TemplateCardBuilder Title(string title, string? desc = null)
    {
        _mainTitle = new CardMainTitle(CardText.Fit(title, CardText.MainTitle), CardText.Fit(desc, CardText.MainTitleDesc));
        return this;
    }

    public TemplateCardBuilder Emphasis(string title, string? desc = null)
    {
        _emphasis = new CardEmphasis(CardText.Fit(title, CardText.EmphasisTitle), CardText.Fit(desc, CardText.EmphasisDesc));
        return this;
    }

    public TemplateCardBuilder NoEmphasis()
    {
        _emphasis = null;
        return this;
    }

    public TemplateCardBuilder Quote(string? title, string text, string? url = null)
    {
        _quote = new CardQuoteArea(
            CardText.Fit(title, CardText.QuoteTitle),
            CardText.Fit(text, CardText.QuoteText, singleLine: false),
            url is null ? null : 1,
            url);
        return this;
    }

    public TemplateCardBuilder NoQuote()
    {
        _quote = null;
        return this;
    }

    /// <summary>The card's body text (up to 112 characters; line breaks kept).</summary>
    public TemplateCardBuilder SubTitle(string? text)
    {
        _subTitle = CardText.Fit(text, CardText.SubTitle, singleLine: false);
        return this;
    }

    /// <summary>A "key: value" line; more than six are dropped.</summary>
    public TemplateCardBuilder Field(string key, string? value, string? url = null)
    {
        if (_fields.Count < CardText.MaxHorizontalContents)
        {
            _fields.Add(new CardHorizontalContent(
                CardText.Fit(key, CardText.HorizontalKey)!,
                CardText.Fit(value, CardText.HorizontalValue),
                url is null ? null : 1,
                url));
        }

        return this;
    }

    /// <summary>A link below the card; more than three are dropped.</summary>
    public TemplateCardBuilder Link(string title, Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (_jumps.Count < CardText.MaxJumps)
        {
            _jumps.Add(new CardJump(CardText.Fit(title, CardText.JumpTitle)!, 1, url.ToString()));
        }

        return this;
    }

    /// <summary>What a click on the card (outside buttons) opens.</summary>
    public TemplateCardBuilder OpensUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        _action = new CardAction(1, url.ToString());
        return this;
    }

    /// <summary>A button; more than six are dropped. Style 1–4 (null: WeCom's default).</summary>
    public TemplateCardBuilder Button(string text, CardEventKey key, int? style = null) =>
        Button(text, key?.ToString() ?? throw new ArgumentNullException(nameof(key)), style);

    public TemplateCardBuilder Button(string text, string key, int? style = null)
    {
        CheckKey(key);
        if (_buttons.Count < CardText.MaxButtons)
        {
            _buttons.Add(new CardButton(CardText.Fit(text, CardText.ButtonText)!, key, style is >= 1 and <= 4 ? style : null));
        }

        return this;
    }

    public TemplateCardBuilder NoButtons()
    {
        _buttons.Clear();
        return this;
    }

    /// <summary>The question of a vote card: options as (id, text); more than twenty are dropped.</summary>
    public TemplateCardBuilder Checkbox(string questionKey, IEnumerable<(string Id, string Text)> options, bool multiple = false)
    {
        CheckKey(questionKey);
        _checkbox = new CardCheckbox(
            questionKey,
            [.. options.Take(CardText.MaxCheckboxOptions).Select(o => new CardCheckboxOption(o.Id, CardText.Fit(o.Text, CardText.CheckboxOptionText)!))],
            multiple ? 1 : 0);
        return this;
    }

    /// <summary>A drop-down of a multiple-interaction card; more than three are dropped, ten options each.</summary>
    public TemplateCardBuilder Selection(string questionKey, string title, IEnumerable<(string Id, string Text)> options)
    {
        CheckKey(questionKey);
        if (_selections.Count < CardText.MaxSelections)
        {
            _selections.Add(new CardSelection(
                questionKey,
                CardText.Fit(title, CardText.SelectionTitle),
                [.. options.Take(CardText.MaxSelectionOptions).Select(o => new CardOption(o.Id, CardText.Fit(o.Text, CardText.SelectionOptionText)!))]));
        }

        return this;
    }

    public TemplateCardBuilder Submit(string text, string key)
    {
        CheckKey(key);
        _submit = new CardSubmitButton(CardText.Fit(text, CardText.SubmitText)!, key);
        return this;
    }

    /// <summary>Identifies the card in click events and updates; unique per bot.</summary>
    public TemplateCardBuilder TaskId(string taskId)
    {
        if (!CardText.IsValidTaskId(taskId))
        {
            throw new ArgumentException("A task_id is 1–128 letters, digits, '_', '-' or '@'.", nameof(taskId));
        }

        _taskId = taskId;
        return this;
    }

    public TemplateCard Build()
    {
        var interactive = _cardType != TemplateCardTypes.TextNotice;
        if (interactive && _taskId is null)
        {
            throw new InvalidOperationException($"A {_cardType} card needs a task_id to receive clicks.");
        }

        return new TemplateCard
        {
            CardType = _cardType,
            Source = _source,
            MainTitle = _mainTitle,
            EmphasisContent = _emphasis,
            QuoteArea = _quote,
            SubTitleText = _subTitle,
            HorizontalContentList = _fields.Count > 0 ? [.. _fields] : null,
            JumpList = _jumps.Count > 0 ? [.. _jumps] : null,
            // text_notice requires a card_action; "0" means the card opens nothing.
            CardAction = _action ?? (_cardType == TemplateCardTypes.TextNotice ? new CardAction(0) : null),
            ButtonList = _cardType == TemplateCardTypes.ButtonInteraction ? [.. _buttons] : null,
            Checkbox = _cardType == TemplateCardTypes.VoteInteraction ? _checkbox : null,
            SelectList = _cardType == TemplateCardTypes.MultipleInteraction && _selections.Count > 0 ? [.. _selections] : null,
            SubmitButton = _cardType is TemplateCardTypes.VoteInteraction or TemplateCardTypes.MultipleInteraction ? _submit : null,
            TaskId = _taskId,
        };
    }

    private static void CheckKey(string key)
    {
        if (string.IsNullOrEmpty(key) || !CardText.KeyFits(key))
        {
            throw new ArgumentException($"A card key is 1–{CardText.MaxKeyBytes} bytes.", nameof(key));
        }
    }
}
