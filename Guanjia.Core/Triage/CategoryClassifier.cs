namespace Guanjia.Core.Triage;

/// <summary>A category guess with its softmax probability among all categories.</summary>
internal sealed record CategoryGuess(string Code, string BestCode, double Confidence, bool LowConfidence, IReadOnlyList<CategoryCandidate> Candidates);

/// <summary>
/// Combines weighted knowledge phrases with a character n-gram Naive Bayes trained on the
/// examples. Phrases carry the domain rules (what 消防通道 means); Naive Bayes covers the
/// wording no phrase list anticipates.
/// </summary>
internal sealed class CategoryClassifier
{
    // Weight of one phrase point against the Naive Bayes score (per-gram log-likelihood ratio).
    internal const double PhraseWeight = 1.0;
    internal const double NaiveBayesWeight = 1.0;

    // Below this probability the guess goes to secretaries as "other" (改类).
    internal const double LowConfidenceThreshold = 0.30;

    private readonly string[] _codes;
    private readonly string _otherCode;
    private readonly List<(string Phrase, int Category, double Weight)> _phrases = [];
    private readonly NaiveBayes _naiveBayes;
    private readonly UrgencyDetector _negation;
    private readonly HashSet<string> _negatable;
    private readonly Dictionary<char, (string Phrase, int Category, double Weight)[]> _byFirstChar;

    public CategoryClassifier(
        IReadOnlyList<string> codes,
        string otherCode,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> phrases,
        IEnumerable<(string Text, string Label)> examples,
        UrgencyDetector negation,
        IEnumerable<string> negatablePhrases)
    {
        _negatable = new HashSet<string>(negatablePhrases, StringComparer.Ordinal);
        _codes = [.. codes];
        _otherCode = otherCode;
        _negation = negation;
        for (var k = 0; k < _codes.Length; k++)
        {
            if (phrases.TryGetValue(_codes[k], out var weights))
            {
                _phrases.AddRange(weights.Select(w => (w.Key, k, w.Value)));
            }
        }

        _byFirstChar = _phrases.Where(p => p.Phrase.Length > 0)
            .GroupBy(p => p.Phrase[0])
            .ToDictionary(g => g.Key, g => g.ToArray());
        _naiveBayes = new NaiveBayes(_codes, examples);
    }

    /// <summary>Classifies normalised text from which place names were already removed.</summary>
    private const int CandidateCount = 3;

    public CategoryGuess Classify(string text)
    {
        var phraseScores = PhraseScores(text, out var anyPhrase);
        var nb = _naiveBayes.Score(text);
        var combined = new double[_codes.Length];
        for (var k = 0; k < _codes.Length; k++)
        {
            combined[k] = (PhraseWeight * phraseScores[k]) + (NaiveBayesWeight * nb[k]);
        }

        var best = 0;
        for (var k = 1; k < combined.Length; k++)
        {
            if (combined[k] > combined[best])
            {
                best = k;
            }
        }

        var max = combined[best];
        var sum = combined.Sum(s => Math.Exp(s - max));
        var confidence = 1.0 / sum;
        var low = !anyPhrase && confidence < LowConfidenceThreshold;
        var candidates = Enumerable.Range(0, _codes.Length)
            .OrderByDescending(k => combined[k])
            .Take(CandidateCount)
            .Select(k => new CategoryCandidate(_codes[k], Math.Exp(combined[k] - max) / sum))
            .ToArray();
        return low
            ? new CategoryGuess(_otherCode, _codes[best], confidence, true, candidates)
            : new CategoryGuess(_codes[best], _codes[best], confidence, false, candidates);
    }

    internal double[] PhraseScores(string text, out bool anyPhrase)
    {
        var scores = new double[_codes.Length];
        var coveredBy = new int[text.Length];
        anyPhrase = false;

        // Longest phrases first; a phrase inside a longer match (通道 in 消防通道) does not count again.
        // Only urgent cues are negated (没有冒烟); 没人清运垃圾 still speaks of garbage.
        var hits = new List<(int At, string Phrase, int Category, double Weight)>();
        for (var at = 0; at < text.Length; at++)
        {
            if (!_byFirstChar.TryGetValue(text[at], out var candidates))
            {
                continue;
            }

            foreach (var (phrase, k, weight) in candidates)
            {
                if (string.CompareOrdinal(text, at, phrase, 0, phrase.Length) == 0 && at + phrase.Length <= text.Length)
                {
                    hits.Add((at, phrase, k, weight));
                }
            }
        }

        hits.Sort((a, b) => a.Phrase.Length != b.Phrase.Length ? b.Phrase.Length.CompareTo(a.Phrase.Length) : a.At.CompareTo(b.At));
        foreach (var (at, phrase, k, weight) in hits)
        {
            if (IsCovered(coveredBy, at, phrase.Length)
                || (_negatable.Contains(phrase) && _negation.IsNegated(text, at)))
            {
                continue;
            }

            scores[k] += weight;
            anyPhrase = true;
            for (var i = at; i < at + phrase.Length; i++)
            {
                coveredBy[i] = Math.Max(coveredBy[i], phrase.Length);
            }
        }

        return scores;
    }

    // Covered when every character already belongs to a strictly longer match.
    private static bool IsCovered(int[] coveredBy, int start, int length)
    {
        for (var i = start; i < start + length; i++)
        {
            if (coveredBy[i] <= length)
            {
                return false;
            }
        }

        return true;
    }
}
