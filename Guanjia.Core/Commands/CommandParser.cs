using System.Globalization;
using System.Text.RegularExpressions;

namespace Guanjia.Core.Commands;

public enum ParseOutcome
{
    /// <summary>Not a command: the text is a report (or, in a department group, gets a usage hint).</summary>
    NotACommand,
    /// <summary>An explicit prefix (<c>/</c>, <c>#</c>) before a word that is no command.</summary>
    Unknown,
    Command,
}

/// <summary>
/// A recognised command. <see cref="Values"/> is aligned with the definition's arguments (null
/// where not given); <see cref="Problem"/> says what is missing or malformed.
/// </summary>
public sealed record ParsedCommand(
    CommandDefinition Definition,
    IReadOnlyList<string?> Values,
    string? Problem,
    bool NumberFromQuote,
    bool Implicit)
{
    /// <summary>The ticket number of the <paramref name="index"/>th argument, if it is one.</summary>
    public int? Number(int index) =>
        index < Values.Count && Values[index] is { } v && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    public string? Value(int index) => index < Values.Count ? Values[index] : null;
}

public sealed record CommandParse(ParseOutcome Outcome, ParsedCommand? Command = null, string? Word = null)
{
    public static readonly CommandParse None = new(ParseOutcome.NotACommand);
}

/// <summary>
/// Recognises commands as the contract says: a leading <c>/ # ＃ ／</c>, or the first word after
/// the @mention (already stripped). Without a prefix the words after the command must fit it
/// (a ticket number where one is expected, nothing after a command without arguments), so a
/// report that merely starts with a common word stays a report.
/// </summary>
public sealed partial class CommandParser
{
    private static readonly string[] DonePhrases =
    [
        "已处理", "处理好了", "处理完毕", "已处理完毕", "处理完了", "办好了", "已办好", "已办结", "办结了", "已完成",
        "完成了", "搞定了", "已搞定", "已解决", "解决了", "已修好", "修好了", "已清理", "清理好了", "已清运", "清运完毕", "好了",
    ];

    private readonly IReadOnlyList<CommandDefinition> _table;
    private readonly CommandDefinition? _done;

    public CommandParser(IReadOnlyList<CommandDefinition> table)
    {
        _table = table;
        _done = table.FirstOrDefault(d => d.Word == CommandTable.DoneWord);
    }

    public CommandParse Parse(string? text, string? quotedText)
    {
        var input = (text ?? "").Trim();
        var quoted = QuotedTicket(quotedText);
        var isExplicit = false;
        if (input.Length > 0 && input[0] is '/' or '／' or '#' or '＃')
        {
            // "#153 …" is a ticket number, not the command prefix.
            var numberFollows = input[0] is '#' or '＃' && input.Length > 1 && IsDigit(input[1]);
            if (!numberFollows)
            {
                isExplicit = true;
                input = input[1..].TrimStart();
            }
        }

        var tokens = input.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (tokens.Count == 0)
        {
            return isExplicit ? new CommandParse(ParseOutcome.Unknown, Word: "") : CommandParse.None;
        }

        var (definition, glued) = Match(tokens[0]);
        if (definition is null)
        {
            return isExplicit ? new CommandParse(ParseOutcome.Unknown, Word: tokens[0]) : Implicit(input, quoted);
        }

        var rest = tokens.Skip(1).ToList();
        if (glued is not null)
        {
            rest.Insert(0, glued);
        }

        if (!isExplicit && !FitsWithoutPrefix(definition, rest, quoted))
        {
            return Implicit(input, quoted);
        }

        return new CommandParse(ParseOutcome.Command, Bind(definition, rest, quoted));
    }

    /// <summary>Parses <c>153</c>, <c>#153</c>, <c>＃１５３</c>, <c>153号</c>.</summary>
    public static bool TryParseNumber(string token, out int number)
    {
        number = 0;
        var span = token.AsSpan().Trim();
        if (span.Length > 0 && span[0] is '#' or '＃')
        {
            span = span[1..];
        }

        if (span.Length > 0 && span[^1] == '号')
        {
            span = span[..^1];
        }

        if (span.Length is 0 or > 9)
        {
            return false;
        }

        var value = 0;
        foreach (var c in span)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= '０' and <= '９' ? c - '０' : -1;
            if (digit < 0)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        number = value;
        return value > 0;
    }

    /// <summary>The first <c>#number</c> in a quoted bot message.</summary>
    public static int? QuotedTicket(string? quotedText)
    {
        if (string.IsNullOrEmpty(quotedText))
        {
            return null;
        }

        var match = QuotedNumber().Match(quotedText);
        return match.Success && TryParseNumber(match.Groups[1].Value, out var n) ? n : null;
    }

    private (CommandDefinition? Definition, string? Glued) Match(string token)
    {
        foreach (var definition in _table)
        {
            if (token == definition.Word || definition.Aliases.Any(a => string.Equals(a, token, StringComparison.OrdinalIgnoreCase)))
            {
                return (definition, null);
            }
        }

        // "接单153", "接单#153": Chinese has no space between the word and the number.
        foreach (var definition in _table.Where(d => d.TakesTicket))
        {
            foreach (var word in definition.Aliases.Where(a => !IsAscii(a)).Prepend(definition.Word))
            {
                if (token.Length > word.Length && token.StartsWith(word, StringComparison.Ordinal)
                    && (token[word.Length] is '#' or '＃' || IsDigit(token[word.Length])))
                {
                    return (definition, token[word.Length..]);
                }
            }
        }

        return (null, null);
    }

    private static bool FitsWithoutPrefix(CommandDefinition definition, List<string> rest, int? quoted)
    {
        if (rest.Count == 0)
        {
            return true;
        }

        if (definition.Args.Count == 0)
        {
            return false;
        }

        var first = definition.Args[0];
        return first.Kind switch
        {
            ArgKind.Ticket => TryParseNumber(rest[0], out _) || quoted is not null,
            ArgKind.Choice => first.Choices?.Contains(rest[0]) == true,
            _ => true,
        };
    }

    private static ParsedCommand Bind(CommandDefinition definition, List<string> rest, int? quoted)
    {
        var values = new string?[definition.Args.Count];
        var ticketArgs = definition.Args.Count(a => a.Kind == ArgKind.Ticket);
        var given = rest.TakeWhile(t => TryParseNumber(t, out _)).Take(ticketArgs).Count();
        var useQuote = quoted is not null && given < ticketArgs;
        string? problem = null;
        var index = 0;
        for (var i = 0; i < definition.Args.Count; i++)
        {
            var arg = definition.Args[i];
            var has = index < rest.Count;
            switch (arg.Kind)
            {
                case ArgKind.Ticket when i == 0 && useQuote:
                    values[i] = quoted!.Value.ToString(CultureInfo.InvariantCulture);
                    break;
                case ArgKind.Ticket when has && TryParseNumber(rest[index], out var n):
                    values[i] = n.ToString(CultureInfo.InvariantCulture);
                    index++;
                    break;
                case ArgKind.Ticket when has:
                    problem ??= $"“{arg.Name}”应为数字，如 153";
                    index++;
                    break;
                case ArgKind.Choice when has:
                    if (arg.Choices?.Contains(rest[index]) == true)
                    {
                        values[i] = rest[index];
                    }
                    else
                    {
                        problem ??= $"“{arg.Name}”应为 {string.Join("、", arg.Choices ?? [])} 之一";
                    }

                    index++;
                    break;
                case ArgKind.Text when has:
                    values[i] = string.Join(' ', rest.Skip(index));
                    index = rest.Count;
                    break;
                case ArgKind.Word when has:
                    values[i] = rest[index++];
                    break;
                default:
                    if (!arg.Optional)
                    {
                        problem ??= $"缺少“{arg.Name}”";
                    }

                    break;
            }
        }

        return new ParsedCommand(definition, values, problem, useQuote, Implicit: false);
    }

    /// <summary>A party quoting a bot message with "#153" and saying "已处理" means 办结 153.</summary>
    private CommandParse Implicit(string input, int? quoted)
    {
        if (quoted is null || _done is null)
        {
            return CommandParse.None;
        }

        var phrase = Punctuation().Replace(input, "");
        if (!DonePhrases.Contains(phrase))
        {
            return CommandParse.None;
        }

        var values = new string?[_done.Args.Count];
        values[0] = quoted.Value.ToString(CultureInfo.InvariantCulture);
        if (values.Length > 1)
        {
            values[1] = input;
        }

        return new CommandParse(ParseOutcome.Command, new ParsedCommand(_done, values, null, NumberFromQuote: true, Implicit: true));
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9' or >= '０' and <= '９';

    private static bool IsAscii(string s) => s.All(char.IsAscii);

    [GeneratedRegex(@"[#＃]\s*([0-9０-９]{1,9})")]
    private static partial Regex QuotedNumber();

    [GeneratedRegex(@"[\s\p{P}～~]+")]
    private static partial Regex Punctuation();
}
