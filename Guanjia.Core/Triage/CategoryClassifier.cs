namespace Guanjia.Core.Triage;

/// <summary>A category guess with its calibrated probability among all categories.</summary>
internal sealed record CategoryGuess(string Code, string BestCode, double Confidence, bool LowConfidence, IReadOnlyList<CategoryCandidate> Candidates);

/// <summary>
/// How the learned probabilities and the knowledge phrases combine, and when to ask. Chosen by
/// cross-validation over the training corpus (docs/triage.md), never on the held-out set.
/// </summary>
/// <param name="PhraseWeight">Weight of one phrase point added to the model's log-probability (0 = phrases off).</param>
/// <param name="Temperature">Divides the combined logits before the softmax, so confidence matches accuracy.</param>
/// <param name="AskBelow">Below this confidence the secretaries pick the category (改类).</param>
/// <param name="UrgentAbove">The learned urgency probability from which a report is urgent even without a cue.</param>
/// <param name="CorroborateAbove">The learned urgency probability from which a cue that needs corroboration (断了) counts.</param>
/// <param name="AlwaysUrgentAbove">
/// The learned urgency probability from which a report of an always-urgent category (燃气安全) that names no
/// cue is urgent: 0 takes the config's <c>alwaysUrgent</c> literally; above 0 a rusty meter with no smell is not.
/// </param>
/// <remarks>The urgency thresholds were chosen on 5-fold CV over the corpus with train-f by a cost where a missed emergency weighs 10 false alarms (docs/triage.md).</remarks>
public sealed record ClassifierSettings(double PhraseWeight, double Temperature, double AskBelow, double UrgentAbove, double CorroborateAbove = 0.15, double AlwaysUrgentAbove = 0)
{
    public static ClassifierSettings Default { get; } = new(PhraseWeight: 0.5, Temperature: 1.0, AskBelow: 0.5, UrgentAbove: 0.5, CorroborateAbove: 0.05, AlwaysUrgentAbove: 0.05);
}

/// <summary>
/// The category decision: the ML.NET model's probabilities, nudged by weighted knowledge phrases
/// (what 消防通道 means), calibrated by a temperature; unsure → ask.
/// </summary>
internal sealed class CategoryClassifier
{
    private const int CandidateCount = 3;

    private readonly string[] _codes;
    private readonly string _otherCode;
    private readonly List<(string Phrase, int Category, double Weight)> _phrases = [];
    private readonly UrgencyDetector _negation;
    private readonly Dictionary<char, (string Phrase, int Category, double Weight)[]> _byFirstChar;

    public CategoryClassifier(
        IReadOnlyList<string> codes,
        string otherCode,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> phrases,
        UrgencyDetector negation)
    {
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
    }

    public IReadOnlyList<string> Codes => _codes;

    /// <summary>Combines model probabilities (aligned with <see cref="Codes"/>) with the phrases found in the text.</summary>
    public CategoryGuess Classify(string strippedText, double[] modelProbabilities, ClassifierSettings settings)
    {
        var probabilities = Combine(strippedText, modelProbabilities, settings);
        var best = 0;
        for (var k = 1; k < probabilities.Length; k++)
        {
            if (probabilities[k] > probabilities[best])
            {
                best = k;
            }
        }

        var confidence = probabilities[best];
        var nothingToGoOn = !strippedText.Any(char.IsLetter);
        var low = nothingToGoOn || confidence < settings.AskBelow;
        var candidates = Enumerable.Range(0, _codes.Length)
            .OrderByDescending(k => probabilities[k])
            .Take(CandidateCount)
            .Select(k => new CategoryCandidate(_codes[k], probabilities[k]))
            .ToArray();
        return low
            ? new CategoryGuess(_otherCode, _codes[best], confidence, true, candidates)
            : new CategoryGuess(_codes[best], _codes[best], confidence, false, candidates);
    }

    /// <summary>softmax((ln p + w·phrases) / T).</summary>
    internal double[] Combine(string strippedText, double[] modelProbabilities, ClassifierSettings settings)
    {
        var phrases = settings.PhraseWeight == 0 ? new double[_codes.Length] : PhraseScores(strippedText, out _);
        var logits = new double[_codes.Length];
        var max = double.NegativeInfinity;
        for (var k = 0; k < logits.Length; k++)
        {
            logits[k] = (Math.Log(Math.Max(modelProbabilities[k], 1e-9)) + (settings.PhraseWeight * phrases[k])) / settings.Temperature;
            max = Math.Max(max, logits[k]);
        }

        var sum = 0.0;
        for (var k = 0; k < logits.Length; k++)
        {
            logits[k] = Math.Exp(logits[k] - max);
            sum += logits[k];
        }

        for (var k = 0; k < logits.Length; k++)
        {
            logits[k] /= sum;
        }

        return logits;
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
                if (at + phrase.Length <= text.Length && string.CompareOrdinal(text, at, phrase, 0, phrase.Length) == 0)
                {
                    hits.Add((at, phrase, k, weight));
                }
            }
        }

        hits.Sort((a, b) => a.Phrase.Length != b.Phrase.Length ? b.Phrase.Length.CompareTo(a.Phrase.Length) : a.At.CompareTo(b.At));
        foreach (var (at, phrase, k, weight) in hits)
        {
            if (IsCovered(coveredBy, at, phrase.Length)
                || (_negation.IsCue(phrase) && _negation.IsNegated(text, at)))
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
