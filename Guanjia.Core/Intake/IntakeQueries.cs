using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Intake;

/// <summary>
/// The look-ups intake makes for every message, compiled once: EF otherwise rebuilds and hashes each query's
/// expression tree on every call to find its cached plan, which cost more CPU than running them.
/// </summary>
internal static class IntakeQueries
{
    // A compiled query keeps the plan of the first context it ran on; SQLite and PostgreSQL each get their own
    // (a process runs one provider, but the tests run both side by side).
    private static readonly Set Sqlite = new();
    private static readonly Set Postgres = new();

    private static Set For(GuanjiaDbContext db) => db is Storage.Postgres.PostgresGuanjiaDbContext ? Postgres : Sqlite;

    /// <inheritdoc cref="Set.Waiting"/>
    public static IAsyncEnumerable<InboxMessage> Waiting(GuanjiaDbContext db, long[] ids) => For(db).Waiting(db, ids);

    /// <inheritdoc cref="Set.RecentOpenReport"/>
    public static Task<int?> RecentOpenReport(GuanjiaDbContext db, string reporter, string conversation, DateTimeOffset since) =>
        For(db).RecentOpenReport(db, reporter, conversation, since);

    /// <inheritdoc cref="Set.PendingPhotos"/>
    public static IAsyncEnumerable<PendingPhoto> PendingPhotos(GuanjiaDbContext db, string sender, string conversation, DateTimeOffset since) =>
        For(db).PendingPhotos(db, sender, conversation, since);

    /// <inheritdoc cref="Set.OpenSameProblem"/>
    public static Task<int?> OpenSameProblem(GuanjiaDbContext db, string compound, string category, DateTimeOffset since, int number) =>
        For(db).OpenSameProblem(db, compound, category, since, number);

    private sealed class Set
    {
        /// <summary>Stored messages among <c>ids</c> still to process (not processed, not dead), oldest first.</summary>
        public readonly Func<GuanjiaDbContext, long[], IAsyncEnumerable<InboxMessage>> Waiting =
            EF.CompileAsyncQuery<GuanjiaDbContext, long[], InboxMessage>((db, ids) => db.Inbox.AsNoTracking()
                .Where(m => ids.Contains(m.Id) && m.ProcessedAt == null && m.DeadAt == null)
                .OrderBy(m => m.Id));

        /// <summary>The number of the sender's newest open ticket reported in this chat since <c>since</c>.</summary>
        public readonly Func<GuanjiaDbContext, string, string, DateTimeOffset, Task<int?>> RecentOpenReport =
            EF.CompileAsyncQuery((GuanjiaDbContext db, string reporter, string conversation, DateTimeOffset since) => db.Tickets
                .Where(t => t.Reporter == reporter && t.Conversation == conversation && t.CreatedAt >= since
                    // Open (TicketStatus.IsOpen), said so EF can translate it.
                    && (t.Status == TicketStatus.New || t.Status == TicketStatus.Dispatched || t.Status == TicketStatus.Accepted || t.Status == TicketStatus.Returned))
                .OrderByDescending(t => t.Number)
                .Select(t => (int?)t.Number)
                .FirstOrDefault());

        /// <summary>The sender's photos in this chat since <c>since</c> still waiting for their text (tracked: they join the ticket).</summary>
        public readonly Func<GuanjiaDbContext, string, string, DateTimeOffset, IAsyncEnumerable<PendingPhoto>> PendingPhotos =
            EF.CompileAsyncQuery<GuanjiaDbContext, string, string, DateTimeOffset, PendingPhoto>((db, sender, conversation, since) => db.PendingPhotos
                .Where(p => p.SenderId == sender && p.Conversation == conversation && p.TicketNumber == null && p.ReceivedAt >= since)
                .OrderBy(p => p.Id));

        /// <summary>The newest open ticket other than <c>number</c> of the same category in the same compound since <c>since</c>.</summary>
        public readonly Func<GuanjiaDbContext, string, string, DateTimeOffset, int, Task<int?>> OpenSameProblem =
            EF.CompileAsyncQuery((GuanjiaDbContext db, string compound, string category, DateTimeOffset since, int number) => db.Tickets
                .Where(t => t.Number != number && t.Compound == compound && t.Category == category && t.CreatedAt >= since
                    && (t.Status == TicketStatus.New || t.Status == TicketStatus.Dispatched || t.Status == TicketStatus.Accepted || t.Status == TicketStatus.Returned))
                .OrderByDescending(t => t.Number)
                .Select(t => (int?)t.Number)
                .FirstOrDefault());
    }
}
