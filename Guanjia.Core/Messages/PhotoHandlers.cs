using Guanjia.Core.Commands;
using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;

namespace Guanjia.Core.Messages;

/// <summary>
/// Photos that are not a new report: after-photos of a department's 办结, and photos waiting
/// (for the merge window) for the text or the 办结 they belong to.
/// </summary>
public sealed class PhotoHandlers(GuanjiaDbContext db, CommunityConfig config, IntakeSettings settings, TicketTexts texts, TimeProvider time)
{
    private int Minutes => Math.Max(1, (int)Math.Round(settings.MergeWindow.TotalMinutes));

    /// <summary>The photos join the ticket as after-photos and go to the reporter.</summary>
    public void AfterPhoto(Inbound inbound, MessageDecision.AfterPhoto decision, OutboxWriter outbox)
    {
        var ticket = decision.Ticket;
        var now = time.GetUtcNow();
        var added = new List<string>();
        foreach (var photo in inbound.Stored)
        {
            TicketCommands.AddAfterPhoto(ticket, photo, now, added);
        }

        TicketLifecycle.Record(ticket, TicketEventKinds.PhotoAdded, decision.Person.UserId, now, $"处理后照片 {added.Count} 张", inbound.Conversation, added);
        if (added.Count > 0)
        {
            new TicketNotices(config, texts).ToReporter(outbox, $"{inbound.Key}:after-photo", ticket, $"工单 #{ticket.Number} 的处理后照片：", added);
        }

        outbox.Reply($"{inbound.Key}:answer", inbound.Message, WithFailures(MessageTexts.AfterPhotoAdded(ticket.Number), inbound), ticket.Number);
    }

    /// <summary>Stored photos wait for their text (a report) or their 办结; failed ones are not kept.</summary>
    public void Hold(Inbound inbound, MessageDecision.HoldPhotos decision, OutboxWriter outbox)
    {
        var now = time.GetUtcNow();
        foreach (var photo in inbound.Stored)
        {
            db.PendingPhotos.Add(new PendingPhoto
            {
                SenderId = decision.Person.UserId,
                Conversation = inbound.Conversation,
                PhotoId = photo.Id,
                Width = photo.Width,
                Height = photo.Height,
                PerceptualHash = photo.PerceptualHash,
                ReceivedAt = now,
            });
        }

        var answer = decision.ForDone ? MessageTexts.PhotoWaitsForDone(Minutes) : MessageTexts.PhotoWaitsForText(Minutes);
        outbox.Reply($"{inbound.Key}:{(decision.ForDone ? "after-photo-pending" : "photo-pending")}", inbound.Message, WithFailures(answer, inbound));
    }

    internal static string WithFailures(string answer, Inbound inbound) =>
        inbound.Failures.Count == 0 ? answer : $"{answer}\n{MessageTexts.PhotoFailures(inbound.Failures)}";
}
