using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Guanjia.Core.Community;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Scheduling;

/// <summary>What one reminder scan sent: thresholds recorded and group messages enqueued.</summary>
public sealed record ReminderScanResult(int Reminders, int Messages);

/// <summary>
/// Walks the open tickets and records each threshold they have passed: 50% and 80% of the time
/// limit and a late 签收 remind the department; 100% marks the ticket overdue and tells the
/// department and the community's secretaries; 200% escalates to the street office. It also chases
/// tickets that wait for people: a resolved ticket's reporter is reminded after a day and the ticket
/// closed after <c>street.confirmWithin</c>; a returned ticket's secretaries are reminded each day.
/// Everything one group is told in a scan goes out as one message.
/// </summary>
public sealed class ReminderScan(
    GuanjiaDbContext db, CommunityConfig config, StreetCalendar calendar, TicketTexts texts, TimeProvider time, OutboxRoutes? routes = null)
{
    // With the bot's long connection a group known by its chat id is written to through the bot.
    private readonly OutboxRoutes _routes = routes ?? OutboxRoutes.None;

    // WeCom markdown content is limited to 4096 bytes; keep a margin for the heading.
    private const int MaxMessageBytes = 3800;

    private static readonly TicketStatus[] Watched =
        [TicketStatus.Dispatched, TicketStatus.Accepted, TicketStatus.Resolved, TicketStatus.Returned];

    public async Task<ReminderScanResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var tickets = await db.Tickets
            .Where(t => Watched.Contains(t.Status))
            .OrderBy(t => t.Number)
            .ToListAsync(cancellationToken);
        // When each returned ticket was sent back: the secretaries are chased a day at a time from then.
        var returnedEvent = TicketEventKinds.Returned;
        _returnedAt = (await db.TicketEvents
                .Where(e => e.Kind == returnedEvent && db.Tickets.Any(t => t.Number == e.TicketNumber && t.Status == TicketStatus.Returned))
                .Select(e => new { e.TicketNumber, e.At })
                .ToListAsync(cancellationToken))
            .GroupBy(e => e.TicketNumber)
            .ToDictionary(g => g.Key, g => g.Max(e => e.At));
        // A subquery, not a list of numbers: SQLite refuses more than 32,766 parameters, and a
        // backlog of open tickets (found under the ingest load test) can exceed that.
        var done = (await db.TicketReminders
                .Where(r => db.Tickets.Any(t => t.Number == r.TicketNumber && Watched.Contains(t.Status)))
                .Select(r => new { r.TicketNumber, r.Kind })
                .ToListAsync(cancellationToken))
            .Select(r => (r.TicketNumber, r.Kind))
            .ToHashSet();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var notices = new List<Notice>();
        foreach (var ticket in tickets)
        {
            var thresholds = ticket.Status switch
            {
                TicketStatus.Resolved => ConfirmThresholds(ticket, now),
                TicketStatus.Returned => _returnedAt.TryGetValue(ticket.Number, out var back) ? ReturnedThresholds(back, now) : [],
                _ => Thresholds(ticket),
            };
            foreach (var (kind, at) in thresholds)
            {
                if (now < at || done.Contains((ticket.Number, kind)))
                {
                    continue;
                }

                // The unique (ticket, kind) index decides: a row that already exists inserts nothing.
                var inserted = await db.Database.ExecuteSqlAsync(
                    $"""INSERT INTO "TicketReminders" ("TicketNumber", "Kind", "At") VALUES ({ticket.Number}, {kind}, {now.ToUnixTimeMilliseconds()}) ON CONFLICT ("TicketNumber", "Kind") DO NOTHING""",
                    cancellationToken);
                if (inserted == 0)
                {
                    continue;
                }

                notices.AddRange(NoticesFor(ticket, kind, now));
            }
        }

        var messages = Enqueue(notices, now);
        var reporterNotices = new TicketNotices(config, texts);
        var reporterOutbox = new OutboxWriter(db, time) { Routes = _routes };
        foreach (var (ticket, kind, text) in ReporterNotices)
        {
            reporterNotices.ToReporter(reporterOutbox, $"reminders:ticket:{ticket.Number}:{kind}:{now.ToUnixTimeMilliseconds()}", ticket, text);
            messages++;
        }

        var chased = ReporterNotices.Select(n => (n.Ticket.Number, n.Kind)).ToList();
        ReporterNotices.Clear();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ReminderScanResult(notices.Select(n => (n.Ticket.Number, n.Kind)).Concat(chased).Distinct().Count(), messages);
    }

    /// <summary>
    /// Forgets the thresholds a ticket has passed, so that after a re-dispatch or a new deadline the
    /// (new) party is reminded afresh. Staged on <paramref name="db"/>: it is saved, in the same
    /// transaction, with the change that caused it.
    /// </summary>
    public static async Task ResetAsync(GuanjiaDbContext db, int ticketNumber, CancellationToken cancellationToken)
    {
        var passed = await db.TicketReminders.Where(r => r.TicketNumber == ticketNumber).ToListAsync(cancellationToken);
        db.TicketReminders.RemoveRange(passed);
    }

    /// <summary>
    /// After a deadline moved (an agreed 延期): thresholds already passed that now lie in the future
    /// are forgotten, so they remind again when the new deadline brings them round. Staged on the
    /// context like <see cref="ResetAsync"/>.
    /// </summary>
    public async Task RearmAsync(Ticket ticket, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var future = Thresholds(ticket).Where(t => t.At > now).Select(t => t.Kind).ToList();
        var passed = await db.TicketReminders
            .Where(r => r.TicketNumber == ticket.Number && future.Contains(r.Kind))
            .ToListAsync(cancellationToken);
        db.TicketReminders.RemoveRange(passed);
    }

    /// <summary>
    /// A resolved ticket waiting for its reporter: reminded once a day after 办结, closed
    /// automatically after <c>street.confirmWithin</c>. Once the closing is due the reminder is skipped.
    /// </summary>
    public IReadOnlyList<(string Kind, DateTimeOffset At)> ConfirmThresholds(Ticket ticket, DateTimeOffset now)
    {
        if (ticket.ResolvedAt is not { } resolved)
        {
            return [];
        }

        var close = calendar.Due(resolved, config.Street.ConfirmLimit);
        return now >= close
            ? [(ReminderKinds.AutoClose, close)]
            : [(ReminderKinds.Confirm, resolved + ConfirmReminderAfter), (ReminderKinds.AutoClose, close)];
    }

    /// <summary>How long after 办结 the reporter is reminded to 确认 or 评价.</summary>
    public static TimeSpan ConfirmReminderAfter { get; } = TimeSpan.FromDays(1);

    /// <summary>A returned ticket: the secretaries are reminded each full day it waits (only the latest day, once).</summary>
    private static IReadOnlyList<(string Kind, DateTimeOffset At)> ReturnedThresholds(DateTimeOffset returned, DateTimeOffset now)
    {
        var days = (int)Math.Floor((now - returned) / TimeSpan.FromDays(1));
        return days < 1 ? [] : [(ReminderKinds.ReturnedDay(days), returned + TimeSpan.FromDays(days))];
    }

    /// <summary>When each threshold of this ticket is reached, earliest first.</summary>
    public IReadOnlyList<(string Kind, DateTimeOffset At)> Thresholds(Ticket ticket)
    {
        var start = ticket.DispatchedAt ?? ticket.CreatedAt;
        var span = ticket.DueAt - start;
        if (span <= TimeSpan.Zero)
        {
            return [(ReminderKinds.Overdue, ticket.DueAt)];
        }

        var category = config.FindCategory(ticket.Category);
        var limit = category?.TimeLimitFor(ticket.Urgent);
        // Working-day limits double by counting the same working days again after the deadline,
        // so a weekend or holiday in between does not escalate early.
        var escalateAt = limit is { IsWorkingDays: true } wd ? calendar.Due(ticket.DueAt, wd) : ticket.DueAt + span;
        var list = new List<(string, DateTimeOffset)>
        {
            (ReminderKinds.Half, start + (span / 2)),
            (ReminderKinds.Late, start + (span * 0.8)),
        };
        if (ticket.Status == TicketStatus.Dispatched && ticket.AcceptedAt is null)
        {
            list.Add((ReminderKinds.Accept, AcceptDeadline(start, span, category?.AcceptSla)));
        }

        list.Add((ReminderKinds.Overdue, ticket.DueAt));
        list.Add((ReminderKinds.Escalated, escalateAt));
        return list;
    }

    private DateTimeOffset AcceptDeadline(DateTimeOffset start, TimeSpan span, TimeLimit? acceptSla)
    {
        if (acceptSla is { } sla)
        {
            return calendar.Due(start, sla);
        }

        var quarter = span / 4;
        return start + (quarter < Category.DefaultAcceptCap ? quarter : Category.DefaultAcceptCap);
    }

    private IEnumerable<Notice> NoticesFor(Ticket ticket, string kind, DateTimeOffset now)
    {
        var department = config.FindDepartment(ticket.Department);
        if (ReminderKinds.IsReturnedDay(kind))
        {
            if (config.FindCommunity(ticket.Community) is { } home)
            {
                yield return Notice.ForCommunity(home, ticket, ReminderKinds.Returned, Secretaries(home), _routes);
            }

            yield break;
        }

        switch (kind)
        {
            case ReminderKinds.Confirm:
                ReporterNotices.Add((ticket, kind, ChaseTexts.ConfirmReminder(ticket, texts, calendar.Due(ticket.ResolvedAt!.Value, config.Street.ConfirmLimit))));
                break;
            case ReminderKinds.AutoClose:
                TicketLifecycle.Apply(ticket, TicketAction.Close, TicketActors.System, now, ChaseTexts.AutoCloseNote(config.Street.ConfirmLimit));
                ReporterNotices.Add((ticket, kind, ChaseTexts.AutoClosed(ticket, texts)));
                break;
            case ReminderKinds.Overdue:
                db.TicketEvents.Add(new TicketEvent
                {
                    TicketNumber = ticket.Number,
                    At = now,
                    Kind = TicketEventKinds.Overdue,
                    By = TicketActors.System,
                    Note = "超过办理时限",
                });
                if (department is not null)
                {
                    yield return Notice.ForDepartment(department, ticket, kind, _routes);
                }

                if (config.FindCommunity(ticket.Community) is { } community)
                {
                    yield return Notice.ForCommunity(community, ticket, kind, Secretaries(community), _routes);
                    if (ticket.Confidential && Notice.GroupAddress(community.ChatId, community.RobotKey, _routes) is not null && Secretaries(community) is { Count: > 0 } secretaries)
                    {
                        // The group reads a count; the secretaries which tip it is, in their 1:1 chats.
                        yield return Notice.ForSecretaries(community, ticket, kind, secretaries);
                    }
                }

                break;
            case ReminderKinds.Escalated:
                // Through the lifecycle, so EscalatedAt is set like a secretary's 升级 sets it.
                TicketLifecycle.Apply(ticket, TicketAction.Escalate, TicketActors.System, now, "超过办理时限一倍，自动升级街道");
                if (config.FindDepartment(config.Street.Office) is { } office)
                {
                    yield return Notice.ForDepartment(office, ticket, kind, _routes);
                }

                break;
            default:
                if (department is not null)
                {
                    yield return Notice.ForDepartment(department, ticket, kind, _routes);
                }

                break;
        }
    }

    private Dictionary<int, DateTimeOffset> _returnedAt = [];

    /// <summary>Reminders to reporters (resolved tickets), sent each to the reporter, not to a group.</summary>
    private List<(Ticket Ticket, string Kind, string Text)> ReporterNotices { get; } = [];

    private List<string> Secretaries(CommunityInfo community) =>
        config.People.Where(p => p.HasRole(Person.SecretaryRole) && p.CommunityId == community.Id).Select(p => p.UserId).ToList();

    private int Enqueue(List<Notice> notices, DateTimeOffset now)
    {
        var outbox = new OutboxWriter(db, time) { Routes = _routes };
        var messages = 0;
        var communityGroups = config.Communities.Select(c => Notice.GroupAddress(c.ChatId, c.RobotKey, _routes)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        // A community office often shares its community's group: group by where the message lands.
        foreach (var group in notices.GroupBy(n => n.Address, StringComparer.Ordinal))
        {
            var items = group.DistinctBy(n => (n.Ticket.Number, n.Kind)).ToList();
            var parts = Compose(items, now, countConfidential: communityGroups.Contains(group.Key));
            // The scan instant is part of the key: after a re-dispatch (ResetAsync) the same ticket,
            // kind and group come round again and must not collide with the earlier message.
            var id = Hash($"{now.ToUnixTimeMilliseconds()}|" + string.Join(',', items.Select(n => $"{n.Ticket.Number}:{n.Kind}")));
            for (var i = 0; i < parts.Count; i++)
            {
                var key = $"reminders:{Hash(group.Key)}:{id}:{i}";
                var first = items[0];
                var ticket = items.Count == 1 ? first.Ticket.Number : (int?)null;
                if (first.Secretaries is { } secretaries)
                {
                    outbox.ToPeople(key, secretaries, OutboxKind.Markdown, parts[i], ticket);
                }
                else if (first.Department is { } department)
                {
                    outbox.ToDepartment(key, department, OutboxKind.Markdown, parts[i], ticket);
                }
                else
                {
                    outbox.ToCommunity(key, first.Community!, parts[i], ticket, config);
                }

                messages++;
            }
        }

        return messages;
    }

    // Robot keys are credentials: outbox keys carry only a hash of the destination.
    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    /// <summary>The message(s) for one destination; in a community's group a confidential tip is only counted.</summary>
    private List<string> Compose(List<Notice> items, DateTimeOffset now, bool countConfidential)
    {
        string[] order = [ReminderKinds.Escalated, ReminderKinds.Overdue, ReminderKinds.Returned, ReminderKinds.Accept, ReminderKinds.Late, ReminderKinds.Half];
        var lines = new List<string>();
        foreach (var kind in order)
        {
            var ofKind = items.Where(n => n.Kind == kind).OrderBy(n => n.Ticket.Number).ToList();
            if (ofKind.Count == 0)
            {
                continue;
            }

            lines.Add(Heading(kind, ofKind.Count));
            lines.AddRange(ofKind.Where(n => !(countConfidential && n.Ticket.Confidential)).Select(n => Line(n, now)));
            if (countConfidential && ofKind.Count(n => n.Ticket.Confidential) is > 0 and var hidden)
            {
                lines.Add(Digest.DailyDigest.ConfidentialCountLine(hidden));
            }
        }

        var parts = new List<string>();
        var current = new StringBuilder($"**工单提醒** {texts.Time(now)}");
        foreach (var line in lines)
        {
            if (Encoding.UTF8.GetByteCount(current.ToString()) + Encoding.UTF8.GetByteCount(line) + 1 > MaxMessageBytes)
            {
                parts.Add(current.ToString());
                current = new StringBuilder("**工单提醒（续）**");
            }

            current.Append('\n').Append(line);
        }

        parts.Add(current.ToString());
        return parts;
    }

    private static string Heading(string kind, int count) => kind switch
    {
        ReminderKinds.Escalated => $"<font color=\"warning\">超时一倍，已升级街道（{count}件）</font>",
        ReminderKinds.Overdue => $"<font color=\"warning\">已超时（{count}件）</font>",
        ReminderKinds.Accept => $"超时未签收，请回复“接单 单号”（{count}件）",
        ReminderKinds.Returned => $"退回社区待处理（{count}件），请重新派单（派单 单号 部门）或撤销（撤销 单号）",
        ReminderKinds.Late => $"时限已过80%（{count}件）",
        _ => $"时限已过半（{count}件）",
    };

    private string Line(Notice n, DateTimeOffset now)
    {
        var t = n.Ticket;
        if (n.Kind == ReminderKinds.Returned)
        {
            return ChaseTexts.ReturnedLine(t, texts, _returnedAt.TryGetValue(t.Number, out var back) ? now - back : null);
        }

        var place = t.Compound is { } c && config.FindCompound(c) is { } compound ? compound.Name : texts.Place(t);
        var state = now >= t.DueAt ? $"超时{Duration(now - t.DueAt)}" : $"剩余{Duration(t.DueAt - now)}";
        var party = n.Kind is ReminderKinds.Overdue or ReminderKinds.Escalated ? $" · {texts.DepartmentName(t.Department)}" : "";
        return $"> #{t.Number} {texts.CategoryName(t.Category)} · {place}{party} · 时限{texts.Time(t.DueAt)} · {state}";
    }

    /// <summary>A duration as people say it: 2天3小时, 3小时20分, 15分.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1))
        {
            return "不到1分钟";
        }

        var text = new StringBuilder();
        if (span.Days > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{span.Days}天");
        }

        if (span.Hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{span.Hours}小时");
        }

        if (span.Days == 0 && span.Minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{span.Minutes}分");
        }

        return text.ToString();
    }

    private sealed record Notice(Ticket Ticket, string Kind, Department? Department, CommunityInfo? Community, string Address,
        IReadOnlyList<string>? Secretaries = null)
    {
        /// <summary>To the community's secretaries 1:1, not its group (a confidential tip).</summary>
        public static Notice ForSecretaries(CommunityInfo c, Ticket t, string kind, IReadOnlyList<string> secretaries) =>
            new(t, kind, null, c, $"app:{string.Join('|', secretaries)}", secretaries);

        public static Notice ForDepartment(Department d, Ticket t, string kind, OutboxRoutes routes) =>
            new(t, kind, d, null, GroupAddress(d.ChatId, d.RobotKey, routes) ?? $"app:{string.Join('|', d.Members)}");

        public static Notice ForCommunity(CommunityInfo c, Ticket t, string kind, IReadOnlyList<string> secretaries, OutboxRoutes routes) =>
            new(t, kind, null, c, GroupAddress(c.ChatId, c.RobotKey, routes) ?? $"app:{string.Join('|', secretaries)}");

        /// <summary>Where a group's messages land, as <see cref="OutboxWriter"/> chooses: the bot's chat, else the robot; null without either.</summary>
        public static string? GroupAddress(string? chatId, string? robotKey, OutboxRoutes routes) =>
            routes.BotChats && chatId is { Length: > 0 } ? $"chat:{chatId}"
            : robotKey is { Length: > 0 } r ? $"robot:{r}"
            : null;
    }
}
