namespace Guanjia.Core.Triage;

/// <summary>
/// Multinomial Naive Bayes over character 1–3-grams (each gram counted once per report),
/// with uniform class priors so the mix of training examples does not bias the result.
/// </summary>
internal sealed class NaiveBayes
{
    private const double Alpha = 0.5;

    private readonly string[] _classes;
    private readonly Dictionary<string, double[]> _logLikelihood = new(StringComparer.Ordinal);
    private readonly double[] _unseen;

    public NaiveBayes(IReadOnlyList<string> classes, IEnumerable<(string Text, string Label)> examples)
    {
        _classes = [.. classes];
        var index = _classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var counts = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var totals = new double[_classes.Length];
        foreach (var (text, label) in examples)
        {
            if (!index.TryGetValue(label, out var k))
            {
                continue;
            }

            foreach (var gram in Grams(text))
            {
                if (!counts.TryGetValue(gram, out var row))
                {
                    row = new double[_classes.Length];
                    counts[gram] = row;
                }

                row[k]++;
                totals[k]++;
            }
        }

        var vocabulary = counts.Count + 1;
        _unseen = new double[_classes.Length];
        for (var k = 0; k < _classes.Length; k++)
        {
            _unseen[k] = Math.Log(Alpha / (totals[k] + (Alpha * vocabulary)));
        }

        foreach (var (gram, row) in counts)
        {
            var ll = new double[_classes.Length];
            for (var k = 0; k < _classes.Length; k++)
            {
                ll[k] = Math.Log((row[k] + Alpha) / (totals[k] + (Alpha * vocabulary)));
            }

            _logLikelihood[gram] = ll;
        }
    }

    public IReadOnlyList<string> Classes => _classes;

    /// <summary>Per-class log-likelihood of the known grams of the text, divided by their count so long reports are not overconfident.</summary>
    public double[] Score(string text)
    {
        var scores = new double[_classes.Length];
        var known = 0;
        foreach (var gram in Grams(text))
        {
            if (!_logLikelihood.TryGetValue(gram, out var ll))
            {
                continue;
            }

            known++;
            for (var k = 0; k < scores.Length; k++)
            {
                scores[k] += ll[k];
            }
        }

        if (known == 0)
        {
            return scores;
        }

        // Centre on the mean so the scores are comparable to the phrase scores.
        var mean = scores.Average();
        for (var k = 0; k < scores.Length; k++)
        {
            scores[k] = (scores[k] - mean) / Math.Sqrt(known);
        }

        return scores;
    }

    internal static HashSet<string> Grams(string text)
    {
        var grams = new HashSet<string>(StringComparer.Ordinal);
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && TextNormalizer.IsWordChar(text[i]))
            {
                continue;
            }

            var segment = text.AsSpan(start, i - start);
            for (var n = 1; n <= 3; n++)
            {
                for (var j = 0; j + n <= segment.Length; j++)
                {
                    grams.Add(segment.Slice(j, n).ToString());
                }
            }

            start = i + 1;
        }

        return grams;
    }
}
