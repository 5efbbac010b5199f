using System.Text.RegularExpressions;
using Guanjia.Core.Community;

namespace Guanjia.Core.Triage;

/// <summary>A compound named in a report and where in the (normalised) text it was named.</summary>
public sealed record PlaceMatch(Compound Compound, int Start, int Length);

/// <summary>
/// Finds the compound a report names: by name or alias, tolerant of partial forms
/// (<c>74号院</c>, <c>南路74号</c>, <c>126号</c>). The longest match wins; ties go to the
/// reporter's community, then the reporter's own compounds.
/// </summary>
public sealed partial class PlaceResolver
{
    // After a bare "12号" these mean a building, unit, room or shop, not a compound ("3号楼", "5号铺")…
    private const string NotCompoundAfterNumber = "栋单幢房室铺床线车位层";

    // …but 楼 and 门 followed by these are the compound's corridor or gate ("126号楼道", "74号门口").
    private const string CompoundPlaceAfterLouOrMen = "道下上顶梯里口前外";

    private readonly List<(string Form, Compound Compound, bool Bare)> _forms = [];

    // The forms by their first character, each list in _forms' order (longest first): a city has thousands of
    // compounds and tens of thousands of forms, and a report is read once per character, not once per form.
    private readonly Dictionary<char, int[]> _byFirst;
    private readonly CommunityConfig _config;

    public PlaceResolver(CommunityConfig config)
    {
        _config = config;
        foreach (var compound in config.Communities.SelectMany(c => c.Compounds))
        {
            var forms = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in compound.Aliases.Prepend(compound.Name).Select(TextNormalizer.Normalize))
            {
                AddForms(name, forms);
            }

            foreach (var form in forms)
            {
                _forms.Add((form, compound, char.IsAsciiDigit(form[0]) && form.EndsWith('号')));
            }
        }

        // Longest forms first so a scan can stop at the first (most specific) match per position.
        _forms.Sort((a, b) => b.Form.Length.CompareTo(a.Form.Length));
        _byFirst = Enumerable.Range(0, _forms.Count)
            .GroupBy(i => _forms[i].Form[0])
            .ToDictionary(g => g.Key, g => g.ToArray());
    }

    /// <summary>The compound named in the text, or null when none is named.</summary>
    public PlaceMatch? FindNamed(string text, Person? reporter, CommunityInfo? community)
    {
        var normalized = TextNormalizer.Normalize(text);
        return FindAll(normalized)
            .OrderByDescending(m => m.Length)
            .ThenByDescending(m => community is not null && m.Compound.CommunityId == community.Id)
            .ThenByDescending(m => reporter is not null && reporter.Compounds.Contains(m.Compound.Id))
            .ThenBy(m => m.Start)
            .FirstOrDefault();
    }

    /// <summary>The compound named in the text; else the reporter's only compound in the community; else null.</summary>
    public Compound? Resolve(string text, Person? reporter, CommunityInfo? community) =>
        FindNamed(text, reporter, community)?.Compound ?? SoleCompoundOf(reporter, community);

    /// <summary>Every place-like span (compound forms and bare house numbers), for stripping before classification.</summary>
    internal IReadOnlyList<(int Start, int Length)> PlaceSpans(string normalized) =>
        FindAll(normalized).Select(m => (m.Start, m.Length)).ToList();

    internal Compound? SoleCompoundOf(Person? reporter, CommunityInfo? community)
    {
        if (reporter is null)
        {
            return null;
        }

        var own = reporter.Compounds
            .Select(_config.FindCompound)
            .Where(c => c is not null && (community is null || c.CommunityId == community.Id))
            .ToList();
        return own.Count == 1 ? own[0] : null;
    }

    private List<PlaceMatch> FindAll(string normalized)
    {
        // Every (form, position) where a form occurs, in the order of forms then positions, as a scan of each
        // form over the text would find them (ties in FindNamed keep that order).
        var found = new List<(int Form, int At)>();
        var text = normalized.AsSpan();
        for (var at = 0; at < text.Length; at++)
        {
            if (!_byFirst.TryGetValue(text[at], out var candidates))
            {
                continue;
            }

            foreach (var index in candidates)
            {
                if (text[at..].StartsWith(_forms[index].Form, StringComparison.Ordinal))
                {
                    found.Add((index, at));
                }
            }
        }

        found.Sort();
        var matches = new List<PlaceMatch>(found.Count);
        foreach (var (index, at) in found)
        {
            var (form, compound, bare) = _forms[index];
            if (at > 0 && char.IsAsciiDigit(form[0]) && char.IsAsciiDigit(normalized[at - 1]))
            {
                continue;
            }

            if (bare && IsBuildingNumber(normalized, at + form.Length))
            {
                continue;
            }

            matches.Add(new PlaceMatch(compound, at, form.Length));
        }

        return matches;
    }

    private static bool IsBuildingNumber(string text, int end)
    {
        if (end >= text.Length)
        {
            return false;
        }

        var next = text[end];
        if (NotCompoundAfterNumber.Contains(next, StringComparison.Ordinal))
        {
            return true;
        }

        return next is '楼' or '门'
            && (end + 1 >= text.Length || !CompoundPlaceAfterLouOrMen.Contains(text[end + 1], StringComparison.Ordinal));
    }

    private static void AddForms(string name, HashSet<string> forms)
    {
        forms.Add(name);
        var numbered = Numbered().Match(name);
        if (numbered.Success)
        {
            var prefix = numbered.Groups["prefix"].Value;
            var number = numbered.Groups["number"].Value;

            // Every tail of the street name with the number: 华山南路74号 → 山南路74号, 南路74号, 路74号, 74号.
            for (var i = 0; i <= prefix.Length; i++)
            {
                var tail = prefix[i..] + number;
                if (i < prefix.Length - 1 || i == prefix.Length)
                {
                    forms.Add(tail);
                    forms.Add(tail + "院");
                }
            }

            return;
        }

        // Named estates: 翠湖北路小区 → 湖北路小区, 北路小区 (at least four characters stay).
        if (name.EndsWith("小区", StringComparison.Ordinal))
        {
            for (var i = 1; name.Length - i >= 4; i++)
            {
                forms.Add(name[i..]);
            }
        }
    }

    [GeneratedRegex(@"^(?<prefix>.*?)(?<number>\d+号)院?$")]
    private static partial Regex Numbered();
}
