using System.Globalization;
using System.Text;

namespace Guanjia.WeCom.Cards;

/// <summary>
/// WeCom's card limits ("建议不超过 N 个字") and safe truncation: counted in text elements, so an
/// emoji or a combining sequence is never cut in half, and never throwing on long text.
/// </summary>
public static class CardText
{
    public const int MainTitle = 26;
    public const int MainTitleDesc = 30;
    public const int SubTitle = 112;
    public const int SourceDesc = 13;
    public const int EmphasisTitle = 10;
    public const int EmphasisDesc = 15;
    public const int HorizontalKey = 5;
    public const int HorizontalValue = 26;
    public const int JumpTitle = 13;
    public const int ButtonText = 10;
    public const int CheckboxOptionText = 11;
    public const int SelectionTitle = 13;
    public const int SelectionOptionText = 10;
    public const int SubmitText = 10;
    public const int QuoteTitle = 26;
    public const int QuoteText = 112;

    public const int MaxHorizontalContents = 6;
    public const int MaxJumps = 3;
    public const int MaxButtons = 6;
    public const int MaxCheckboxOptions = 20;
    public const int MaxSelections = 3;
    public const int MaxSelectionOptions = 10;

    /// <summary>Keys (button, question, submit) are limited in bytes, not characters.</summary>
    public const int MaxKeyBytes = 1024;
    public const int MaxTaskIdBytes = 128;

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="max"/> text elements, the last one an
    /// ellipsis when something was cut. Null stays null; line breaks in titles become spaces.
    /// </summary>
    public static string? Fit(string? text, int max, bool singleLine = true)
    {
        if (text is null)
        {
            return null;
        }

        if (singleLine)
        {
            text = text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');
        }

        text = text.Trim();
        if (max <= 0)
        {
            return "";
        }

        // Cheap exit: no string of this many UTF-16 units can have more text elements than that.
        if (text.Length <= max)
        {
            return text;
        }

        var elements = new StringInfo(text);
        if (elements.LengthInTextElements <= max)
        {
            return text;
        }

        return elements.SubstringByTextElements(0, max - 1).TrimEnd() + "…";
    }

    /// <summary>True when the key fits WeCom's byte limit.</summary>
    public static bool KeyFits(string key) => Encoding.UTF8.GetByteCount(key) <= MaxKeyBytes;

    /// <summary>task_id: 1–128 bytes of letters, digits, '_', '-' and '@', unique per bot.</summary>
    public static bool IsValidTaskId(string taskId) =>
        taskId.Length is > 0 and <= MaxTaskIdBytes
        && taskId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '@');
}
