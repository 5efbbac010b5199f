using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.ValueGeneration;

namespace Guanjia.Core.Storage.Sqlite;

/// <summary>
/// A ticket's number when it is added, not when it is saved, so the acknowledgement and the outbox keys that
/// carry it go in the same <c>SaveChanges</c> as the ticket. SQLite has one writer (<see cref="SqliteWriteGate"/>
/// holds it for the whole transaction) in one process, so the next number is the highest ever used plus one:
/// read once per transaction, then counted on in memory for the tickets added in it. A rolled-back
/// transaction saved none of its numbers, so nothing outside ever saw them. Without a transaction (a test
/// seeding a database) it is read at every add.
/// </summary>
internal sealed class SqliteTicketNumbers : ValueGenerator<int>
{
    // AUTOINCREMENT's counter (never lowered, so a number is never given twice even after a delete), and the
    // table itself in case a row was written with its number given.
    private const string HighestSql =
        """SELECT MAX(COALESCE((SELECT "seq" FROM "sqlite_sequence" WHERE "name" = 'Tickets'), 0), COALESCE((SELECT MAX("Number") FROM "Tickets"), 0))""";

    private readonly ConditionalWeakTable<DbContext, Counter> _counters = [];

    public override bool GeneratesTemporaryValues => false;

    public override int Next(EntityEntry entry)
    {
        var database = entry.Context.Database;
        var transaction = database.CurrentTransaction?.GetDbTransaction();
        var counter = _counters.GetOrCreateValue(entry.Context);
        if (transaction is null || !ReferenceEquals(counter.Transaction, transaction))
        {
            counter.Transaction = transaction;
            counter.Last = Math.Max(counter.Last, ReadHighest(database, transaction));
        }

        return ++counter.Last;
    }

    private static int ReadHighest(DatabaseFacade database, DbTransaction? transaction)
    {
        database.OpenConnection();
        try
        {
            using var command = database.GetDbConnection().CreateCommand();
            command.Transaction = transaction;
            command.CommandText = HighestSql;
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            database.CloseConnection();
        }
    }

    private sealed class Counter
    {
        public DbTransaction? Transaction;
        public int Last;
    }
}
