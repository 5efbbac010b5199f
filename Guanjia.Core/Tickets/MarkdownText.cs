using System.Text;

namespace Guanjia.Core.Tickets;

/// <summary>
/// Makes text people typed (reports, reasons, notes, names) inert inside the markdown WeCom
/// shows in groups. WeCom's markdown has no reliable backslash escape, so each character that
/// could start markup is replaced by its full-width twin, which reads the same in Chinese text:
/// <c>&lt;@all&gt;</c>, <c>&lt;@userid&gt;</c> and <c>&lt;font&gt;</c> lose their angle brackets,
/// <c>[x](url)</c> its square brackets, <c>**</c>, <c>`</c> and a leading <c>#</c> or <c>&gt;</c>
/// their meaning, and <c>://</c> no longer auto-links. Line breaks become spaces, so a field cannot
/// leave the line (or quote block) it was placed in. The same text reads fine as plain text too,
/// which matters because markdown falls back to <c>message/send</c> text for people without a group.
/// </summary>
public static class MarkdownText
{
    public static string Inert(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            result.Append(c switch
            {
                '<' => "＜",
                '>' => "＞",
                '[' => "［",
                ']' => "］",
                '*' => "＊",
                '`' => "｀",
                '#' => "＃",
                '&' => "＆",
                '\r' or '\n' or '\t' or '\u0085' or '\u2028' or '\u2029' => " ",
                _ when char.IsControl(c) => "",
                _ => c.ToString(),
            });
        }

        return result.Replace("://", "：//").ToString();
    }
}
