namespace Guanjia.Core.Triage;

/// <summary>
/// Finds an urgent cue (起火, 煤气味, 被困 …) that is not negated right before it (没有冒烟)
/// and not inside a non-urgent context (消防演练).
/// </summary>
internal sealed class UrgencyDetector(UrgentRules rules)
{
    // How far back (within one clause) a negation may stand: "没有明显冒烟", not "没多久就冒烟".
    private const int NegationReach = 3;

    private readonly string[] _cues = [.. rules.Cues.OrderByDescending(c => c.Length)];

    public string? FindCue(string normalized)
    {
        if (rules.NonUrgentContexts.Any(c => normalized.Contains(c, StringComparison.Ordinal)))
        {
            return null;
        }

        foreach (var cue in _cues)
        {
            var from = 0;
            while (from < normalized.Length)
            {
                var at = normalized.IndexOf(cue, from, StringComparison.Ordinal);
                if (at < 0)
                {
                    break;
                }

                if (!IsNegated(normalized, at))
                {
                    return cue;
                }

                from = at + 1;
            }
        }

        return null;
    }

    public bool IsNegated(string normalized, int cueStart)
    {
        var clauseStart = cueStart;
        while (clauseStart > 0 && !TextNormalizer.IsBoundary(normalized[clauseStart - 1]))
        {
            clauseStart--;
        }

        var windowStart = Math.Max(clauseStart, cueStart - NegationReach - 2);
        var window = normalized[windowStart..cueStart];
        foreach (var negation in rules.Negations)
        {
            var at = window.LastIndexOf(negation, StringComparison.Ordinal);
            if (at >= 0 && window.Length - (at + negation.Length) <= NegationReach - 1)
            {
                return true;
            }
        }

        return false;
    }
}
