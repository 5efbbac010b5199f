namespace Guanjia.Core.Triage;

/// <summary>
/// An urgent cue found in a report, and its hazard kind (fire, gas, electricity, structure, people, violence, alarm);
/// <paramref name="Corroborate"/> when the cue alone is not enough (断了 also names a broken handrail).
/// </summary>
internal readonly record struct UrgentCueMatch(string Cue, string Kind, bool Corroborate = false);

/// <summary>
/// The urgency safety net: finds a hazard cue (起火, 煤气味, 电线掉, 走失, 拿刀 …) that is not
/// negated right before it (没有冒烟, 万一着火), not settled later in the report (已经灭了,
/// 已经找到了), and not inside a non-urgent context (消防演练).
/// </summary>
internal sealed partial class UrgencyDetector
{
    // How far back (within one clause) a negation may stand: "没有明显冒烟", not "没多久就冒烟".
    private const int NegationReach = 3;

    private static readonly System.Buffers.SearchValues<char> StillGoing = System.Buffers.SearchValues.Create("就一还");

    private readonly UrgentRules _rules;
    private readonly (string Cue, string Kind)[] _cues;
    private readonly HashSet<string> _cueSet;

    // Every cue at once (Aho-Corasick): most reports name none, and then no cue is searched one by one.
    private readonly System.Buffers.SearchValues<string> _anyCue;
    private readonly HashSet<string> _corroborate;

    public UrgencyDetector(UrgentRules rules)
    {
        _rules = rules;
        _corroborate = new HashSet<string>(rules.Corroborate, StringComparer.Ordinal);
        // Cues that stand alone are searched first, so a report naming both kinds is found by the stronger one.
        _cues = [.. rules.Hazards.SelectMany(h => h.Value.Select(c => (c, h.Key)))
            .OrderBy(c => _corroborate.Contains(c.c)).ThenByDescending(c => c.c.Length)];
        _cueSet = new HashSet<string>(_cues.Select(c => c.Cue), StringComparer.Ordinal);
        _anyCue = System.Buffers.SearchValues.Create([.. _cueSet], StringComparison.Ordinal);
    }

    public bool IsCue(string phrase) => _cueSet.Contains(phrase);

    /// <summary>The text with spaces between two Chinese characters removed (电线 垂到 地上 → 电线垂到地上).</summary>
    public static string Compact(string normalized) =>
        normalized.Contains(' ', StringComparison.Ordinal) ? SpaceBetweenHanzi().Replace(normalized, "") : normalized;

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=\p{IsCJKUnifiedIdeographs}) +(?=\p{IsCJKUnifiedIdeographs})")]
    private static partial System.Text.RegularExpressions.Regex SpaceBetweenHanzi();

    /// <summary>A drill, a talk or a lesson: nothing is in danger, whatever the words.</summary>
    /// <remarks>A denied context does not count: 不是演练，是真的着火了 is a fire.</remarks>
    public bool InNonUrgentContext(string normalized)
    {
        foreach (var context in _rules.NonUrgentContexts)
        {
            for (var at = normalized.IndexOf(context, StringComparison.Ordinal); at >= 0; at = normalized.IndexOf(context, at + 1, StringComparison.Ordinal))
            {
                if (!IsNegated(normalized, at, _rules.Negations))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public UrgentCueMatch? Find(string normalized)
    {
        if (InNonUrgentContext(normalized))
        {
            return null;
        }

        normalized = WithoutHarmless(normalized);
        if (!normalized.AsSpan().ContainsAny(_anyCue))
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

                if (!IsNegated(normalized, at) && !IsSettledAfter(normalized, at + cue.Length, kind)
                    && !IsPast(normalized, at, cue.Length) && !IsHypotheticalAfter(normalized, at + cue.Length))
                {
                    return new UrgentCueMatch(cue, kind, _corroborate.Contains(cue));
                }

                from = at + 1;
            }
        }

        return null;
    }

    /// <summary>The report says an always-urgent category's danger is not there now (没闻到味道, 误报, 虚惊一场).</summary>
    public bool SaysAllClear(string normalized) =>
        _rules.AllClear.Any(c => normalized.Contains(c, StringComparison.Ordinal));

    /// <summary>Some cue is named at all, negated or settled or not (没冒烟 names smoke): then the rules, not the learned model, decide.</summary>
    public bool NamesAnyCue(string normalized)
    {
        normalized = WithoutHarmless(normalized);
        return normalized.AsSpan().ContainsAny(_anyCue);
    }

    /// <summary>The text with harmless phrases that contain a cue (网线断了, 全是烟头) blanked.</summary>
    private string WithoutHarmless(string normalized)
    {
        foreach (var phrase in _rules.Harmless)
        {
            if (normalized.Contains(phrase, StringComparison.Ordinal))
            {
                normalized = normalized.Replace(phrase, new string(' ', phrase.Length), StringComparison.Ordinal);
            }
        }

        return normalized;
    }

    /// <summary>A past time word earlier in the cue's clause (上个月…着火), or the experiential 过 right after it (摔倒过).</summary>
    private bool IsPast(string normalized, int cueStart, int cueLength)
    {
        var end = cueStart + cueLength;
        if (end < normalized.Length && normalized[end] == '过'
            && (end + 1 == normalized.Length || TextNormalizer.IsBoundary(normalized[end + 1]) || "一几两好的了".Contains(normalized[end + 1])))
        {
            return true;
        }

        var clauseStart = cueStart;
        while (clauseStart > 0 && !TextNormalizer.IsBoundary(normalized[clauseStart - 1]))
        {
            clauseStart--;
        }

        // 昨晚就没回家, 去年开始就有点糊涂: what began then is still going on.
        var before = normalized.AsSpan(clauseStart, cueStart - clauseStart);
        foreach (var word in _rules.Past)
        {
            var at = before.IndexOf(word, StringComparison.Ordinal);
            if (at >= 0 && !before[(at + word.Length)..].ContainsAny(StillGoing) && !StillNow(before[(at + word.Length)..]))
            {
                return true;
            }
        }

        return false;
    }

    // 昨晚出去了到现在没回来: what began then and lasts till now is not past.
    private static bool StillNow(ReadOnlySpan<char> between) =>
        between.Contains("现在", StringComparison.Ordinal) || between.Contains("至今", StringComparison.Ordinal);

    /// <summary>A hypothetical question later in the cue's clause: 着起火来咋个整, 着火了咋个跑.</summary>
    private bool IsHypotheticalAfter(string normalized, int from)
    {
        var clauseEnd = from;
        while (clauseEnd < normalized.Length && !TextNormalizer.IsBoundary(normalized[clauseEnd]))
        {
            clauseEnd++;
        }

        var after = normalized.AsSpan(from, clauseEnd - from);
        foreach (var word in _rules.HypotheticalsAfter)
        {
            if (after.Contains(word, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text with denied cues blanked (还没有冒烟 → 还没有; 万一着火 stays), so the classifier does not read a hazard that is denied.</summary>
    public string WithoutNegatedCues(string normalized)
    {
        if (!normalized.AsSpan().ContainsAny(_anyCue))
        {
            return normalized;
        }

        char[]? chars = null;
        foreach (var (cue, _) in _cues)
        {
            for (var at = normalized.IndexOf(cue, StringComparison.Ordinal); at >= 0; at = normalized.IndexOf(cue, at + 1, StringComparison.Ordinal))
            {
                if (IsNegated(normalized, at, _rules.Negations))
                {
                    chars ??= normalized.ToCharArray();
                    Array.Fill(chars, ' ', at, cue.Length);
                }
            }
        }

        return chars is null ? normalized : new string(chars);
    }

    /// <summary>A denial or a hypothetical stands just before the cue, in the same clause.</summary>
    public bool IsNegated(string normalized, int cueStart) =>
        IsNegated(normalized, cueStart, _rules.Negations) || IsNegated(normalized, cueStart, _rules.Hypotheticals);

    private static bool IsNegated(string normalized, int cueStart, IReadOnlyList<string> negations)
    {
        var clauseStart = cueStart;
        while (clauseStart > 0 && !TextNormalizer.IsBoundary(normalized[clauseStart - 1]))
        {
            clauseStart--;
        }

        var windowStart = Math.Max(clauseStart, cueStart - NegationReach - 2);
        var window = normalized[windowStart..cueStart];
        foreach (var negation in negations)
        {
            var at = window.LastIndexOf(negation, StringComparison.Ordinal);
            if (at >= 0 && window.Length - (at + negation.Length) <= NegationReach - 1)
            {
                return true;
            }
        }

        return false;
    }

    // A fire put out does not settle a gas smell (灶上的火已经灭了但是阀门开着).
    private bool IsSettledAfter(string normalized, int from, string kind) =>
        _rules.Resolved.Any(r => !(kind == "gas" && r.Contains('灭', StringComparison.Ordinal)) && normalized.IndexOf(r, from, StringComparison.Ordinal) >= 0);
}
