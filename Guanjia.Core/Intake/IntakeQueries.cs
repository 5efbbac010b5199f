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

    /// <summary>
    /// A ticket with its photos and events, tracked (a follow-up adds to it): three compiled look-ups by number, the
    /// photos and events joined to the ticket by EF's fix-up, as the split query <c>Include(…).AsSplitQuery()</c> did.
    /// </summary>
    public static async Task<Ticket?> TicketWithDetails(GuanjiaDbContext db, int number, CancellationToken cancellationToken)
    {
        var set = For(db);
        var ticket = await set.Ticket(db, number, cancellationToken);
        if (ticket is null)
        {
            return null;
        }

        await foreach (var _ in set.Photos(db, number).WithCancellation(cancellationToken))
        {
        }

        await foreach (var _ in set.Events(db, number).WithCancellation(cancellationToken))
        {
        }

        return ticket;
    }

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

        /// <summary>The ticket numbered <c>number</c>, tracked.</summary>
        public readonly Func<GuanjiaDbContext, int, CancellationToken, Task<Ticket?>> Ticket =
            EF.CompileAsyncQuery((GuanjiaDbContext db, int number, CancellationToken _) => db.Tickets.FirstOrDefault(t => t.Number == number));

        /// <summary>The photos of ticket <c>number</c>, tracked (EF adds them to its <see cref="Tickets.Ticket.Photos"/>).</summary>
        public readonly Func<GuanjiaDbContext, int, IAsyncEnumerable<TicketPhoto>> Photos =
            EF.CompileAsyncQuery<GuanjiaDbContext, int, TicketPhoto>((db, number) => db.TicketPhotos.Where(p => p.TicketNumber == number).OrderBy(p => p.Id));

        /// <summary>The events of ticket <c>number</c>, tracked (EF adds them to its <see cref="Tickets.Ticket.Events"/>).</summary>
        public readonly Func<GuanjiaDbContext, int, IAsyncEnumerable<TicketEvent>> Events =
            EF.CompileAsyncQuery<GuanjiaDbContext, int, TicketEvent>((db, number) => db.TicketEvents.Where(e => e.TicketNumber == number).OrderBy(e => e.Id));

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
