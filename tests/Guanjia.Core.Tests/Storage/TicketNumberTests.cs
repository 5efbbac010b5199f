using Guanjia.Core.Storage;
using Guanjia.Core.Storage.Postgres;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Guanjia.Core.Tests.Storage;

/// <summary>
/// A ticket is numbered when it is added, so the acknowledgement and outbox keys that carry the number are saved
/// with it in one SaveChanges; numbers never repeat, whatever is rolled back, and on PostgreSQL across instances.
/// </summary>
public abstract class TicketNumberTests(string provider) : IAsyncLifetime
{
    protected TestDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [SkippableFact]
    public async Task AddedTicket_HasItsNumberBeforeItIsSaved_AndIsStoredUnderIt()
    {
        await using var db = Database.NewDb();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var first = NewTicket();
        var second = NewTicket();
        await db.Tickets.AddAsync(first);
        await db.Tickets.AddAsync(second);

        Assert.True(first.Number > 0);
        Assert.Equal(first.Number + 1, second.Number);
        Assert.All(first.Events, e => Assert.Equal(first.Number, e.TicketNumber));

        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await using var read = Database.NewDb();
        Assert.Equal([first.Number, second.Number], await read.Tickets.OrderBy(t => t.Number).Select(t => t.Number).ToListAsync());
        Assert.Equal(4, await read.TicketEvents.CountAsync(e => e.TicketNumber == first.Number || e.TicketNumber == second.Number));
    }

    [SkippableFact]
    public async Task Numbers_AfterARolledBackTransaction_NeverRepeatAStoredOne()
    {
        var stored = new List<int>();
        for (var round = 0; round < 3; round++)
        {
            await using (var db = Database.NewDb())
            {
                await using var kept = await db.Database.BeginTransactionAsync();
                var ticket = NewTicket();
                await db.Tickets.AddAsync(ticket);
                await db.SaveChangesAsync();
                await kept.CommitAsync();
                stored.Add(ticket.Number);
            }

            await using (var db = Database.NewDb())
            {
                await using var dropped = await db.Database.BeginTransactionAsync();
                await db.Tickets.AddAsync(NewTicket());
                await db.SaveChangesAsync();
                await dropped.RollbackAsync();
            }
        }

        await using var read = Database.NewDb();
        Assert.Equal(stored, await read.Tickets.OrderBy(t => t.Number).Select(t => t.Number).ToListAsync());
        Assert.Equal(stored.Distinct(), stored);
    }

    protected static Ticket NewTicket()
    {
        var ticket = new Ticket
        {
            Status = TicketStatus.New,
            Category = "garbage",
            Community = "wuhuashan",
            Department = "sanitation",
            Reporter = "lihua",
            Text = "门口垃圾桶满了",
            Conversation = "lihua",
            DueAt = DateTimeOffset.UnixEpoch.AddDays(1),
        };
        TicketLifecycle.Create(ticket, DateTimeOffset.UnixEpoch, null, null);
        return ticket;
    }
}

public sealed class SqliteTicketNumberTests() : TicketNumberTests(GuanjiaStorage.SqliteName);

public sealed class PostgresTicketNumberTests() : TicketNumberTests(GuanjiaStorage.PostgresName)
{
    [SkippableFact]
    public async Task Numbers_FromTwoInstancesAddingAtOnce_NeverRepeat()
    {
        // Each "instance" has its own EF services, so its own reserved block, as two processes would.
        var instances = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var numbers = new List<int>();
            for (var i = 0; i < 25; i++)
            {
                await using var db = Instance(Database.ConnectionString);
                await using var transaction = await db.Database.BeginTransactionAsync();
                var ticket = NewTicket();
                await db.Tickets.AddAsync(ticket);
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
                numbers.Add(ticket.Number);
            }

            return numbers;
        })).ToList();

        var all = (await Task.WhenAll(instances)).SelectMany(n => n).ToList();

        Assert.Equal(50, all.Distinct().Count());
        await using var read = Database.NewDb();
        Assert.Equal(all.Order(), await read.Tickets.OrderBy(t => t.Number).Select(t => t.Number).ToListAsync());
    }

    [SkippableFact]
    public async Task Migration_FromIdentityNumbers_ContinuesAfterTheHighest()
    {
        await using (var db = Database.NewDb())
        {
            // Back to the identity column, with tickets numbered by it, then up again.
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync("20261129181152_IntakeLookupIndexes");
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "Tickets" ("Status", "Category", "Urgent", "LowConfidence", "Community", "Department", "Reporter", "Text", "Conversation", "CreatedAt", "DueAt", "OnTheSpot", "Confidential")
                SELECT 'Dispatched', 'other', FALSE, FALSE, 'wuhuashan', 'wuhuashan-office', 'lihua', 'before', 'lihua', 0, 0, FALSE, FALSE FROM generate_series(1, 37)
                """);
            await migrator.MigrateAsync();
        }

        await using var next = Instance(Database.ConnectionString);
        var ticket = NewTicket();
        await next.Tickets.AddAsync(ticket);
        await next.SaveChangesAsync();

        Assert.Equal(38, ticket.Number);
    }

    private static PostgresGuanjiaDbContext Instance(string connectionString) =>
        new(new DbContextOptionsBuilder<PostgresGuanjiaDbContext>().UseNpgsql(connectionString).EnableServiceProviderCaching(false).Options);
}
