using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;

namespace Guanjia.Core.Commands;

/// <summary>A successfully stored photo that came with a command (the after-photo of 办结).</summary>
public sealed record CommandPhoto(string Id, int Width, int Height, long PerceptualHash);

/// <summary>
/// Everything a command handler needs. Changes go to <see cref="Db"/> and <see cref="Outbox"/>;
/// the caller saves them in the same transaction that marks the message processed.
/// </summary>
public sealed class CommandContext
{
    public required GuanjiaDbContext Db { get; init; }
    public required CommunityConfig Config { get; init; }
    public required TicketTexts Texts { get; init; }
    public required TicketNotices Notices { get; init; }
    public required StreetCalendar Calendar { get; init; }
    public required IntakeSettings Settings { get; init; }
    public required OutboxWriter Outbox { get; init; }
    /// <summary>For handlers of other features (points, stats) to resolve their services.</summary>
    public required IServiceProvider Services { get; init; }
    public required IReadOnlyList<CommandDefinition> Table { get; init; }
    public required IncomingMessage Message { get; init; }
    public required Person Person { get; init; }
    /// <summary>Who owns the group the command was said in; null in 1:1.</summary>
    public ChatOwner? Chat { get; init; }
    /// <summary>The group chat id, or the sender's id in 1:1.</summary>
    public required string Conversation { get; init; }
    /// <summary>Prefix of outbox keys, unique to the incoming message.</summary>
    public required string Key { get; init; }
    public required DateTimeOffset Now { get; init; }
    /// <summary>The clock of the processor, for services a handler constructs (points, figures).</summary>
    public required TimeProvider Time { get; init; }
    public required ParsedCommand Command { get; init; }
    /// <summary>The ticket of the first argument, when the command takes one (already in scope).</summary>
    public Ticket? Ticket { get; init; }
    public IReadOnlyList<CommandPhoto> Photos { get; init; } = [];

    public string Name(string userId) =>
        userId == TicketActors.System ? TicketActors.SystemName
        : Config.FindPerson(userId)?.Name ?? (Config.DepartmentsOf(userId) is [var d, ..] ? d.Name : userId);
}
