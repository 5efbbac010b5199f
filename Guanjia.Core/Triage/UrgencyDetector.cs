namespace Guanjia.Core.Triage;

/// <summary>An urgent cue found in a report, and its hazard kind (fire, gas, electricity, structure, people, violence, alarm).</summary>
internal readonly record struct UrgentCueMatch(string Cue, string Kind);

/// <summary>
/// The urgency safety net: finds a hazard cue (起火, 煤气味, 电线掉, 走失, 拿刀 …) that is not
/// negated right before it (没有冒烟, 万一着火), not settled later in the report (已经灭了,
/// 已经找到了), and not inside a non-urgent context (消防演练).
/// </summary>
internal sealed class UrgencyDetector
{
    // How far back (within one clause) a negation may stand: "没有明显冒烟", not "没多久就冒烟".
    private const int NegationReach = 3;

    private readonly UrgentRules _rules;
    private readonly (string Cue, string Kind)[] _cues;
    private readonly HashSet<string> _cueSet;

    public UrgencyDetector(UrgentRules rules)
    {
        _rules = rules;
        _cues = [.. rules.Hazards.SelectMany(h => h.Value.Select(c => (c, h.Key))).OrderByDescending(c => c.c.Length)];
        _cueSet = new HashSet<string>(_cues.Select(c => c.Cue), StringComparer.Ordinal);
    }

    public bool IsCue(string phrase) => _cueSet.Contains(phrase);

    public UrgentCueMatch? Find(string normalized)
    {
        if (_rules.NonUrgentContexts.Any(c => normalized.Contains(c, StringComparison.Ordinal)))
        {
            return null;
        }

        foreach (var (cue, kind) in _cues)
        {
            var from = 0;
            while (from < normalized.Length)
            {
                var at = normalized.IndexOf(cue, from, StringComparison.Ordinal);
                if (at < 0)
                {
                    break;
                }

                if (!IsNegated(normalized, at) && !IsSettledAfter(normalized, at + cue.Length))
                {
                    return new UrgentCueMatch(cue, kind);
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
        foreach (var negation in _rules.Negations)
        {
            var at = window.LastIndexOf(negation, StringComparison.Ordinal);
            if (at >= 0 && window.Length - (at + negation.Length) <= NegationReach - 1)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsSettledAfter(string normalized, int from) =>
        _rules.Resolved.Any(r => normalized.IndexOf(r, from, StringComparison.Ordinal) >= 0);
}
