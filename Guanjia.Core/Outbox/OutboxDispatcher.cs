using System.Security.Cryptography;
using System.Text;
using Guanjia.Core.Community;
using Guanjia.Core.Operations;
using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Guanjia.Core.Outbox;

/// <summary>
/// The outbox rules: which messages are due, in what order, how fast, what is retried and when, when a
/// reply goes another way, what is held or dropped and who is told. Sends go out in waves of one message per
/// destination, each wave marked in one small transaction right after WeCom answers, so a crash can repeat at
/// most the messages of the one wave in flight.
/// </summary>
public sealed partial class OutboxDispatcher(
    GuanjiaDbContext db,
    IOutboxTransport transport,
    OutboxPacing pacing,
    OutboxOptions options,
    CommunityConfig config,
    GuanjiaMetrics metrics,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger,
    GuanjiaStorage? storage = null)
{
    /// <summary>Client code of a reply whose response_url is missing or not an http(s) URL.</summary>
    public const int InvalidAddressCode = -2002;

    /// <summary>Client code of a reply whose response_url's hour is over.</summary>
    public const int ExpiredAddressCode = -2003;

    /// <summary>
    /// Which messages may be sent now, first first: pending, due, not to a paused destination, and with no
    /// earlier message of the same destination still waiting for its retry (a destination keeps its order).
    /// Earlier means higher <see cref="OutboxMessage.Priority"/>, then lower id. The one place that decides
    /// this, so a multi-instance claim (leases) can replace it.
    /// </summary>
    /// <remarks>
    /// The paused destinations go as one parameter (a JSON array on SQLite, an array on PostgreSQL): during a burst
    /// hundreds of robots may be resting, and one SQL parameter each would make a new statement and plan for every count.
    /// </remarks>
    public static IQueryable<OutboxMessage> DueQuery(GuanjiaDbContext db, DateTimeOffset now, IReadOnlyCollection<string> pausedTargets) =>
        DueBuilder(db, now, [.. pausedTargets], int.MaxValue);

    private static readonly System.Linq.Expressions.Expression<Func<GuanjiaDbContext, DateTimeOffset, string[], int, IQueryable<OutboxMessage>>> Due =
        (db, now, paused, take) => db.Outbox
            .Where(m => m.State == OutboxState.Pending && m.NextAttemptAt <= now && !paused.Contains(m.Target))
            .Where(m => !db.Outbox.Any(e => e.State == OutboxState.Pending && e.Target == m.Target && e.NextAttemptAt > now
                && (e.Priority > m.Priority || (e.Priority == m.Priority && e.Id < m.Id))))
            .OrderByDescending(m => m.Priority)
            .ThenBy(m => m.Id)
            .Take(take);

    private static readonly Func<GuanjiaDbContext, DateTimeOffset, string[], int, IQueryable<OutboxMessage>> DueBuilder = Due.Compile();

    // The same query compiled once (every pass ran it through EF's expression hashing otherwise); one per provider, as a
    // compiled query keeps the plan of the first context it ran on.
    private static readonly Func<GuanjiaDbContext, DateTimeOffset, string[], int, IAsyncEnumerable<OutboxMessage>> SqliteDue = EF.CompileAsyncQuery(Due);
    private static readonly Func<GuanjiaDbContext, DateTimeOffset, string[], int, IAsyncEnumerable<OutboxMessage>> PostgresDue = EF.CompileAsyncQuery(Due);

    private static async Task<List<OutboxMessage>> DueAsync(GuanjiaDbContext db, DateTimeOffset now, string[] paused, int take, CancellationToken cancellationToken)
    {
        var query = db is Storage.Postgres.PostgresGuanjiaDbContext ? PostgresDue : SqliteDue;
        var due = new List<OutboxMessage>();
        await foreach (var message in query(db, now, paused, take).WithCancellation(cancellationToken))
        {
            due.Add(message);
        }

        return due;
    }

    /// <summary>
    /// Sends every due message once; returns how many were handed to WeCom. Messages go out in waves: the
    /// first due message of each destination (up to <see cref="OutboxOptions.Parallelism"/>) at the same time,
    /// then their outcomes in one transaction, then the next wave. A destination has at most one message in a
    /// wave and its next one waits for the wave's marking, so it keeps its order, and a crash can repeat at
    /// most the one wave in flight.
    /// </summary>
    /// <param name="cancellationToken">Stops between waves; a started wave is always recorded.</param>
    /// <param name="beforeSend">Called before each wave (the host slows down while callbacks arrive in bursts).</param>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken, Func<CancellationToken, Task>? beforeSend = null)
    {
        var now = time.GetUtcNow();
        var due = await DueAsync(db, now, [.. pacing.PausedTargets()], options.BatchSize, cancellationToken);
        // The bot's channels only from the instance holding its connection; a reply whose req_id has run out
        // still goes its other way from any instance.
        due = due.Where(m => transport.CanSend(m.Channel) || (m.Channel == OutboxChannel.BotReply && m.ExpiresAt <= now)).ToList();
        if (storage is { IsShared: true })
        {
            // Several instances: each destination is sent to by the one instance holding its lease.
            var held = await storage.HoldOutboxTargetsAsync(db, due.Select(m => m.Target).Distinct(StringComparer.Ordinal).ToList(), now, cancellationToken);
            due = due.Where(m => held.Contains(m.Target)).ToList();
        }

        var waiting = new HashSet<string>(StringComparer.Ordinal);
        // A reply that falls back is tried again at once on its new channel (the person hears back sooner): two sends at most.
        var sends = new Dictionary<OutboxMessage, int>(ReferenceEqualityComparer.Instance);
        var wave = new List<OutboxMessage>(options.Parallelism);
        var inWave = new HashSet<string>(StringComparer.Ordinal);
        var attempted = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            wave.Clear();
            inWave.Clear();
            foreach (var message in due)
            {
                if (wave.Count == options.Parallelism)
                {
                    break;
                }

                // Once one message of a destination waits, the later ones wait too; one per destination in a wave.
                if (message.State != OutboxState.Pending || sends.GetValueOrDefault(message) >= 2
                    || waiting.Contains(message.Target) || !inWave.Add(message.Target))
                {
                    continue;
                }

                var target = message.Target;
                if (await ReadyAsync(message, waiting, inWave, cancellationToken))
                {
                    wave.Add(message);
                }
                else
                {
                    inWave.Remove(target);
                }
            }

            if (wave.Count == 0)
            {
                await SaveAsync();
                break;
            }

            if (beforeSend is not null)
            {
                await beforeSend(cancellationToken);
            }

            var channels = wave.Select(m => m.Channel).ToArray();
            // Started in order, answered in any order; recorded in order.
            var results = await Task.WhenAll(wave.Select(m => transport.SendAsync(m, CancellationToken.None)));
            for (var i = 0; i < wave.Count; i++)
            {
                var message = wave[i];
                message.Attempts++;
                sends[message] = sends.GetValueOrDefault(message) + 1;
                metrics.RecordSend(channels[i], results[i]);
                if (!await ApplyAsync(message, results[i]))
                {
                    waiting.Add(message.Target);
                }

                // Sent, dropped or held: done. Still pending on the same channel: it waits (retry). On another channel: it fell back.
                if (message.State == OutboxState.Pending && message.Channel == channels[i])
                {
                    sends[message] = 2;
                }
            }

            attempted += wave.Count;
            await SaveAsync();
        }

        return attempted;
    }

    /// <summary>
    /// Whether the message may go in this wave: a reply whose address cannot be used goes another way first;
    /// a removed robot's messages are held; a destination without a send permit waits.
    /// </summary>
    private async Task<bool> ReadyAsync(OutboxMessage message, HashSet<string> waiting, HashSet<string> inWave, CancellationToken cancellationToken)
    {
        if (IsReply(message.Channel) && Unusable(message) is { } code)
        {
            FallBack(message, code, code == ExpiredAddressCode ? "expired" : "invalid");
            if (message.State != OutboxState.Pending || waiting.Contains(message.Target) || !inWave.Add(message.Target))
            {
                return false;
            }
        }

        if (message.Channel == OutboxChannel.Robot && pacing.IsRobotRemoved(message.Target))
        {
            await HoldRobotAsync(message.Target, cancellationToken);
            return false;
        }

        if (!pacing.TryAcquire(message))
        {
            waiting.Add(message.Target);
            return false;
        }

        return true;
    }

    /// <summary>Records the outcome; false when the destination must wait.</summary>
    private async Task<bool> ApplyAsync(OutboxMessage message, OutboxSendResult result)
    {
        var now = time.GetUtcNow();
        switch (result.Failure)
        {
            case OutboxFailure.None:
                message.State = OutboxState.Sent;
                message.SentAt = now;
                // A reply sent another way keeps saying so; other errors are history once it is sent.
                message.LastError = message.LastError?.StartsWith("fallback:", StringComparison.Ordinal) == true ? message.LastError : null;
                return true;

            case OutboxFailure.RateLimited:
                // WeCom blocks for the whole window; calling sooner only extends the block.
                var until = now + options.RateLimitWindow;
                pacing.Pause(message.Target, until);
                return RetryAt(message, result, until);

            case OutboxFailure.Transient or OutboxFailure.TokenRejected or OutboxFailure.Configuration:
                if (IsReply(message.Channel) && message.Attempts >= options.ResponseUrlAttempts)
                {
                    FallBack(message, result.Code, "failing");
                    return true;
                }

                return RetryAt(message, result, now + options.Backoff(message.Attempts));

            case OutboxFailure.RobotRemoved when message.Channel == OutboxChannel.Robot:
                pacing.MarkRobotRemoved(message.Target);
                LogRobotRemoved(logger, message.Id, message.TicketNumber);
                await HoldRobotAsync(message.Target, CancellationToken.None);
                return false;

            case OutboxFailure.AddressUnusable or OutboxFailure.Permanent when IsReply(message.Channel):
                if (message.Channel == OutboxChannel.ResponseUrl && MayHaveArrived(message) && !await UrlUsedByAnotherAsync(message))
                {
                    // Only this message ever posted to the URL, an earlier post got no answer, and now WeCom
                    // says the URL is used: that earlier post arrived. Sending it another way would say it twice.
                    message.State = OutboxState.Sent;
                    message.SentAt = now;
                    message.LastError = $"presumed-delivered:{result.Code}";
                    return true;
                }

                FallBack(message, result.Code, "refused");
                return true;

            default:
                Drop(message, result.Code);
                return true;
        }
    }

    private bool RetryAt(OutboxMessage message, OutboxSendResult result, DateTimeOffset at)
    {
        message.NextAttemptAt = at;
        message.LastError = $"{result.Failure}:{result.Code}" + (result.MayHaveArrived || MayHaveArrived(message) ? MaybeMark : "");
        LogRetry(logger, message.Id, message.TicketNumber, result.Code, result.Failure, at - time.GetUtcNow());
        return false;
    }

    // Sticky on LastError: some earlier attempt of this message may have reached WeCom.
    private const string MaybeMark = ":maybe";

    private static bool MayHaveArrived(OutboxMessage message) =>
        message.LastError?.EndsWith(MaybeMark, StringComparison.Ordinal) == true;

    private Task<bool> UrlUsedByAnotherAsync(OutboxMessage message) =>
        db.Outbox.AnyAsync(m => m.Id != message.Id && m.Channel == OutboxChannel.ResponseUrl && m.Target == message.Target && m.State == OutboxState.Sent);

    // A reply to a person's message: a response_url or a long-connection req_id, both short-lived.
    private static bool IsReply(OutboxChannel channel) => channel is OutboxChannel.ResponseUrl or OutboxChannel.BotReply;

    /// <summary>Null when the response_url (or req_id) can be tried, else why not.</summary>
    private int? Unusable(OutboxMessage message)
    {
        if (message.Channel == OutboxChannel.ResponseUrl && (!Uri.TryCreate(message.Target, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            return InvalidAddressCode;
        }

        return message.ExpiresAt is { } expires && expires <= time.GetUtcNow() ? ExpiredAddressCode : null;
    }

    /// <summary>
    /// Sends a reply another way to the person it answers: in the community group they wrote in, by its robot
    /// with them mentioned; otherwise through the app to their 1:1 chat. Same row, so the key stays unique.
    /// </summary>
    private void FallBack(OutboxMessage message, int code, string reason)
    {
        var group = message.Conversation is { } chat ? config.FindCommunityByChatId(chat) : null;
        if (message.Recipient is not { Length: > 0 } person)
        {
            Drop(message, code);
            return;
        }

        if (message.Channel == OutboxChannel.BotReply && transport.CanSend(OutboxChannel.BotChat))
        {
            // The req_id is refused or gone: the same connection sends to the chat, the person mentioned in a group.
            message.Channel = OutboxChannel.BotChat;
            message.Target = message.Conversation ?? person;
            message.Content = message.Conversation is null ? message.Content : OutboxTexts.MentionReply(person, message.Content);
        }
        else if (group?.RobotKey is { Length: > 0 } robot && !pacing.IsRobotRemoved(robot))
        {
            message.Channel = OutboxChannel.Robot;
            message.Target = robot;
            message.Kind = OutboxKind.Markdown;
            message.Content = OutboxTexts.MentionReply(person, message.Content);
        }
        else
        {
            message.Channel = OutboxChannel.AppUser;
            message.Target = person;
            message.Kind = message.Kind == OutboxKind.Markdown ? OutboxKind.Text : message.Kind;
        }

        message.ExpiresAt = null;
        message.NextAttemptAt = time.GetUtcNow();
        message.LastError = $"fallback:{reason}:{code}";
        metrics.RecordFallback(reason);
        LogFallback(logger, message.Id, message.TicketNumber, reason, message.Channel);
    }

    /// <summary>Keeps every pending message of a removed robot and tells the street office once.</summary>
    private async Task HoldRobotAsync(string robotKey, CancellationToken cancellationToken)
    {
        var held = await db.Outbox
            .Where(m => m.State == OutboxState.Pending && m.Channel == OutboxChannel.Robot && m.Target == robotKey)
            .ToListAsync(cancellationToken);
        foreach (var m in held)
        {
            m.State = OutboxState.Held;
            m.LastError = "RobotRemoved:93000";
        }

        var key = "outbox:robot-removed:" + Fingerprint(robotKey);
        var told = db.Outbox.Local.Any(m => m.Key == key) || await db.Outbox.AnyAsync(m => m.Key == key, cancellationToken);
        if (!told)
        {
            var total = await db.Outbox.CountAsync(m => m.State == OutboxState.Held && m.Target == robotKey, cancellationToken) + held.Count;
            TellStreetOffice(key, OutboxTexts.RobotRemoved(GroupName(robotKey), total), avoidRobot: robotKey);
        }
    }

    private void Drop(OutboxMessage message, int code)
    {
        message.State = OutboxState.Dropped;
        message.LastError = $"Dropped:{code}";
        metrics.RecordDropped(message.Channel, code);
        LogDropped(logger, message.Id, message.TicketNumber, code);

        // The outbox's own notices are not announced again (no loop when the street office itself is unreachable).
        if (!message.Key.StartsWith("outbox:", StringComparison.Ordinal))
        {
            var group = message.Channel == OutboxChannel.Robot ? GroupName(message.Target) : "个人";
            TellStreetOffice($"outbox:dropped:{message.Id}", OutboxTexts.Dropped(message.TicketNumber, group, code), avoidRobot: message.Target);
        }
    }

    private void TellStreetOffice(string key, string text, string avoidRobot)
    {
        if (config.FindDepartment(config.Street.Office) is not { } office)
        {
            return;
        }

        var writer = new OutboxWriter(db, time);
        if (office.RobotKey is { Length: > 0 } robot && robot != avoidRobot && !pacing.IsRobotRemoved(robot))
        {
            writer.ToRobot(key, robot, OutboxKind.Markdown, text, null);
        }
        else
        {
            writer.ToPeople(key, office.Members, OutboxKind.Text, text, null);
        }
    }

    private string GroupName(string robotKey) =>
        config.Departments.FirstOrDefault(d => d.RobotKey == robotKey)?.Name
        ?? config.Communities.FirstOrDefault(c => c.RobotKey == robotKey)?.Name
        ?? "未登记的群";

    // Robot keys are credentials: keys of outbox rows carry a short hash, never the key itself.
    private static string Fingerprint(string robotKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(robotKey)))[..16];

    // One small transaction per wave: the window between "WeCom took it" and "marked sent" stays one wave.
    private Task<int> SaveAsync() => db.SaveChangesAsync(CancellationToken.None);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Outbox {OutboxId} for ticket #{Ticket} dropped on permanent WeCom error {ErrCode}; the street office is told")]
    private static partial void LogDropped(ILogger logger, long outboxId, int? ticket, int errCode);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Outbox {OutboxId} for ticket #{Ticket} failed with {ErrCode} ({Failure}); retry in {Backoff}")]
    private static partial void LogRetry(ILogger logger, long outboxId, int? ticket, int errCode, OutboxFailure failure, TimeSpan backoff);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Outbox {OutboxId} for ticket #{Ticket}: response_url not usable ({Reason}); sent by {Channel} instead")]
    private static partial void LogFallback(ILogger logger, long outboxId, int? ticket, string reason, OutboxChannel channel);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Outbox {OutboxId} for ticket #{Ticket}: group robot removed (93000); its messages are held and the street office is told")]
    private static partial void LogRobotRemoved(ILogger logger, long outboxId, int? ticket);
}
