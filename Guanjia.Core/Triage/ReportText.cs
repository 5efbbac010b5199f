using System.Text;
using System.Text.RegularExpressions;
using Guanjia.Core.Community;
using JiebaNet.Segmenter;

namespace Guanjia.Core.Triage;

/// <summary>What the classifier sees of a report: characters without places, and its words.</summary>
internal readonly record struct ClassifierInput(string Chars, string Words);

/// <summary>
/// Prepares a report for the category classifier: compound names, community names, street
/// addresses and digits removed (so <c>五华山…</c> or <c>3号院</c> cannot sway the category), and
/// the words as jieba.NET segments them.
/// </summary>
internal sealed partial class ReportText
{
    // jieba.NET's segmenter loads a 5 MB dictionary once (about a second); instances share it.
    [ThreadStatic]
    private static JiebaSegmenter? _threadSegmenter;

    /// <summary>
    /// Stands where a compound was named, so the classifier reads 囗门口井盖 (inside a 院: facility) apart from
    /// 路上井盖 (a city street: public-works) without reading which compound it was. A rare character no report writes.
    /// </summary>
    internal const char CompoundMark = '囗';

    private readonly PlaceResolver _places;
    private readonly string[] _communityNames;

    public ReportText(CommunityConfig config, PlaceResolver places)
    {
        _places = places;
        _communityNames = [.. config.Communities.Select(c => TextNormalizer.Normalize(c.Name)).Append(TextNormalizer.Normalize(config.Street.Name))];
    }

    /// <summary>Loads the segmenter's dictionary now (off the request path).</summary>
    public static void WarmUp() => Segment("预热");

    public ClassifierInput Prepare(string normalized)
    {
        var chars = StripPlaces(normalized);
        return new ClassifierInput(chars, Segment(chars));
    }

    /// <summary>Removes compound names, community names and house numbers so addresses do not sway the category.</summary>
    internal string StripPlaces(string normalized)
    {
        var chars = normalized.ToCharArray();
        var named = new bool[chars.Length];
        foreach (var (start, length) in _places.PlaceSpans(normalized))
        {
            Array.Fill(named, true, start, length);
        }

        // Each named place (spans may overlap: 五华山小区 and 五华山) becomes one mark.
        for (var i = 0; i < chars.Length; i++)
        {
            if (named[i])
            {
                chars[i] = i > 0 && named[i - 1] ? ' ' : CompoundMark;
            }
        }

        var text = new string(chars);
        foreach (var name in _communityNames)
        {
            text = text.Replace(name, " ", StringComparison.Ordinal);
        }

        text = Address().Replace(text, $" {CompoundMark} ");
        // Digits become #; a removed place leaves one space, so 五华山小区楼道 and 楼道 read alike.
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (sb.Length > 0 && sb[^1] != ' ')
                {
                    sb.Append(' ');
                }
            }
            else
            {
                sb.Append(char.IsAsciiDigit(c) ? '#' : c);
            }
        }

        return sb.ToString().TrimEnd();
    }

    private static string Segment(string text)
    {
        _threadSegmenter ??= new JiebaSegmenter();
        var sb = new StringBuilder(text.Length * 2);
        foreach (var word in _threadSegmenter.Cut(text, cutAll: false, hmm: true))
        {
            if (word.Any(TextNormalizer.IsWordChar))
            {
                sb.Append(word).Append(' ');
            }
        }

        return sb.ToString().TrimEnd();
    }

    // A street address not in the config: 光华街33号, 华山西路108号院.
    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}{0,4}(?:路|街|巷)\d+号院?")]
    private static partial Regex Address();
}

/// <summary>
/// The segmenter's dictionary as shipped (<c>Guanjia.Core/Resources/dict.txt</c>): jieba.NET's 349,000 words cut to the
/// single characters, every word that occurs in a corpus text and the words of at least <c>minFrequency</c>. jieba.NET
/// holds each word and each of its prefixes as a string in one dictionary (35 MB for the full list, about 5 MB cut).
/// A word left out is never in a corpus text, so the corpus is cut exactly as with the full list (jieba's best route only
/// uses words found in the text); one entry that no text contains keeps the removed words' counts, so the total, and with it
/// every word's probability, is jieba's own. Regenerate after the corpus changed:
/// <c>dotnet run -c Release --project bench/Guanjia.Bench.Triage -- memory --dictionary</c>.
/// </summary>
internal static class SegmenterDictionary
{
    /// <summary>The word that holds the removed words' counts: a private-use character no report contains.</summary>
    internal const string RemovedWords = "\uE000";

    /// <summary>Words this frequent (in jieba's counts) stay even when no corpus text has them: 45,000 of the 349,000.</summary>
    internal const int DefaultMinFrequency = 100;

    /// <summary>The longest dictionary word looked for in the corpus texts.</summary>
    private const int LongestWord = 24;

    /// <summary>The lines of the cut dictionary, in the order of <paramref name="lines"/>, then the removed words' entry.</summary>
    public static IEnumerable<string> Cut(IEnumerable<string> lines, IEnumerable<string> corpusTexts, int minFrequency = DefaultMinFrequency)
    {
        var inCorpus = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in corpusTexts)
        {
            for (var start = 0; start < text.Length; start++)
            {
                for (var length = 2; length <= LongestWord && start + length <= text.Length; length++)
                {
                    inCorpus.Add(text.Substring(start, length));
                }
            }
        }

        long removed = 0;
        foreach (var line in lines)
        {
            var parts = line.Split(' ', 3);
            if (parts.Length < 2 || !long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var frequency))
            {
                continue;
            }

            if (parts[0].Length == 1 || frequency >= minFrequency || inCorpus.Contains(parts[0]))
            {
                yield return line;
            }
            else
            {
                removed += frequency;
            }
        }

        yield return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{RemovedWords} {removed}");
    }
}
