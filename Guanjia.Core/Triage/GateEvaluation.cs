using System.Globalization;
using System.Text;
using Guanjia.Core.Messages;

namespace Guanjia.Core.Triage;

/// <summary>One labelled line as the conversation gate read it (out of fold in cross-validation).</summary>
/// <param name="Conversation">The line is labelled conversation (else a report).</param>
/// <param name="Text">The line.</param>
/// <param name="Result">Its triage, with the gate's probability.</param>
public sealed record GateLine(bool Conversation, string Text, TriageResult Result);

/// <summary>Figures of the conversation gate: conversation lines filed as reports, reports taken for conversation.</summary>
public static class GateEvaluation
{
    private static readonly double[] Thresholds = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    private static readonly double[] ProblemThresholds = [0.9, 0.95, 2.0];

    /// <summary>
    /// The recogniser before the learned gate (the lexicon, unless an urgent cue; then short text naming no problem, no
    /// digit and no place that the category model was unsure of), kept only to measure the gate against.
    /// </summary>
    public static bool Before(string text, TriageResult result)
    {
        if (ConversationRecognizer.TryRecognize(text, out _) && result.UrgentCue is null)
        {
            return true;
        }

        var core = ConversationRecognizer.Core(text);
        var trimmed = text.TrimEnd();
        var question = trimmed.EndsWith('?') || trimmed.EndsWith('？') || core.EndsWith('吗') || core.EndsWith('呢') || core.EndsWith('么');
        if (core.Length == 0 || core.Length > (question ? 16 : 8) || ConversationRecognizer.SpeaksOfAProblem(text)
            || core.Any(char.IsAsciiDigit) || result.NamesPlace)
        {
            return false;
        }

        return result.LowConfidence;
    }

    /// <summary>The figures of the recogniser before, the gate as set, and the grid of thresholds and lexicons.</summary>
    public static string Summary(IReadOnlyList<GateLine> lines, bool misses)
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var conversation = lines.Count(l => l.Conversation);
        var reports = lines.Count - conversation;
        sb.AppendLine(c, $"conversation gate: {conversation} conversation lines, {reports} reports");
        void Line(string name, Func<GateLine, bool> talk)
        {
            var filed = lines.Count(l => l.Conversation && !talk(l));
            var taken = lines.Count(l => !l.Conversation && talk(l));
            sb.AppendLine(c, $"  {name,-60} conversation filed {filed,4}/{conversation} ({Ratio(filed, conversation),6:P1}), reports taken for chat {taken,4}/{reports} ({Ratio(taken, reports),6:P2})");
        }

        Line("before (lexicon + short and unsure)", l => Before(l.Text, l.Result));
        var chosen = ConversationGateSettings.Default;
        Line($"as set: {Name(chosen)}", l => Talk(l, chosen));
        foreach (var lexicon in Enum.GetValues<ConversationLexicon>())
        {
            foreach (var above in Thresholds)
            {
                foreach (var problem in ProblemThresholds.Where(t => t >= above).Prepend(above).Distinct())
                {
                    var settings = new ConversationGateSettings(above, lexicon, problem);
                    Line(Name(settings), l => Talk(l, settings));
                }
            }
        }

        if (misses)
        {
            foreach (var l in lines.Where(l => l.Conversation != Talk(l, chosen)))
            {
                sb.AppendLine(c, $"    {(l.Conversation ? "chat filed" : "report taken for chat")} p={l.Result.Conversation:0.00}: {l.Text}");
            }
        }

        return sb.ToString();
    }

    private static string Name(ConversationGateSettings s) => string.Create(CultureInfo.InvariantCulture,
        $"gate {s.Lexicon}, ≥ {s.Above:0.00}, problem w/o question {(s.ProblemAbove > 1 ? "never" : $"≥ {s.ProblemAbove:0.00}")}");

    private static bool Talk(GateLine line, ConversationGateSettings settings) =>
        ConversationGate.Decide(line.Text, line.Result, photo: false, settings) is not null;

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}
