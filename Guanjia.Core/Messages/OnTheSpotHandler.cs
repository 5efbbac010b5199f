using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Guanjia.Core.Triage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Guanjia.Core.Messages;

/// <summary>
/// 随手办: a problem the steward settled on the spot becomes a ticket born closed (through
/// <see cref="TicketLifecycle.CreateSettled"/>), triaged for category and place, never dispatched.
/// It needs a photo as proof: sent with it, just before it (held photos), or just after it (the
/// text waits as an <see cref="OnTheSpotDraft"/>). With two photos the first is the before, the
/// rest the after.
/// </summary>
public sealed partial class OnTheSpotHandler(
    GuanjiaDbContext db,
    CommunityConfig config,
    TicketTriage triage,
    IntakeSettings settings,
    TicketTexts texts,
    TimeProvider time,
    ILogger logger)
{
    private const int MaxText = 2000;

    private int Minutes => Math.Max(1, (int)Math.Round(settings.MergeWindow.TotalMinutes));

    public async Task HandleAsync(Inbound inbound, MessageDecision.OnTheSpot decision, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var person = decision.Person;
        var pending = await db.PendingPhotos
            .Where(p => p.SenderId == person.UserId && p.Conversation == inbound.Conversation && p.TicketNumber == null
                && p.ReceivedAt >= now - settings.MergeWindow && p.PhotoId != null)
            .OrderBy(p => p.Id)
            .ToListAsync(cancellationToken);
        if (pending.Count == 0 && inbound.Stored.Count == 0)
        {
            // No proof yet: the text waits for its photo; nothing is recorded without one.
            db.OnTheSpotDrafts.Add(new OnTheSpotDraft
            {
                SenderId = person.UserId,
                Conversation = inbound.Conversation,
                Text = decision.Text.Length > MaxText ? decision.Text[..MaxText] : decision.Text,
                ReceivedAt = now,
            });
            outbox.Reply($"{inbound.Key}:answer", inbound.Message, PhotoHandlers.WithFailures(TicketTexts.OnTheSpotNeedsPhoto(Minutes), inbound));
            LogWaitingForPhoto(logger, inbound.InboxId);
            return;
        }

        var text = decision.Text;
        var result = triage.Triage(text, person, decision.Community);
        var category = result.LowConfidence ? config.OtherCategory : config.FindCategory(result.CategoryCode) ?? config.OtherCategory;
        var ticket = new Ticket
        {
            Status = TicketStatus.New,
            Category = category.Code,
            Urgent = result.Urgent,
            LowConfidence = result.LowConfidence,
            Community = decision.Community.Id,
            Compound = result.CompoundId,
            // Whose work it would have been; nobody is sent anything.
            Department = result.LowConfidence ? decision.Community.Office : result.DepartmentId,
            Reporter = person.UserId,
            Text = text.Length > MaxText ? text[..MaxText] : text,
            Conversation = inbound.Conversation,
            Confidential = ConfidentialTips.IsConfidential(category, text),
        };
        TicketLifecycle.CreateSettled(ticket, now, null);

        var photos = pending.Select(p => new ReceivedPhoto(p.PhotoId, p.Width, p.Height, p.PerceptualHash, null))
            .Concat(inbound.Stored.Select(p => new ReceivedPhoto(p.Id, p.Width, p.Height, p.PerceptualHash, null)))
            .ToList();
        foreach (var photo in photos)
        {
            ticket.AttachPhoto(photo.Id!, ticket.Photos.Count == 0 ? PhotoStages.Before : PhotoStages.After, photo.Width, photo.Height, photo.PerceptualHash, now);
        }

        if (inbound.Failures.Count > 0)
        {
            TicketLifecycle.Record(ticket, TicketEventKinds.PhotoFailed, TicketActors.System, now, string.Join("；", inbound.Failures));
        }

        // Numbered when added: saved with the rest of the message (IntakeProcessor), in one SaveChanges.
        await db.Tickets.AddAsync(ticket, cancellationToken);
        foreach (var photo in pending)
        {
            photo.TicketNumber = ticket.Number;
        }

        if (decision.Draft is { } draft)
        {
            draft.TicketNumber = ticket.Number;
        }

        Acknowledge(inbound, ticket, outbox);
        LogRecorded(logger, ticket.Number, ticket.Category, inbound.InboxId);
    }

    /// <summary>A further photo of a 随手办 just recorded: an after-photo.</summary>
    public void AddPhoto(Inbound inbound, MessageDecision.OnTheSpotPhoto decision, OutboxWriter outbox)
    {
        var ticket = decision.Ticket;
        var now = time.GetUtcNow();
        var added = new List<string>();
        foreach (var photo in inbound.Stored)
        {
            if (ticket.AttachPhoto(photo.Id, PhotoStages.After, photo.Width, photo.Height, photo.PerceptualHash, now))
            {
                added.Add(photo.Id);
            }
        }

        TicketLifecycle.Record(ticket, TicketEventKinds.PhotoAdded, decision.Person.UserId, now, $"随手办照片 {added.Count} 张", inbound.Conversation, added);
        outbox.Reply($"{inbound.Key}:answer", inbound.Message, PhotoHandlers.WithFailures(TicketTexts.OnTheSpotPhotoAdded(ticket.Number), inbound), ticket.Number);
    }

    private void Acknowledge(Inbound inbound, Ticket ticket, OutboxWriter outbox)
    {
        var full = texts.OnTheSpotAcknowledgement(ticket, inbound.Failures);
        if (!ticket.Confidential)
        {
            outbox.Reply($"{inbound.Key}:ack", inbound.Message, full, ticket.Number);
            return;
        }

        var notices = new TicketNotices(config, texts);
        if (inbound.Message.ChatId is not null)
        {
            outbox.Reply($"{inbound.Key}:ack", inbound.Message, texts.ConfidentialAcknowledgement(ticket), ticket.Number);
            outbox.ToPeople($"{inbound.Key}:ack:private", [ticket.Reporter], OutboxKind.Text, $"{full}\n{TicketTexts.ConfidentialHint}", ticket.Number);
        }
        else
        {
            outbox.Reply($"{inbound.Key}:ack", inbound.Message, full, ticket.Number);
        }

        notices.ConfidentialToSecretaries(outbox, $"ticket:{ticket.Number}:confidential", ticket);
    }

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Ticket #{Number} recorded on the spot ({Category}) from inbox {InboxId}")]
    private static partial void LogRecorded(ILogger logger, int number, string category, long inboxId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Inbox {InboxId}: 随手办 waits for its photo")]
    private static partial void LogWaitingForPhoto(ILogger logger, long inboxId);
}
