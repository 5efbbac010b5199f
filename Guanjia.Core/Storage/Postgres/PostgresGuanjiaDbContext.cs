using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Storage.Postgres;

/// <summary>
/// The same model as <see cref="GuanjiaDbContext"/>; a type of its own only so that the PostgreSQL
/// migration set (Storage/Postgres/Migrations) is found for it and the SQLite set for the base type
/// (EF Core's "one context type per provider", see docs/decisions/0003-storage-providers.md).
/// Registered as <see cref="GuanjiaDbContext"/>, so the rest of Core never names it.
/// </summary>
public sealed class PostgresGuanjiaDbContext(DbContextOptions<PostgresGuanjiaDbContext> options) : GuanjiaDbContext(options)
{
    /// <summary>The sequence ticket numbers are taken from, a block at a time.</summary>
    public const string TicketNumberSequence = "TicketNumbers";

    /// <summary>
    /// Numbers an instance reserves at once (one <c>nextval</c>): unique across instances and after a crash,
    /// at the cost of a gap of at most this many when an instance stops, and numbers of two instances interleaving.
    /// </summary>
    public const int TicketNumberBlock = 10;

    /// <summary>PostgreSQL: EF Core's hi-lo generator hands out numbers from blocks of <see cref="TicketNumberSequence"/>.</summary>
    protected override void ConfigureTicketNumbers(ModelBuilder modelBuilder)
    {
        modelBuilder.HasSequence<int>(TicketNumberSequence).IncrementsBy(TicketNumberBlock);
        modelBuilder.Entity<Ticket>().Property(t => t.Number).HasValueGenerator((Type?)null).UseHiLo(TicketNumberSequence);
    }
}
