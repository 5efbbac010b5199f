namespace Guanjia.Core.Commands;

/// <summary>Who may use a command. <see cref="Reporter"/> is checked against the ticket.</summary>
[Flags]
public enum CommandRoles
{
    None = 0,
    Anyone = 1,
    Steward = 2,
    Secretary = 4,
    Admin = 8,
    Department = 16,
    Reporter = 32,
    Merchant = 64,
}

public enum ArgKind
{
    /// <summary>A ticket number: <c>153</c>, <c>#153</c>, full-width digits; may come from a quoted bot message.</summary>
    Ticket,
    /// <summary>One word.</summary>
    Word,
    /// <summary>One of <see cref="CommandArg.Choices"/>.</summary>
    Choice,
    /// <summary>The rest of the message.</summary>
    Text,
}

/// <summary>One argument of a command, as shown in its usage (<c>&lt;单号&gt;</c>, <c>[说明]</c>).</summary>
public sealed record CommandArg(string Name, ArgKind Kind, bool Optional = false, IReadOnlyList<string>? Choices = null)
{
    public string Usage => Kind == ArgKind.Choice && Choices is { } c
        ? (Optional ? $"[{string.Join('|', c)}]" : $"<{string.Join('|', c)}>")
        : (Optional ? $"[{Name}]" : $"<{Name}>");
}

/// <summary>Runs a parsed command. Refuse (and change nothing) by returning <see cref="CommandResult.Refused"/>.</summary>
public delegate Task<CommandResult> CommandHandler(CommandContext context, CancellationToken cancellationToken);

/// <summary>
/// One chat command: its Chinese word, aliases, who may use it, its arguments and help line.
/// The parser and <c>帮助</c> are generated from these. A null <see cref="Handler"/> is a
/// command that is recognised but not yet available.
/// </summary>
public sealed record CommandDefinition(
    string Word,
    IReadOnlyList<string> Aliases,
    CommandRoles Roles,
    IReadOnlyList<CommandArg> Args,
    string Help,
    CommandHandler? Handler)
{
    /// <summary>"派单 &lt;单号&gt; &lt;部门&gt;".</summary>
    public string Usage => Args.Count == 0 ? Word : $"{Word} {string.Join(' ', Args.Select(a => a.Usage))}";

    public bool TakesTicket => Args.Count > 0 && Args[0].Kind == ArgKind.Ticket;
}

/// <summary>What a command did: an answer to the sender, or a refusal (nothing changed).</summary>
public sealed record CommandResult(string Answer, bool IsRefusal)
{
    public static CommandResult Ok(string answer) => new(answer, false);

    public static CommandResult Refused(string reason) => new(reason, true);
}
