using Guanjia.Core.Triage;

namespace Guanjia.Core.Messages;

/// <summary>Which part of the hand lexicon the gate still reads besides its model.</summary>
public enum ConversationLexicon
{
    /// <summary>The model alone.</summary>
    None,

    /// <summary>Emoji-only lines and lines of nothing but conversational forms (收到, 1, 👍): a model has nothing to read there.</summary>
    Pure,

    /// <summary>The whole recogniser (forms, team talk, all-clears, questions about the bot).</summary>
    Full,
}

/// <summary>How the conversation gate decides: the model's threshold and the lexicon it keeps. Chosen on CV (docs/triage.md).</summary>
/// <param name="Above">The learned probability of conversation from which a text is conversation.</param>
/// <param name="Lexicon">The lexicon read besides the model.</param>
/// <param name="ProblemAbove">
/// The bar for a text with a problem word that asks nothing (猫屎好臭 reads like chat to a model; 消防演练是几号 asks);
/// above 1 such a text is never taken for chat by the model.
/// </param>
public sealed record ConversationGateSettings(double Above, ConversationLexicon Lexicon, double ProblemAbove)
{
    public static ConversationGateSettings Default { get; } = new(0.6, ConversationLexicon.Pure, 0.9);
}

/// <summary>
/// Is a text message conversation (greeting, thanks, acknowledgement, question) or a report? Decided here
/// and nowhere else: the safety nets veto first (an urgent cue, a place named together with a problem word,
/// a photo: a report), then the lexicon where a model has nothing to read, then the learned gate
/// (<see cref="TriageResult.Conversation"/>). Errs on the side of filing: a report taken for chat is worse
/// than a chat line filed.
/// </summary>
public static class ConversationGate
{
    /// <summary>The conversation kind when <paramref name="text"/> is conversation; null when it is (or may be) a report.</summary>
    public static ConversationKind? Decide(string text, TriageResult triage, bool photo, ConversationGateSettings? settings = null)
    {
        settings ??= ConversationGateSettings.Default;
        if (Lexicon(text, triage, photo, settings) is { } kind)
        {
            return kind;
        }

        if (Vetoed(text, triage, photo) || triage.Conversation is not { } p)
        {
            return null;
        }

        // A short real report (猫屎好臭, 坑！) reads like chat to a model: a problem word that asks nothing needs more.
        var bar = ConversationRecognizer.SpeaksOfAProblem(text) && !ConversationRecognizer.IsQuestion(text) ? settings.ProblemAbove : settings.Above;
        return p >= bar ? ConversationRecognizer.KindOf(text) : null;
    }

    /// <summary>The lexicon's part of <see cref="Decide"/> alone (before a message is read as a follow-up to a recent report).</summary>
    public static ConversationKind? Lexicon(string text, TriageResult triage, bool photo, ConversationGateSettings? settings = null)
    {
        return LexiconSays(text, settings, out var kind) && !Vetoed(text, triage, photo) ? kind : null;
    }

    /// <summary>Whether the text may be read by the lexicon at all; the model is asked only then.</summary>
    public static bool LexiconMayMatch(string text, ConversationGateSettings? settings = null) => LexiconSays(text, settings, out _);

    private static bool LexiconSays(string text, ConversationGateSettings? settings, out ConversationKind kind)
    {
        kind = ConversationKind.Acknowledgement;
        return (settings ?? ConversationGateSettings.Default).Lexicon switch
        {
            ConversationLexicon.Full => ConversationRecognizer.TryRecognize(text, out kind),
            ConversationLexicon.Pure => ConversationRecognizer.IsPureSmallTalk(text, out kind),
            _ => false,
        };
    }

    /// <summary>The safety nets: whatever else it says, such a message is filed.</summary>
    public static bool Vetoed(string text, TriageResult triage, bool photo) =>
        photo || triage.UrgentCue is not null || (triage.NamesPlace && ConversationRecognizer.SpeaksOfAProblem(text));
}
