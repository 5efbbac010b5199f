using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Operations;
using Guanjia.Core.Outbox;
using Guanjia.Core.Photos;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Guanjia.Core.Triage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Guanjia.Core.Messages;

/// <summary>
/// A report becomes a ticket: triaged, created and dispatched through <see cref="TicketLifecycle"/>,
/// with the sender's waiting photos; the reporter is acknowledged and the department told. When
/// the triage is unsure the ticket goes to the community office and its secretaries are asked.
/// </summary>
public sealed partial class ReportHandler(
    GuanjiaDbContext db,
    CommunityConfig config,
    TicketTriage triage,
    IntakeSettings settings,
    TicketTexts texts,
    StreetCalendar calendar,
    TimeProvider time,
    ILogger logger,
    GuanjiaMetrics? metrics = null)
{
    private const int MaxText = 2000;
    private const int AskCandidates = 3;

    // Tickets made since the caller last saved (IntakeProcessor saves several reports at once): the duplicate look-up
    // reads them here, as it reads the saved ones from the database.
    private readonly List<Ticket> _unsaved = [];

    /// <summary>The caller saved everything: the duplicate look-up finds the tickets made so far in the database.</summary>
    public void Saved() => _unsaved.Clear();

    public async Task HandleAsync(Inbound inbound, MessageDecision.Report report, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pending = await IntakeQueries.PendingPhotos(db, report.Person.UserId, inbound.Conversation, now - settings.MergeWindow).ToListAsync(cancellationToken);

        var (ticket, result) = await CreateAsync(inbound.Text, report.Person, report.Community, inbound.Conversation, now, cancellationToken, triaged: report.Triage);
        _unsaved.Add(ticket);
        var failures = new List<string>();
        foreach (var photo in pending)
        {
            photo.TicketNumber = ticket.Number;
            AddPhoto(ticket, new ReceivedPhoto(photo.PhotoId, photo.Width, photo.Height, photo.PerceptualHash, photo.Failure), now, failures);
        }

        foreach (var photo in inbound.Photos)
        {
            AddPhoto(ticket, photo, now, failures);
        }

        if (failures.Count > 0)
        {
            TicketLifecycle.Record(ticket, TicketEventKinds.PhotoFailed, TicketActors.System, now, string.Join("；", failures));
        }

        // Saved with the rest of the message (IntakeProcessor): the duplicate look-up reads only other tickets.
        var duplicate = await FindDuplicateAsync(ticket, cancellationToken);
        if (duplicate is { } d)
        {
            ticket.PossibleDuplicateOf = d.Number;
            TicketLifecycle.Record(ticket, TicketEventKinds.PossibleDuplicate, TicketActors.System, now, $"#{d.Number}");
        }

        EnqueueNotices(ticket, result, report.Community, inbound.Message, outbox, inbound.Key, failures, duplicate);
        LogTicketCreated(logger, ticket.Number, ticket.Category, ticket.Department, ticket.Urgent, inbound.InboxId);
    }

    /// <summary>
    /// Photos whose text never came within the merge window still become a report: a ticket
    /// in <c>other</c>, which the secretaries are asked to 改类. Nothing a steward sent is dropped;
    /// photos that could not be downloaded were never held, and old failed rows are let go.
    /// </summary>
    public async Task SweepPendingPhotosAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = now - settings.MergeWindow;
        var expired = await db.PendingPhotos
            .Where(p => p.TicketNumber == null && p.ReceivedAt < cutoff)
            .OrderBy(p => p.Id)
            .ToListAsync(cancellationToken);
        foreach (var group in expired.GroupBy(p => (p.SenderId, p.Conversation)))
        {
            var person = config.FindPerson(group.Key.SenderId);
            var community = person?.CommunityId is { } id ? config.FindCommunity(id) : null;
            if (person is null || community is null)
            {
                continue;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (group.All(p => p.PhotoId is null))
            {
                db.PendingPhotos.RemoveRange(group);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                continue;
            }

            var (ticket, result) = await CreateAsync("（仅照片，未附文字说明）", person, community, group.Key.Conversation, now, cancellationToken, forceAsk: true);
            var failures = new List<string>();
            foreach (var photo in group)
            {
                photo.TicketNumber = ticket.Number;
                AddPhoto(ticket, new ReceivedPhoto(photo.PhotoId, photo.Width, photo.Height, photo.PerceptualHash, photo.Failure), now, failures);
            }

            var reply = new IncomingMessage
            {
                Channel = IncomingChannel.App,
                MessageId = $"pending:{group.First().Id}",
                SenderId = person.UserId,
                ReceivedAt = now,
            };
            // The triage of a placeholder text says nothing: the secretaries pick the category unaided.
            EnqueueNotices(ticket, result with { Candidates = [] }, community, reply, new OutboxWriter(db, time), $"pending:{group.First().Id}", failures, null);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private async Task<(Ticket Ticket, TriageResult Result)> CreateAsync(
        string text, Person person, CommunityInfo community, string conversation, DateTimeOffset now,
        CancellationToken cancellationToken, bool forceAsk = false, TriageResult? triaged = null)
    {
        var result = triaged ?? new TriageOnce(triage, text, person, time, metrics, conversation: false).For(community);
        var ask = result.LowConfidence || forceAsk;
        var category = ask ? config.OtherCategory : config.FindCategory(result.CategoryCode) ?? config.OtherCategory;
        var urgent = result.Urgent || category.AlwaysUrgent;
        // Unsure: the community office holds it until a secretary picks the category (改类).
        var department = ask ? community.Office : result.DepartmentId;
        var ticket = new Ticket
        {
            Status = TicketStatus.New,
            Category = category.Code,
            Urgent = urgent,
            LowConfidence = ask,
            Community = community.Id,
            Compound = result.CompoundId,
            Department = department,
            Reporter = person.UserId,
            Text = text.Length > MaxText ? text[..MaxText] : text,
            Conversation = conversation,
            DueAt = calendar.Due(now, category.TimeLimitFor(urgent)),
            Confidential = ConfidentialTips.IsConfidential(category, text),
        };
        TicketLifecycle.Create(ticket, now, result.UrgentCue is { } cue ? $"紧急：{cue}" : null, texts.DepartmentName(department));
        // Numbered when added (GuanjiaDbContext.ConfigureTicketNumbers): saved with the rest of the message, in one SaveChanges.
        await db.Tickets.AddAsync(ticket, cancellationToken);
        return (ticket, result);
    }

    private void EnqueueNotices(
        Ticket ticket, TriageResult result, CommunityInfo community, IncomingMessage message, OutboxWriter outbox, string key,
        List<string> failures, (int Number, bool ByPhoto)? duplicate)
    {
        var tk = $"ticket:{ticket.Number}";
        var notices = new TicketNotices(config, texts);
        if (ticket.Confidential && message.ChatId is not null)
        {
            // A tip said in a group: the group reads only that it was received; the reporter the rest, 1:1.
            outbox.Reply($"{key}:ack", message, texts.ConfidentialAcknowledgement(ticket), ticket.Number);
            outbox.ToPeople($"{key}:ack:private", [ticket.Reporter], OutboxKind.Text,
                $"{texts.Acknowledgement(ticket, failures)}\n{TicketTexts.ConfidentialHint}", ticket.Number);
        }
        else
        {
            outbox.Reply($"{key}:ack", message, texts.Acknowledgement(ticket, failures), ticket.Number);
        }

        notices.Dispatch(outbox, tk, ticket);
        if (ticket.Confidential)
        {
            notices.ConfidentialToSecretaries(outbox, $"{tk}:confidential", ticket);
        }

        if (ticket.LowConfidence)
        {
            var candidates = result.Candidates
                .Where(c => c.Code != Category.OtherCode && config.FindCategory(c.Code) is not null)
                .Take(AskCandidates)
                .Select(c => config.FindCategory(c.Code)!)
                .ToList();
            if (candidates.Count == 0 && result.Candidates.Count > 0 && config.FindCategory(result.BestGuessCode) is { } best && best.Code != Category.OtherCode)
            {
                candidates.Add(best);
            }

            // The secretaries get the choices as buttons: in their community's group through the bot's long connection,
            // else in their 1:1 chats through the app.
            var card = TicketCards.Recategorise(texts, ticket, candidates, outbox.Routes.TicketUrl(ticket.Number));
            if (candidates.Count == 0 || ticket.Confidential
                || !(outbox.TryCardToChat($"{tk}:recategorise", community.ChatId, card, ticket.Number)
                    || outbox.TryCardToPeople($"{tk}:recategorise", notices.Secretaries(community.Id), card, ticket.Number)))
            {
                AskSecretaries(outbox, $"{tk}:recategorise", community, ticket, texts.AskRecategorise(ticket, candidates));
            }
        }

        if (duplicate is { } d)
        {
            // A confidential tip's text never goes to the group: the card would show it.
            var card = TicketCards.Duplicate(ticket, d.Number, d.ByPhoto, outbox.Routes.TicketUrl(ticket.Number));
            if (ticket.Confidential
                || !(outbox.TryCardToChat($"{tk}:duplicate", community.ChatId, card, ticket.Number)
                    || outbox.TryCardToPeople($"{tk}:duplicate", notices.Secretaries(community.Id), card, ticket.Number)))
            {
                notices.ToCommunity(outbox, $"{tk}:duplicate", ticket, TicketTexts.PossibleDuplicate(ticket, d.Number, d.ByPhoto));
            }
        }
    }

    /// <summary>One message to the community's secretaries (their 1:1 chats), or to its group when it has none.</summary>
    private void AskSecretaries(OutboxWriter outbox, string key, CommunityInfo community, Ticket ticket, string content)
    {
        var secretaries = config.People
            .Where(p => p.CommunityId == community.Id && p.HasRole(Person.SecretaryRole))
            .Select(p => p.UserId)
            .ToList();
        if (secretaries.Count > 0)
        {
            outbox.ToPeople(key, secretaries, OutboxKind.Text, content, ticket.Number);
        }
        else
        {
            outbox.ToCommunity(key, community, content, ticket.Number, config);
        }
    }

    private async Task<(int Number, bool ByPhoto)?> FindDuplicateAsync(Ticket ticket, CancellationToken cancellationToken)
    {
        if (ticket.Compound is not null)
        {
            var since = ticket.CreatedAt - IntakeSettings.DuplicateWindow;
            var saved = await IntakeQueries.OpenSameProblem(db, ticket.Compound, ticket.Category, since, ticket.Number);
            var unsaved = _unsaved
                .Where(t => t.Number != ticket.Number && t.Compound == ticket.Compound && t.Category == ticket.Category && t.CreatedAt >= since && t.Status.IsOpen())
                .Select(t => (int?)t.Number)
                .Max();
            // The newest, as the query orders them.
            if (saved is not null || unsaved is not null)
            {
                return (Math.Max(saved ?? int.MinValue, unsaved ?? int.MinValue), false);
            }
        }

        var hashes = ticket.Photos.Select(p => unchecked((ulong)p.PerceptualHash)).ToList();
        if (hashes.Count == 0)
        {
            return null;
        }

        var lookback = ticket.CreatedAt - IntakeSettings.PhotoDuplicateLookback;
        var earlier = await db.TicketPhotos
            .Where(p => p.TicketNumber != ticket.Number && p.CreatedAt >= lookback)
            .Select(p => new { p.TicketNumber, p.PerceptualHash })
            .ToListAsync(cancellationToken);
        var near = earlier
            .Concat(_unsaved.Where(t => t.Number != ticket.Number)
                .SelectMany(t => t.Photos.Where(p => p.CreatedAt >= lookback).Select(p => new { TicketNumber = t.Number, p.PerceptualHash })))
            .Where(p => hashes.Any(h => PerceptualHash.Distance(h, unchecked((ulong)p.PerceptualHash)) <= PerceptualHash.NearDuplicateDistance))
            .OrderByDescending(p => p.TicketNumber)
            .FirstOrDefault();
        return near is null ? null : (near.TicketNumber, true);
    }

    /// <summary>Adds a before-photo (once); a photo that failed is listed in <paramref name="failures"/>.</summary>
    internal static void AddPhoto(Ticket ticket, ReceivedPhoto photo, DateTimeOffset now, List<string> failures)
    {
        if (photo.Id is null)
        {
            failures.Add(photo.Failure ?? "无法处理");
            return;
        }

        ticket.AttachPhoto(photo.Id, PhotoStages.Before, photo.Width, photo.Height, photo.PerceptualHash, now);
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Ticket #{Number} created ({Category} → {Department}, urgent {Urgent}) from inbox {InboxId}")]
    private static partial void LogTicketCreated(ILogger logger, int number, string category, string department, bool urgent, long inboxId);
}
