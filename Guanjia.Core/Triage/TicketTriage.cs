using System.Text;
using System.Text.RegularExpressions;
using Guanjia.Core.Community;

namespace Guanjia.Core.Triage;

/// <summary>The outcome of triaging one report.</summary>
/// <param name="CategoryCode">The category; <c>other</c> when <paramref name="LowConfidence"/>.</param>
/// <param name="BestGuessCode">The most likely category even when confidence is low, to offer secretaries.</param>
/// <param name="Confidence">Probability of the best guess among all categories (0–1).</param>
/// <param name="LowConfidence">True when a secretary should pick the category (改类).</param>
/// <param name="Urgent">An urgent cue was found, or the category is always urgent.</param>
/// <param name="UrgentCue">The cue that made it urgent, if any.</param>
/// <param name="CompoundId">The compound named in the text or the reporter's only compound; null at community level.</param>
/// <param name="DepartmentId">Where the ticket goes.</param>
/// <param name="TimeLimit">The category's sla, or urgentSla for urgent tickets.</param>
/// <param name="Candidates">The most likely categories, best first, with their probabilities: what to offer secretaries when unsure.</param>
public sealed record TriageResult(
    string CategoryCode,
    string BestGuessCode,
    double Confidence,
    bool LowConfidence,
    bool Urgent,
    string? UrgentCue,
    string? CompoundId,
    string DepartmentId,
    TimeLimit TimeLimit,
    IReadOnlyList<CategoryCandidate> Candidates);

/// <summary>A category the classifier considers, with its probability (0–1).</summary>
public sealed record CategoryCandidate(string Code, double Probability);

/// <summary>
/// Triage of a steward's report: category, urgency, place and department. Built once at start-up
/// (trains in milliseconds); <see cref="Triage"/> is thread-safe, deterministic and needs no network.
/// </summary>
public sealed partial class TicketTriage
{
    private readonly CommunityConfig _config;
    private readonly PlaceResolver _places;
    private readonly UrgencyDetector _urgency;
    private readonly CategoryClassifier _classifier;
    private readonly string[] _communityNames;

    public TicketTriage(CommunityConfig config, TriageKnowledge knowledge)
    {
        knowledge.Validate(config);
        _config = config;
        _places = new PlaceResolver(config);
        _urgency = new UrgencyDetector(knowledge.Urgent);
        _communityNames = [.. config.Communities.Select(c => TextNormalizer.Normalize(c.Name)).Append(TextNormalizer.Normalize(config.Street.Name))];
        var codes = config.Categories.Select(c => c.Code).ToList();
        _classifier = new CategoryClassifier(
            codes,
            Category.OtherCode,
            knowledge.Phrases,
            knowledge.Examples.Select(e => (StripPlaces(TextNormalizer.Normalize(e.Text)), e.Category)),
            _urgency,
            knowledge.Urgent.Cues);
    }

    public static TicketTriage Create(CommunityConfig config, string knowledgeDirectory) =>
        new(config, TriageKnowledge.Load(knowledgeDirectory));

    public TriageResult Triage(string text, Person? reporter, CommunityInfo community)
    {
        var normalized = TextNormalizer.Normalize(text ?? "");
        var guess = _classifier.Classify(StripPlaces(normalized));
        var category = _config.FindCategory(guess.Code) ?? _config.OtherCategory;
        var cue = _urgency.FindCue(normalized);
        var urgent = cue is not null || category.AlwaysUrgent;
        var compound = _places.Resolve(normalized, reporter, community);
        return new TriageResult(
            category.Code,
            guess.BestCode,
            guess.Confidence,
            guess.LowConfidence,
            urgent,
            cue,
            compound?.Id,
            Router.Route(category, compound, community),
            category.TimeLimitFor(urgent),
            guess.Candidates);
    }

    /// <summary>Removes compound names, community names and house numbers so addresses do not sway the category.</summary>
    internal string StripPlaces(string normalized)
    {
        var chars = normalized.ToCharArray();
        foreach (var (start, length) in _places.PlaceSpans(normalized))
        {
            Array.Fill(chars, ' ', start, length);
        }

        var text = new string(chars);
        foreach (var name in _communityNames)
        {
            text = text.Replace(name, " ", StringComparison.Ordinal);
        }

        text = Address().Replace(text, " ");
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(char.IsAsciiDigit(c) ? '#' : c);
        }

        return sb.ToString();
    }

    // A street address not in the config: 光华街33号, 华山西路108号院.
    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}{0,4}(?:路|街|巷)\d+号院?")]
    private static partial Regex Address();
}
