using System.Text.Json;
using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Messages;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Guanjia.Core.Commands;

/// <summary>
/// A button click, read by the host from WeCom's template_card_event: <c>EventId</c> is WeCom's id of the click
/// (msgid, else the frame's req_id), so a repeated delivery changes nothing; Action, Ticket and Argument are
/// the parts of its event key; TaskId names the clicked card.
/// </summary>
public sealed record CardClickRequest(
    IncomingChannel Channel, string EventId, string UserId, string? ChatId, string Action, int Ticket, string? Argument, string? TaskId);

public enum CardClickResult
{
    /// <summary>The command ran; the card shows <see cref="CardClickOutcome.Text"/> to everyone.</summary>
    Done,
    /// <summary>Refused like the typed command; shown to the clicker only, the card unchanged for others.</summary>
    Refused,
    /// <summary>The step needs words the card cannot give (退回's reason): the clicker is asked to type them.</summary>
    AskToType,
    /// <summary>WeCom delivered this click before; it was handled then.</summary>
    Duplicate,
}

/// <summary>What a click did (<see cref="CardClickOutcome.By"/>: who did it, "已由 张三 接单"), and the card it came from (sent earlier, or rebuilt from the ticket) to update.</summary>
public sealed record CardClickOutcome(CardClickResult Result, string Text, OutboxCard? Card, string? By = null);

/// <summary>
/// The fast path of a card click: the clicked key becomes the command the clicker could have typed and runs
/// through <see cref="CommandProcessor"/> (same roles, scope, refusals, events) in one transaction with a
/// processed inbox row for the click, whose unique msgid makes a redelivered click a no-op. Not queued behind
/// the inbox: WeCom drops the card update unless it comes within 5 s.
/// </summary>
public sealed partial class CardClickProcessor(
    GuanjiaDbContext db,
    CommunityConfig config,
    CommandProcessor commands,
    TicketTexts texts,
    OutboxRoutes routes,
    TimeProvider time,
    ILogger<CardClickProcessor> logger)
{
    public async Task<CardClickOutcome> HandleAsync(CardClickRequest click, CancellationToken cancellationToken)
    {
        var card = await ClickedCardAsync(click, cancellationToken);
        if (CardClicks.NeedsTyping(click.Action, click.Ticket) is { } ask)
        {
            return new(CardClickResult.AskToType, ask, card);
        }

        var text = CardClicks.CommandText(click.Action, click.Ticket, click.Argument);
        if (text is null && !CardClicks.ChangesNothing(click.Action))
        {
            return new(CardClickResult.Refused, CardClicks.UnknownButton, card);
        }

        var person = config.FindPerson(click.UserId)
            ?? (config.DepartmentsOf(click.UserId) is [var first, ..] ? new Person(click.UserId, first.Name, [], null, []) : null);
        if (person is null)
        {
            return new(CardClickResult.Refused, MessageTexts.NotOnRoster, card);
        }

        ParsedCommand? command = null;
        if (text is not null)
        {
            var parse = CommandProcessor.Parser.Parse(text, null);
            if (parse.Outcome != ParseOutcome.Command)
            {
                return new(CardClickResult.Refused, CardClicks.NotYetAvailable, card);
            }

            command = parse.Command!;
        }

        if (command is null && (CommandProcessor.RolesOf(person, config) & (CommandRoles.Secretary | CommandRoles.Admin)) == 0)
        {
            // "不是重复" is the secretaries' call, as 合并 is.
            return new(CardClickResult.Refused, CardClicks.SecretariesOnly, card);
        }

        var messageId = "card:" + click.EventId;
        if (await db.Inbox.AnyAsync(m => m.Channel == click.Channel && m.MessageId == messageId, cancellationToken))
        {
            return new(CardClickResult.Duplicate, "", card);
        }

        var now = time.GetUtcNow();
        var message = new IncomingMessage
        {
            Channel = click.Channel,
            MessageId = messageId,
            SenderId = click.UserId,
            ChatId = click.ChatId,
            Text = text,
            ReceivedAt = now,
        };

        // The click is what someone waits for: its write goes before background work.
        using var urgent = WritePriority.Urgent();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = new InboxMessage
        {
            Channel = click.Channel,
            MessageId = messageId,
            SenderId = click.UserId,
            ChatId = click.ChatId,
            Payload = JsonSerializer.Serialize(message, IntakeJsonContext.Default.IncomingMessage),
            ReceivedAt = now,
            ProcessedAt = now,
            Attempts = 1,
        };
        db.Inbox.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another delivery of the same click won the unique (Channel, MessageId) index.
            return new(CardClickResult.Duplicate, "", card);
        }

        var result = command is null
            ? CommandResult.Ok(CardClicks.Outcome(click.Action, click.Argument))
            : await commands.ExecuteAsync(command, message, person, new OutboxWriter(db, time) { Routes = routes }, $"inbox:{row.Id}", cancellationToken);
        if (result.IsRefusal)
        {
            // A refusal changes nothing, the click's row included: the same click may be tried again.
            await transaction.RollbackAsync(cancellationToken);
            LogRefused(logger, click.Action, click.Ticket, click.UserId);
            return new(CardClickResult.Refused, result.Answer, card);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogDone(logger, click.Action, click.Ticket, click.UserId);
        return new(CardClickResult.Done, CardClicks.Outcome(click.Action, click.Argument), card, CardClicks.DoneBy(click.Action, click.Argument, person.Name));
    }

    /// <summary>The card that was clicked: the one sent (found by its task_id), else rebuilt from the ticket.</summary>
    private async Task<OutboxCard?> ClickedCardAsync(CardClickRequest click, CancellationToken cancellationToken)
    {
        var sent = await db.Outbox.AsNoTracking()
            .Where(m => m.TicketNumber == click.Ticket && m.Kind == OutboxKind.Card)
            .OrderByDescending(m => m.Id)
            .Select(m => m.Content)
            .Take(20)
            .ToListAsync(cancellationToken);
        var cards = sent.Select(OutboxCard.FromJson).OfType<OutboxCard>().ToList();
        if (cards.FirstOrDefault(c => c.TaskId == click.TaskId) is { } exact)
        {
            return exact;
        }

        var ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Number == click.Ticket, cancellationToken);
        if (ticket is null)
        {
            return null;
        }

        var page = routes.TicketUrl(ticket.Number);
        return TicketCards.KindOf(click.Action) switch
        {
            TicketCards.CardKinds.Dispatch => TicketCards.Dispatch(texts, ticket, "小巷管家", page),
            TicketCards.CardKinds.Rating => TicketCards.Rating(texts, ticket, page, ticket.Conversation != ticket.Reporter),
            _ => null,
        } is { } rebuilt && click.TaskId is { Length: > 0 } taskId
            ? rebuilt with { TaskId = taskId }
            : null;
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Card click {Action} on #{Number} by {UserId} done")]
    private static partial void LogDone(ILogger logger, string action, int number, string userId);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Card click {Action} on #{Number} by {UserId} refused")]
    private static partial void LogRefused(ILogger logger, string action, int number, string userId);
}
