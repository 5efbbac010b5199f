namespace Guanjia.Core.Triage;

/// <summary>
/// An urgent cue found in a report, and its hazard kind (fire, gas, electricity, structure, people, violence, alarm);
/// <paramref name="Corroborate"/> when the cue alone is not enough (断了 also names a broken handrail).
/// </summary>
/// <paramref name="Weak"/> when the report names an ordinary source of the same sign (烧烤 smoke) or the cue needs a person
/// and none is named (站牌被撞倒): then it counts only where the learned model alone would.
internal readonly record struct UrgentCueMatch(string Cue, string Kind, bool Corroborate = false, bool Weak = false)
{
    // Which cue decides when a report names several: one that stands alone, then one to corroborate, then a weak one.
    public int Strength => Weak ? 0 : Corroborate ? 1 : 2;
}

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
    private readonly HashSet<string> _needsPerson;

    public UrgencyDetector(UrgentRules rules)
    {
        _rules = rules;
        _corroborate = new HashSet<string>(rules.Corroborate, StringComparer.Ordinal);
        _needsPerson = new HashSet<string>(rules.NeedsPerson, StringComparer.Ordinal);
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
        var best = FindPair(normalized);
        if (!normalized.AsSpan().ContainsAny(_anyCue))
        {
            return best;
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
                    var match = new UrgentCueMatch(cue, kind, _corroborate.Contains(cue), IsWeak(normalized, at, cue, kind));
                    if (match.Strength == 2)
                    {
                        return match;
                    }

                    if (best is null || match.Strength > best.Value.Strength)
                    {
                        best = match;
                    }
                }

                from = at + 1;
            }
        }

        return best;
    }

    // A thing and its sign in one sentence (燃气管子…在漏): the sign read like a cue (not denied, past, settled or supposed).
    private UrgentCueMatch? FindPair(string normalized)
    {
        if (_rules.Pairs.Count == 0 || SaysAllClear(normalized))
        {
            return null;
        }

        foreach (var pair in _rules.Pairs)
        {
            foreach (var sign in pair.Signs)
            {
                for (var at = normalized.IndexOf(sign, StringComparison.Ordinal); at >= 0; at = normalized.IndexOf(sign, at + 1, StringComparison.Ordinal))
                {
                    if (IsNegated(normalized, at) || IsSettledAfter(normalized, at + sign.Length, pair.Kind)
                        || IsPast(normalized, at, sign.Length) || IsHypotheticalAfter(normalized, at + sign.Length))
                    {
                        continue;
                    }

                    var start = Math.Max(normalized.AsSpan(0, at).LastIndexOfAny(SentenceEnd) + 1, at - pair.Reach);
                    var after = normalized.AsSpan(at + sign.Length).IndexOfAny(SentenceEnd);
                    var end = Math.Min(after < 0 ? normalized.Length : at + sign.Length + after, at + sign.Length + pair.Reach);
                    var around = normalized.AsSpan(start, end - start);
                    foreach (var thing in pair.With)
                    {
                        if (around.Contains(thing, StringComparison.Ordinal))
                        {
                            return new UrgentCueMatch($"{thing}…{sign}", pair.Kind, Corroborate: true, IsWeak(normalized, at, sign, pair.Kind));
                        }
                    }
                }
            }
        }

        return null;
    }

    // 烧烤摊冒烟 (an ordinary source of the sign), 站牌被撞倒 (a person's danger with nobody named).
    private bool IsWeak(string normalized, int at, string cue, string kind) =>
        (_rules.Ordinary.TryGetValue(kind, out var sources) && sources.Any(s => normalized.Contains(s, StringComparison.Ordinal)))
        || (_needsPerson.Contains(cue) && !PersonBefore(normalized, at));

    // A person named earlier in the cue's sentence: 老人在院子里晾衣服，从凳子上摔下来了.
    private bool PersonBefore(string normalized, int at)
    {
        var start = normalized.AsSpan(0, at).LastIndexOfAny(SentenceEnd) + 1;
        return ContainsAnyOf(normalized.AsSpan(start, at - start), _rules.Persons);
    }

    private static readonly System.Buffers.SearchValues<char> SentenceEnd = System.Buffers.SearchValues.Create("。！？!?\n");

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

        var clauseStart = ClauseStart(normalized, cueStart);

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
    // 昨晚下雨淋了今早开始滋滋响: a present time word after the past one brings the cue to now.
    private bool StillNow(ReadOnlySpan<char> between) => ContainsAnyOf(between, _rules.Present);

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
        IsNegated(normalized, cueStart, _rules.Negations) || IsNegated(normalized, cueStart, _rules.Hypotheticals, _rules.Hedges);

    private static bool IsNegated(string normalized, int cueStart, IReadOnlyList<string> negations, IReadOnlyList<string>? hedges = null)
    {
        var clauseStart = ClauseStart(normalized, cueStart);

        var windowStart = Math.Max(clauseStart, cueStart - NegationReach - 2);
        var window = normalized[windowStart..cueStart];

        // 怕是漏气了 guesses that it is happening: its 怕 is no fear of what could come.
        foreach (var hedge in hedges ?? [])
        {
            window = window.Replace(hedge, new string(' ', hedge.Length), StringComparison.Ordinal);
        }
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
    // A settling phrase asked (是不是漏电了) or habitual (平时半个钟头就回来了) settles nothing.
    private bool IsSettledAfter(string normalized, int from, string kind)
    {
        foreach (var r in _rules.Resolved)
        {
            if (kind == "gas" && r.Contains('灭', StringComparison.Ordinal))
            {
                continue;
            }

            for (var at = normalized.IndexOf(r, from, StringComparison.Ordinal); at >= 0; at = normalized.IndexOf(r, at + 1, StringComparison.Ordinal))
            {
                if (!(r[0] == '不' && at > 0 && normalized[at - 1] == '是') && !IsHabitual(normalized, at))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool IsHabitual(string normalized, int at)
    {
        var clauseStart = ClauseStart(normalized, at);
        return ContainsAnyOf(normalized.AsSpan(clauseStart, at - clauseStart), _rules.Habitual);
    }

    /// <summary>Where the clause holding position <paramref name="at"/> begins (after the last boundary before it).</summary>
    private static int ClauseStart(string normalized, int at)
    {
        while (at > 0 && !TextNormalizer.IsBoundary(normalized[at - 1]))
        {
            at--;
        }

        return at;
    }

    private static bool ContainsAnyOf(ReadOnlySpan<char> text, IReadOnlyList<string> words)
    {
        foreach (var word in words)
        {
            if (text.Contains(word, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
