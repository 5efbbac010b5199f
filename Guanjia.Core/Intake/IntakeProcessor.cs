using System.Text.Json;
using Guanjia.Core.Commands;
using Guanjia.Core.Community;
using Guanjia.Core.Outbox;
using Guanjia.Core.Photos;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Guanjia.Core.Triage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Guanjia.Core.Intake;

/// <summary>
/// Turns one stored inbox message into its effects — a ticket, photos, acknowledgement and
/// dispatch — in one transaction with marking the message processed, so a crash repeats the
/// whole step and a processed message never repeats.
/// </summary>
public sealed partial class IntakeProcessor(
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
    ILogger<IntakeProcessor> logger)
{
    private const string System = "guanjia";
    private const int PhotoDuplicateDistance = PerceptualHash.NearDuplicateDistance;

    public async Task ProcessAsync(long inboxId, CancellationToken cancellationToken)
    {
        var row = await db.Inbox.FirstOrDefaultAsync(m => m.Id == inboxId, cancellationToken);
        if (row is null || row.ProcessedAt is not null)
        {
            return;
        }

        var message = JsonSerializer.Deserialize(row.Payload, IntakeJsonContext.Default.IncomingMessage)
            ?? throw new InvalidOperationException($"Inbox row {inboxId} has no payload.");

        // Network work (photo downloads) happens before the transaction; the photo store is
        // content-addressed, so repeating it after a crash stores nothing twice.
        var fetched = await FetchPhotosAsync(message, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var outbox = new OutboxWriter(db, time);
        var key = $"inbox:{row.Id}";
        var person = config.FindPerson(message.SenderId) ?? DepartmentMember(message.SenderId);
        if (person is null && config.MerchantOf(message.SenderId) is { } merchant)
        {
            // Merchants are not on the roster of people; they only redeem vouchers.
            var asPerson = new Person(message.SenderId, merchant.Name, [], null, []);
            if (!await commands.TryHandleAsync(message, asPerson, CommandPhotos(fetched), outbox, key, cancellationToken))
            {
                outbox.Reply($"{key}:merchant", message, "您是联盟商户，请发送“兑换 券码”核销消费券。");
            }
        }
        else if (person is null)
        {
            outbox.Reply($"{key}:refused", message, "您好，您还不在本街道小巷管家名单中，暂时无法受理上报。请联系所在社区工作人员登记后再试。");
            LogUnknownSender(logger, row.Id);
        }
        else
        {
            await HandleAsync(row, message, person, fetched, outbox, key, cancellationToken);
        }

        row.ProcessedAt = time.GetUtcNow();
        row.Attempts++;
        row.LastError = null;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task HandleAsync(
        InboxMessage row, IncomingMessage message, Person person, List<FetchedPhoto> fetched,
        OutboxWriter outbox, string key, CancellationToken cancellationToken)
    {
        // Commands first, in this same transaction: a redelivered command runs once.
        var photos = CommandPhotos(fetched);
        if (await commands.TryHandleAsync(message, person, photos, outbox, key, cancellationToken))
        {
            return;
        }

        if (config.FindPerson(person.UserId) is null)
        {
            // A department member who is not also on the roster of people reports nothing.
            await HandleDepartmentAsync(message, person, fetched, photos, outbox, key, cancellationToken);
            return;
        }

        CommunityInfo? community;
        if (message.ChatId is { } chatId)
        {
            var owner = config.ResolveChat(chatId);
            community = owner?.Community;
            if (community is null)
            {
                if (owner?.Department is not null)
                {
                    await HandleDepartmentAsync(message, person, fetched, photos, outbox, key, cancellationToken);
                }
                else
                {
                    outbox.Reply($"{key}:not-community", message, "本群尚未登记为社区群，无法受理上报。请联系街道管理员。");
                }

                return;
            }
        }
        else
        {
            community = person.CommunityId is { } id ? config.FindCommunity(id) : null;
            if (community is null && config.DepartmentsOf(person.UserId).Count > 0)
            {
                await HandleDepartmentAsync(message, person, fetched, photos, outbox, key, cancellationToken);
                return;
            }

            if (community is null)
            {
                outbox.Reply($"{key}:no-community", message, "您没有登记所属社区，请在社区群内 @小巷管家 上报问题。");
                return;
            }
        }

        var conversation = message.ChatId ?? message.SenderId;
        var text = message.Text?.Trim() ?? "";
        var now = time.GetUtcNow();

        if (text.Length == 0 && fetched.Count == 0)
        {
            outbox.Reply($"{key}:empty", message, "请用文字描述问题（地点和情况），可附照片。");
            return;
        }

        if (text.Length == 0)
        {
            if (await commands.TryAttachAfterPhotosAsync(message, person, photos, outbox, key, cancellationToken))
            {
                return;
            }

            await HandlePhotoOnlyAsync(message, person, conversation, fetched, outbox, key, now, cancellationToken);
            return;
        }

        var pending = await db.PendingPhotos
            .Where(p => p.SenderId == person.UserId && p.Conversation == conversation && p.TicketNumber == null
                && p.ReceivedAt >= now - settings.MergeWindow)
            .OrderBy(p => p.Id)
            .ToListAsync(cancellationToken);

        var ticket = await CreateTicketAsync(text, person, community, conversation, now, cancellationToken);
        var failures = new List<string>();
        foreach (var photo in pending)
        {
            photo.TicketNumber = ticket.Number;
            AddPhoto(ticket, photo.PhotoId, photo.Width, photo.Height, photo.PerceptualHash, now, failures, photo.Failure);
        }

        foreach (var photo in fetched)
        {
            AddPhoto(ticket, photo.Id, photo.Width, photo.Height, photo.Hash, now, failures, photo.Failure);
        }

        if (failures.Count > 0)
        {
            ticket.Events.Add(Event(now, "photo-failed", System, null, null, string.Join("；", failures)));
        }

        await db.SaveChangesAsync(cancellationToken);
        var duplicate = await FindDuplicateAsync(ticket, cancellationToken);
        if (duplicate is { } d)
        {
            ticket.PossibleDuplicateOf = d.Number;
            ticket.Events.Add(Event(now, "possible-duplicate", System, null, null, $"#{d.Number}"));
        }

        EnqueueNotices(ticket, community, message, outbox, key, failures, duplicate);
        LogTicketCreated(logger, ticket.Number, ticket.Category, ticket.Department, ticket.Urgent, row.Id);
    }

    /// <summary>
    /// Photos whose text never came within the merge window still become a report: a ticket
    /// in `other`, which the secretaries are asked to 改类. Nothing a steward sent is dropped.
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
            var ticket = await CreateTicketAsync("（仅照片，未附文字说明）", person, community, group.Key.Conversation, now, cancellationToken);
            ticket.LowConfidence = true;
            var failures = new List<string>();
            foreach (var photo in group)
            {
                photo.TicketNumber = ticket.Number;
                AddPhoto(ticket, photo.PhotoId, photo.Width, photo.Height, photo.PerceptualHash, now, failures, photo.Failure);
            }

            await db.SaveChangesAsync(cancellationToken);
            var reply = new IncomingMessage
            {
                Channel = IncomingChannel.App,
                MessageId = $"pending:{group.First().Id}",
                SenderId = person.UserId,
                ReceivedAt = now,
            };
            EnqueueNotices(ticket, community, reply, new OutboxWriter(db, time), $"pending:{group.First().Id}", failures, null);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A department group (or a department member's 1:1) takes commands, not reports. A photo
    /// there is the after-photo of a 办结 said just before, or waits for one said just after.
    /// </summary>
    private async Task HandleDepartmentAsync(
        IncomingMessage message, Person person, List<FetchedPhoto> fetched, IReadOnlyList<CommandPhoto> photos,
        OutboxWriter outbox, string key, CancellationToken cancellationToken)
    {
        var text = message.Text?.Trim() ?? "";
        if (text.Length > 0 || fetched.Count == 0)
        {
            outbox.Reply($"{key}:department-hint", message,
                "本群是承办部门群，不受理上报，请在社区群内上报问题。处理工单请使用命令，如“接单 153”“办结 153 已清理”；发送“帮助”查看全部命令。");
            return;
        }

        if (await commands.TryAttachAfterPhotosAsync(message, person, photos, outbox, key, cancellationToken))
        {
            return;
        }

        HoldPending(person, message.ChatId ?? message.SenderId, fetched, time.GetUtcNow());
        var minutes = Math.Max(1, (int)Math.Round(settings.MergeWindow.TotalMinutes));
        outbox.Reply($"{key}:after-photo-pending", message, $"已收到照片。如是处理后照片，请在{minutes}分钟内回复“办结 单号”，我会一并转给上报人。");
    }

    /// <summary>Department members are listed under their department, not among the people.</summary>
    private Person? DepartmentMember(string userId) =>
        config.DepartmentsOf(userId) is [var first, ..] ? new Person(userId, first.Name, [], null, []) : null;

    private static List<CommandPhoto> CommandPhotos(List<FetchedPhoto> fetched) =>
        [.. fetched.Where(p => p.Id is not null).Select(p => new CommandPhoto(p.Id!, p.Width, p.Height, unchecked((long)p.Hash)))];

    private async Task HandlePhotoOnlyAsync(
        IncomingMessage message, Person person, string conversation, List<FetchedPhoto> fetched,
        OutboxWriter outbox, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A photo after its text (1:1 chats send them separately) joins the sender's recent ticket.
        var recent = await db.Tickets
            .Where(t => t.Reporter == person.UserId && t.Conversation == conversation && t.CreatedAt >= now - settings.MergeWindow)
            .OrderByDescending(t => t.Number)
            .FirstOrDefaultAsync(cancellationToken);
        if (recent is not null)
        {
            var failures = new List<string>();
            foreach (var photo in fetched)
            {
                AddPhoto(recent, photo.Id, photo.Width, photo.Height, photo.Hash, now, failures, photo.Failure);
            }

            recent.Events.Add(Event(now, "photo-added", person.UserId, null, null, $"{fetched.Count - failures.Count} 张"));
            await db.SaveChangesAsync(cancellationToken);
            var department = config.FindDepartment(recent.Department);
            var index = 0;
            foreach (var photo in fetched.Where(p => p.Id is not null))
            {
                if (department is not null)
                {
                    outbox.ToDepartment($"{key}:photo:{index++}", department, OutboxKind.Image, photo.Id!, recent.Number);
                }
            }

            outbox.Reply($"{key}:photo-ack", message,
                failures.Count == 0 ? $"照片已补充到工单 #{recent.Number}。" : $"照片未能补充到工单 #{recent.Number}：{string.Join("；", failures)}", recent.Number);
            return;
        }

        HoldPending(person, conversation, fetched, now);
        var minutes = Math.Max(1, (int)Math.Round(settings.MergeWindow.TotalMinutes));
        outbox.Reply($"{key}:photo-pending", message, $"已收到照片。请在{minutes}分钟内用文字说明地点和问题，我会和照片一起登记成工单。");
    }

    /// <summary>Photos waiting, for the merge window, for the text (or the 办结) they belong to.</summary>
    private void HoldPending(Person person, string conversation, List<FetchedPhoto> fetched, DateTimeOffset now)
    {
        foreach (var photo in fetched)
        {
            db.PendingPhotos.Add(new PendingPhoto
            {
                SenderId = person.UserId,
                Conversation = conversation,
                PhotoId = photo.Id,
                Width = photo.Width,
                Height = photo.Height,
                PerceptualHash = unchecked((long)photo.Hash),
                Failure = photo.Failure,
                ReceivedAt = now,
            });
        }
    }

    private async Task<Ticket> CreateTicketAsync(
        string text, Person person, CommunityInfo community, string conversation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = triage.Triage(text, person, community);
        var category = config.FindCategory(result.CategoryCode) ?? config.OtherCategory;
        var urgent = result.Urgent || category.AlwaysUrgent;
        var ticket = new Ticket
        {
            Status = TicketStatus.Dispatched,
            Category = category.Code,
            Urgent = urgent,
            LowConfidence = result.LowConfidence,
            Community = community.Id,
            Compound = result.CompoundId,
            Department = result.DepartmentId,
            Reporter = person.UserId,
            Text = text.Length > 2000 ? text[..2000] : text,
            Conversation = conversation,
            CreatedAt = now,
            DispatchedAt = now,
            DueAt = calendar.Due(now, category.TimeLimitFor(urgent)),
        };
        ticket.Events.Add(Event(now, "created", person.UserId, null, TicketStatus.New,
            result.UrgentCue is { } cue ? $"紧急：{cue}" : null));
        ticket.Events.Add(Event(now, "dispatched", System, TicketStatus.New, TicketStatus.Dispatched, texts.DepartmentName(ticket.Department)));
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync(cancellationToken);
        return ticket;
    }

    private void EnqueueNotices(
        Ticket ticket, CommunityInfo community, IncomingMessage message, OutboxWriter outbox, string key,
        List<string> failures, (int Number, bool ByPhoto)? duplicate)
    {
        var tk = $"ticket:{ticket.Number}";
        outbox.Reply($"{key}:ack", message, texts.Acknowledgement(ticket, failures), ticket.Number);

        new TicketNotices(config, texts).Dispatch(outbox, tk, ticket);

        if (ticket.LowConfidence)
        {
            outbox.ToCommunity($"{tk}:recategorise", community, texts.AskRecategorise(ticket), ticket.Number, config);
        }

        if (duplicate is { } d)
        {
            outbox.ToCommunity($"{tk}:duplicate", community, TicketTexts.PossibleDuplicate(ticket, d.Number, d.ByPhoto), ticket.Number, config);
        }
    }

    private async Task<(int Number, bool ByPhoto)?> FindDuplicateAsync(Ticket ticket, CancellationToken cancellationToken)
    {
        if (ticket.Compound is not null)
        {
            var since = ticket.CreatedAt - IntakeSettings.DuplicateWindow;
            var open = await db.Tickets
                .Where(t => t.Number != ticket.Number && t.Compound == ticket.Compound && t.Category == ticket.Category
                    && t.CreatedAt >= since)
                .OrderByDescending(t => t.Number)
                .Select(t => new { t.Number, t.Status })
                .ToListAsync(cancellationToken);
            var match = open.FirstOrDefault(t => t.Status.IsOpen());
            if (match is not null)
            {
                return (match.Number, false);
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
            .Where(p => hashes.Any(h => PerceptualHash.Distance(h, unchecked((ulong)p.PerceptualHash)) <= PhotoDuplicateDistance))
            .OrderByDescending(p => p.TicketNumber)
            .FirstOrDefault();
        return near is null ? null : (near.TicketNumber, true);
    }

    private async Task<List<FetchedPhoto>> FetchPhotosAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        var result = new List<FetchedPhoto>(message.Images.Count);
        foreach (var image in message.Images)
        {
            var download = await media.FetchAsync(message.Channel, image, cancellationToken);
            if (download.Bytes is null)
            {
                result.Add(FetchedPhoto.Failed(download.Failure ?? "下载失败"));
                continue;
            }

            var processed = await photos.ProcessAsync(download.Bytes, cancellationToken);
            result.Add(processed switch
            {
                PhotoResult.Stored s => new FetchedPhoto(s.Id, s.Width, s.Height, s.PerceptualHash, null),
                PhotoResult.Refused r => FetchedPhoto.Failed(r.Message),
                _ => FetchedPhoto.Failed("无法处理"),
            });
        }

        return result;
    }

    private static void AddPhoto(Ticket ticket, string? photoId, int width, int height, long hash, DateTimeOffset now, List<string> failures, string? failure)
    {
        if (photoId is null)
        {
            failures.Add(failure ?? "无法处理");
            return;
        }

        if (ticket.Photos.Any(p => p.PhotoId == photoId))
        {
            return;
        }

        ticket.Photos.Add(new TicketPhoto
        {
            PhotoId = photoId,
            Stage = "before",
            Width = width,
            Height = height,
            PerceptualHash = hash,
            CreatedAt = now,
        });
    }

    private static void AddPhoto(Ticket ticket, string? photoId, int width, int height, ulong hash, DateTimeOffset now, List<string> failures, string? failure) =>
        AddPhoto(ticket, photoId, width, height, unchecked((long)hash), now, failures, failure);

    private static TicketEvent Event(DateTimeOffset at, string kind, string by, TicketStatus? from, TicketStatus? to, string? note) =>
        new() { At = at, Kind = kind, By = by, FromStatus = from, ToStatus = to, Note = note };

    private sealed record FetchedPhoto(string? Id, int Width, int Height, ulong Hash, string? Failure)
    {
        public static FetchedPhoto Failed(string failure) => new(null, 0, 0, 0, failure);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Inbox {InboxId}: sender is not on the roster; refused")]
    private static partial void LogUnknownSender(ILogger logger, long inboxId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Ticket #{Number} created ({Category} → {Department}, urgent {Urgent}) from inbox {InboxId}")]
    private static partial void LogTicketCreated(ILogger logger, int number, string category, string department, bool urgent, long inboxId);
}
