using System.Text;

namespace Guanjia.Core.Triage;

/// <summary>Folds full-width forms (ＡＢ１２３，！) to their ASCII forms and lower-cases, so phrases match either way.</summary>
internal static class TextNormalizer
{
    public static string Normalize(string text) =>
        text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '#';

    /// <summary>Clause boundaries: punctuation and spaces end a clause for negation and n-grams.</summary>
    public static bool IsBoundary(char c) => !IsWordChar(c);
}
