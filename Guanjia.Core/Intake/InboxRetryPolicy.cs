using Guanjia.Core.Community;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Intake;

/// <summary>What became of an inbox message whose processing failed.</summary>
public abstract record InboxFailureOutcome(int Attempts)
{
    /// <summary>It will be tried again, by whichever instance claims it, not before <see cref="At"/>.</summary>
    public sealed record Retry(int Attempts, DateTimeOffset At) : InboxFailureOutcome(Attempts);

    /// <summary>It failed too often: set aside for a person, the community's secretaries told.</summary>
    public sealed record Dead(int Attempts, DateTimeOffset At) : InboxFailureOutcome(Attempts);

    /// <summary>The row is gone or already processed or dead (another instance got there first).</summary>
    public sealed record NotFound() : InboxFailureOutcome(0);
}

/// <summary>What <see cref="InboxRetryPolicy.RetryAsync"/> did.</summary>
public enum InboxRetryResult
{
    /// <summary>The dead letter is pending again with its attempts reset.</summary>
    Requeued,
    NotFound,
    /// <summary>The message is not a dead letter (pending or processed): nothing changed.</summary>
    NotDead,
}

/// <summary>
/// The inbox's retry and dead-letter rule. A message whose processing throws is tried again after
/// 2^n seconds (n = failed attempts so far, at most ten minutes); after <see cref="MaxAttempts"/>
/// failures it becomes a dead letter: never claimed again, counted, listed on the dashboard, and the
/// community's secretaries are told once (their name and time, never the resident's text). A person
/// puts it back with <see cref="RetryAsync"/>. Nothing is ever deleted.
/// </summary>
public sealed class InboxRetryPolicy(int maxAttempts, CommunityConfig config, TimeZoneInfo zone, TimeProvider time)
{
    public const int DefaultMaxAttempts = 5;

    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    public int MaxAttempts { get; } = maxAttempts >= 1 ? maxAttempts : throw new ArgumentOutOfRangeException(nameof(maxAttempts));

    /// <summary>How long a message waits after its <paramref name="failures"/>-th failure.</summary>
    public static TimeSpan Delay(int failures) =>
        TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, Math.Clamp(failures, 1, 30))));

    /// <summary>
    /// Records a failed attempt of inbox row <paramref name="id"/> (<paramref name="error"/>: a short code such
    /// as an exception's type name, never content) and decides: retry later, or dead letter. One transaction.
    /// </summary>
    public async Task<InboxFailureOutcome> RecordFailureAsync(GuanjiaDbContext db, long id, string error, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.Inbox.FirstOrDefaultAsync(m => m.Id == id && m.ProcessedAt == null && m.DeadAt == null, cancellationToken);
        if (row is null)
        {
            return new InboxFailureOutcome.NotFound();
        }

        var now = time.GetUtcNow();
        row.Attempts++;
        row.LastError = error.Length > 256 ? error[..256] : error;
        var entry = db.Entry(row);
        entry.Property(InboxLeaseColumns.LeasedBy).CurrentValue = null;
        InboxFailureOutcome outcome;
        if (row.Attempts >= MaxAttempts)
        {
            row.DeadAt = now;
            entry.Property(InboxLeaseColumns.LeaseUntil).CurrentValue = null;
            TellSecretaries(new OutboxWriter(db, time), row, now);
            outcome = new InboxFailureOutcome.Dead(row.Attempts, now);
        }
        else
        {
            var at = now + Delay(row.Attempts);
            entry.Property(InboxLeaseColumns.LeaseUntil).CurrentValue = at;
            outcome = new InboxFailureOutcome.Retry(row.Attempts, at);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }

    /// <summary>Puts a dead letter back: attempts reset, pending, due at once.</summary>
    public static async Task<InboxRetryResult> RetryAsync(GuanjiaDbContext db, long id, CancellationToken cancellationToken)
    {
        var changed = await db.Inbox.Where(m => m.Id == id && m.DeadAt != null && m.ProcessedAt == null).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.DeadAt, (DateTimeOffset?)null)
                .SetProperty(m => m.Attempts, 0)
                .SetProperty(m => EF.Property<string?>(m, InboxLeaseColumns.LeasedBy), (string?)null)
                .SetProperty(m => EF.Property<DateTimeOffset?>(m, InboxLeaseColumns.LeaseUntil), (DateTimeOffset?)null),
            cancellationToken);
        if (changed == 1)
        {
            return InboxRetryResult.Requeued;
        }

        return await db.Inbox.AnyAsync(m => m.Id == id, cancellationToken) ? InboxRetryResult.NotDead : InboxRetryResult.NotFound;
    }

    /// <summary>Dead letters: failed too often, waiting for a person.</summary>
    public static IQueryable<InboxMessage> DeadLetters(GuanjiaDbContext db) =>
        db.Inbox.Where(m => m.DeadAt != null && m.ProcessedAt == null);

    /// <summary>
    /// The sender's community (their own, else the community whose group the message came from) is told
    /// through its secretaries' 1:1 chat, else its group; with no community, the street office's department.
    /// </summary>
    private void TellSecretaries(OutboxWriter outbox, InboxMessage row, DateTimeOffset now)
    {
        var sender = config.FindPerson(row.SenderId);
        var community = sender?.CommunityId is { } own ? config.FindCommunity(own) : null;
        community ??= row.ChatId is { } chat ? config.ResolveChat(chat)?.Community : null;
        var text = DeadLetterTexts.Notice(sender?.Name ?? row.SenderId, TimeZoneInfo.ConvertTime(row.ReceivedAt, zone), row.Id);
        // One notice per death: a message retried by a person and dead again is told again.
        var key = $"inbox-dead:{row.Id}:{now.ToUnixTimeMilliseconds()}";
        if (community is not null)
        {
            var secretaries = config.People
                .Where(p => p.HasRole(Person.SecretaryRole) && p.CommunityId == community.Id)
                .Select(p => p.UserId)
                .ToList();
            if (secretaries.Count > 0)
            {
                outbox.ToPeople(key, secretaries, OutboxKind.Text, text, null);
            }
            else
            {
                outbox.ToCommunity(key, community, text, null, config, OutboxKind.Text);
            }

            return;
        }

        if (config.FindDepartment(config.Street.Office) is { } office)
        {
            outbox.ToDepartment(key, office, OutboxKind.Text, text, null);
        }
    }
}
