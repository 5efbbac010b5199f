using System.Text.Json;
using Guanjia.Core.Commands;
using Guanjia.Core.Community;
using Guanjia.Core.Messages;
using Guanjia.Core.Operations;
using Guanjia.Core.Outbox;
using Guanjia.Core.Photos;
using Guanjia.Core.Points;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Guanjia.Core.Triage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Guanjia.Core.Intake;

/// <summary>
/// Turns stored inbox messages into their effects in one transaction with marking them
/// processed, so a crash repeats the whole step and a processed message never repeats. The
/// <see cref="MessageClassifier"/> decides once what the message is; one handler acts on it.
/// </summary>
public sealed partial class IntakeProcessor
{
    private readonly GuanjiaDbContext _db;
    private readonly PhotoProcessor _photos;
    private readonly IMediaSource _media;
    private readonly TimeProvider _time;
    private readonly ILogger<IntakeProcessor> _logger;
    private readonly CommandProcessor _commands;
    private readonly MessageClassifier _classifier;
    private readonly ReportHandler _reports;
    private readonly PhotoHandlers _photoHandlers;
    private readonly TicketAmendment _amendment;
    private readonly OnTheSpotHandler _onTheSpot;
    private readonly CommunityConfig _config;
    private readonly StreetCalendar _calendar;
    private readonly OutboxRoutes _routes;

    public IntakeProcessor(
        GuanjiaDbContext db,
        CommunityConfig config,
        TicketTriage triage,
        PhotoProcessor photos,
        IMediaSource media,
        IntakeSettings settings,
        TicketTexts texts,
        StreetCalendar calendar,
        CommandProcessor commands,
        TimeProvider time,
        ILogger<IntakeProcessor> logger,
        GuanjiaMetrics? metrics = null,
        OutboxRoutes? routes = null)
    {
        _routes = routes ?? OutboxRoutes.None;
        _db = db;
        _config = config;
        _calendar = calendar;
        _photos = photos;
        _media = media;
        _time = time;
        _logger = logger;
        _commands = commands;
        _classifier = new MessageClassifier(db, config, triage, settings, time, metrics);
        _reports = new ReportHandler(db, config, triage, settings, texts, calendar, time, logger, metrics);
        _photoHandlers = new PhotoHandlers(db, config, settings, texts, time);
        _amendment = new TicketAmendment(db, config, texts);
        _onTheSpot = new OnTheSpotHandler(db, config, triage, settings, texts, time, logger);
    }

    /// <summary>Processes one stored message (see <see cref="ProcessBatchAsync"/>); throws when it fails.</summary>
    public Task ProcessAsync(long inboxId, CancellationToken cancellationToken) => ProcessBatchAsync([inboxId], null, cancellationToken);

    /// <summary>
    /// Processes stored messages, oldest first, in one transaction: each is classified once and handed to
    /// one handler exactly as if it were alone, and its effects are saved (not committed) before the next
    /// is classified, so a follow-up sees the ticket its report made earlier in the batch. All or nothing:
    /// when any message throws, nothing of the batch is kept and the exception is rethrown, so the caller
    /// retries the messages one by one and a poison message fails alone. With a <paramref name="budget"/>, the
    /// batch is committed once it has taken that long (a single-writer database is not held for longer), and the
    /// ids after the last one handled are left for the next batch. Returns how many of
    /// <paramref name="inboxIds"/> (taken in ascending order) were dealt with: processed, or skipped because
    /// they were already processed, dead or missing.
    /// </summary>
    public async Task<int> ProcessBatchAsync(IReadOnlyList<long> inboxIds, TimeSpan? budget, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var ids = inboxIds.ToArray();
        // A dead letter waits for a person (POST /api/inbox/{id}/retry), even if a queue still names it.
        var rows = await IntakeQueries.Waiting(_db, ids).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return ids.Length;
        }

        // Network work (photo downloads) happens before the transaction; the photo store is
        // content-addressed, so repeating it after a crash or a failed batch stores nothing twice.
        var inbound = new List<Inbound>(rows.Count);
        foreach (var row in rows)
        {
            var message = JsonSerializer.Deserialize(row.Payload, IntakeJsonContext.Default.IncomingMessage)
                ?? throw new InvalidOperationException($"Inbox row {row.Id} has no payload.");
            inbound.Add(new Inbound(row.Id, message, message.Images.Count == 0 ? [] : await FetchPhotosAsync(message, cancellationToken)));
        }

        await using var transaction = await _db.Database.BeginTransactionAsync(cancellationToken);
        var handled = 0;
        // Saved together (SaveChanges' fixed cost once for many messages): messages whose effects a later message cannot
        // read before they are saved (see Deferrable), up to MaxUnsaved of them.
        var unsaved = new HashSet<(string Sender, string Conversation)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var sender = (inbound[i].Message.SenderId, inbound[i].Conversation);
            // The classifier reads the sender's own recent tickets, photos and drafts in this conversation; anything
            // else (photos, a location, a quoted ticket) may read what any earlier message did.
            if (unsaved.Count > 0 && (unsaved.Contains(sender) || !PlainText(inbound[i])))
            {
                await SaveAsync(unsaved, cancellationToken);
            }

            var outbox = new OutboxWriter(_db, _time) { Routes = _routes };
            var decision = await _classifier.ClassifyAsync(inbound[i], cancellationToken);
            var deferrable = Deferrable(decision);
            if (!deferrable && unsaved.Count > 0)
            {
                await SaveAsync(unsaved, cancellationToken);
            }

            // A failed batch keeps nothing and is retried message by message, so a savepoint around each SaveChanges
            // (two more statements) protects nothing, except where a handler catches a failed save and goes on
            // (points: a concurrent payment is refused and the person asked to retry).
            _db.Database.AutoSavepointsEnabled = decision is MessageDecision.Command or MessageDecision.Location;
            await HandleAsync(inbound[i], decision, outbox, cancellationToken);
            _db.Database.AutoSavepointsEnabled = false;
            unsaved.Add(sender);
            if (!deferrable || unsaved.Count >= MaxUnsaved)
            {
                await SaveAsync(unsaved, cancellationToken);
            }

            _db.Database.AutoSavepointsEnabled = true;
            handled = i + 1;
            if (budget is { } limit && _time.GetElapsedTime(started) >= limit)
            {
                break;
            }
        }

        if (unsaved.Count > 0)
        {
            await SaveAsync(unsaved, cancellationToken);
        }

        // Marked processed all at once, in the same transaction as their effects (one statement, not one a message).
        var done = rows.Take(handled).Select(r => r.Id).ToArray();
        var processedAt = _time.GetUtcNow();
        await _db.Inbox.Where(m => done.Contains(m.Id)).ExecuteUpdateAsync(
            set => set.SetProperty(m => m.ProcessedAt, processedAt).SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.LastError, (string?)null),
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (handled == rows.Count)
        {
            return ids.Length;
        }

        // Everything up to the last handled row: rows skipped as processed or dead before it count as dealt with.
        var last = rows[handled - 1].Id;
        return ids.Order().TakeWhile(id => id <= last).Count();
    }

    /// <summary>How many messages' effects at most wait for one <c>SaveChanges</c>.</summary>
    internal const int MaxUnsaved = 64;

    /// <summary>
    /// Text alone, no photo, no location, no quoted message: what the classifier reads for it is the sender's own
    /// recent ticket in this conversation (kept saved by the caller).
    /// </summary>
    private static bool PlainText(Inbound inbound) =>
        inbound.Message.Images.Count == 0 && inbound.Message.Location is null && string.IsNullOrEmpty(inbound.Message.QuotedText);

    /// <summary>
    /// Whether a message's effects may wait for a later <c>SaveChanges</c> in the batch: a new report (the one read of
    /// other senders' tickets, the duplicate look-up, also sees the batch's unsaved ones: <see cref="ReportHandler"/>),
    /// small talk and refusals (only an answer). Everything else — commands, follow-ups, photos, 随手办, locations —
    /// changes what another message may read, and is saved before and after.
    /// </summary>
    private static bool Deferrable(MessageDecision decision) =>
        decision is MessageDecision.Report or MessageDecision.Conversation or MessageDecision.Refuse or MessageDecision.UnknownCommand;

    private async Task SaveAsync(HashSet<(string, string)> unsaved, CancellationToken cancellationToken)
    {
        await _db.SaveChangesAsync(cancellationToken);
        // Saved: later messages read it from the database, and change tracking stays small.
        _db.ChangeTracker.Clear();
        _reports.Saved();
        unsaved.Clear();
    }

    /// <summary>Photos whose text never came within the merge window still become a report.</summary>
    public Task SweepPendingPhotosAsync(CancellationToken cancellationToken) => _reports.SweepPendingPhotosAsync(cancellationToken);

    private async Task HandleAsync(Inbound inbound, MessageDecision decision, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        var message = inbound.Message;
        var key = inbound.Key;
        switch (decision)
        {
            case MessageDecision.Command command:
                await _commands.HandleAsync(command.Parsed, message, command.Person, inbound.Stored, inbound.Failures, outbox, key, cancellationToken);
                break;
            case MessageDecision.UnknownCommand unknown:
                outbox.Reply($"{key}:answer", message, MessageTexts.UnknownCommand(unknown.Word));
                break;
            case MessageDecision.Report report:
                await _reports.HandleAsync(inbound, report, outbox, cancellationToken);
                break;
            case MessageDecision.OnTheSpot onTheSpot:
                await _onTheSpot.HandleAsync(inbound, onTheSpot, outbox, cancellationToken);
                break;
            case MessageDecision.OnTheSpotPhoto onTheSpotPhoto:
                _onTheSpot.AddPhoto(inbound, onTheSpotPhoto, outbox);
                break;
            case MessageDecision.FollowUp followUp:
                var answer = await _amendment.AmendAsync(followUp.Ticket, inbound.Text, inbound.Stored, followUp.Person.UserId,
                    inbound.Conversation, _time.GetUtcNow(), outbox, key, cancellationToken);
                outbox.Reply($"{key}:answer", message, PhotoHandlers.WithFailures(answer, inbound), followUp.Ticket.Number);
                LogFollowUp(_logger, followUp.Ticket.Number, inbound.InboxId);
                break;
            case MessageDecision.AfterPhoto afterPhoto:
                _photoHandlers.AfterPhoto(inbound, afterPhoto, outbox);
                break;
            case MessageDecision.HoldPhotos hold:
                _photoHandlers.Hold(inbound, hold, outbox);
                break;
            case MessageDecision.Location location:
                var patrol = await new Patrols(new PointsBook(_db, _config, _calendar, _time, _logger))
                    .RecordLocationAsync(location.Person, location.Where.Latitude, location.Where.Longitude,
                        $"{message.Channel.ToString().ToLowerInvariant()}:{message.MessageId}", cancellationToken);
                outbox.Reply($"{key}:answer", message, patrol.Text);
                break;
            case MessageDecision.PhotoFailed:
                outbox.Reply($"{key}:answer", message, PhotoHandlers.WithFailures(MessageTexts.PhotoDownloadFailed, inbound));
                break;
            case MessageDecision.Conversation conversation:
                outbox.Reply($"{key}:answer", message, MessageTexts.Conversation(conversation.Kind));
                LogConversation(_logger, conversation.Kind, inbound.InboxId);
                break;
            case MessageDecision.Refuse refuse:
                outbox.Reply($"{key}:{refuse.Key}", message, refuse.Answer);
                LogRefused(_logger, refuse.Key, inbound.InboxId);
                break;
            default:
                throw new InvalidOperationException($"No handler for {decision.GetType().Name}.");
        }
    }

    private async Task<List<ReceivedPhoto>> FetchPhotosAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        var result = new List<ReceivedPhoto>(message.Images.Count);
        foreach (var image in message.Images)
        {
            var download = await _media.FetchAsync(message.Channel, image, cancellationToken);
            if (download.Bytes is null)
            {
                result.Add(ReceivedPhoto.Failed(download.Failure ?? "下载失败"));
                continue;
            }

            var processed = await _photos.ProcessAsync(download.Bytes, cancellationToken);
            result.Add(processed switch
            {
                PhotoResult.Stored s => new ReceivedPhoto(s.Id, s.Width, s.Height, unchecked((long)s.PerceptualHash), null),
                PhotoResult.Refused r => ReceivedPhoto.Failed(r.Message),
                _ => ReceivedPhoto.Failed("无法处理"),
            });
        }

        return result;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Inbox {InboxId}: answered without a ticket ({Reason})")]
    private static partial void LogRefused(ILogger logger, string reason, long inboxId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Inbox {InboxId}: conversation ({Kind}), no ticket")]
    private static partial void LogConversation(ILogger logger, ConversationKind kind, long inboxId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Inbox {InboxId}: follow-up added to ticket #{Number}")]
    private static partial void LogFollowUp(ILogger logger, int number, long inboxId);
}
