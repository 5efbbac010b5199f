namespace Guanjia.WeCom.Callbacks;

/// <summary>Removes the @mention(s) WeCom puts in front of group messages to the bot.</summary>
public static class BotMention
{
    /// <summary>
    /// "@小巷管家 74号院…" → "74号院…". Strips every leading "@name" token; a token ends at any
    /// white space, including the full-width space (U+3000) and U+2005 that clients insert after a mention.
    /// When <paramref name="botName"/> is given, "@botName" is also stripped when no space follows it.
    /// </summary>
    public static string StripLeading(string content, string? botName = null)
    {
        var rest = content.AsSpan().Trim();
        while (rest.Length > 0 && (rest[0] == '@' || rest[0] == '＠'))
        {
            var end = 1;
            if (!string.IsNullOrEmpty(botName) && rest[1..].StartsWith(botName, StringComparison.Ordinal))
            {
                end += botName.Length;
            }
            else
            {
                while (end < rest.Length && !char.IsWhiteSpace(rest[end]))
                {
                    end++;
                }
            }

            rest = rest[end..].TrimStart();
        }

        return rest.Length == content.Length ? content : rest.ToString();
    }
}
