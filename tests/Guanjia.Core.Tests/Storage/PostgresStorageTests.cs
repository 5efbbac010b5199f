using Guanjia.Core.Intake;
using Guanjia.Core.Points;
using Guanjia.Core.Storage;
using Guanjia.Core.Storage.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Guanjia.Core.Tests.Storage;

/// <summary>What several instances on one PostgreSQL database rely on: one migration, row claims with leases.</summary>
public sealed class PostgresStorageTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.PostgresAsync();

    public async Task DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task Migrate_ByThreeInstancesAtOnceOnAMissingDatabase_CreatesItAndAppliesEachMigrationOnce()
    {
        var server = TestDatabase.Server!;
        var name = $"guanjia_test_{Guid.NewGuid():N}";
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        try
        {
            var starts = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                var storage = new PostgresStorage(connectionString);
                await using var services = storage.Register(new ServiceCollection()).BuildServiceProvider();
                await storage.MigrateAsync(services);
            }));
            await Task.WhenAll(starts);

            await using var db = new PostgresGuanjiaDbContext(new DbContextOptionsBuilder<PostgresGuanjiaDbContext>().UseNpgsql(connectionString).Options);
            var applied = await db.Database.SqlQuery<string>($"""SELECT "MigrationId" AS "Value" FROM "__EFMigrationsHistory" """).ToListAsync();
            Assert.Equal(db.Database.GetMigrations().Order(), applied.Order());
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [SkippableFact]
    public async Task LedgerRows_RefuseUpdateAndDelete()
    {
        await using (var db = _db.NewDb())
        {
            await new Ledger(db).StageAsync(new TransferRequest(
                Ledger.Issuance, Ledger.PersonAccount("lihua"), 5, TransferKinds.Task("test"), "t1", "test", "test", Now));
            await db.SaveChangesAsync();
        }

        await using var check = _db.NewDb();
        var update = await Assert.ThrowsAsync<PostgresException>(() => check.LedgerMovements.ExecuteUpdateAsync(s => s.SetProperty(m => m.Amount, 500)));
        Assert.Contains("immutable", update.MessageText, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PostgresException>(() => check.LedgerTransfers.ExecuteDeleteAsync());
        Assert.Equal(2, await check.LedgerMovements.CountAsync());
    }

    [SkippableFact]
    public async Task InboxClaims_ByTwoInstancesAtOnce_NeverShareARow()
    {
        await AddInboxAsync(200);
        var first = new PostgresStorage(_db.ConnectionString);
        var second = new PostgresStorage(_db.ConnectionString);

        async Task<List<long>> ClaimAll(PostgresStorage storage)
        {
            var mine = new List<long>();
            while (true)
            {
                await using var db = _db.NewDb();
                var ids = await storage.ClaimDueInboxAsync(db, Now, Now, 16, CancellationToken.None);
                if (ids.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(ids);
            }
        }

        var claims = await Task.WhenAll(Task.Run(() => ClaimAll(first)), Task.Run(() => ClaimAll(second)));

        Assert.Empty(claims[0].Intersect(claims[1]));
        Assert.Equal(200, claims[0].Count + claims[1].Count);
    }

    [SkippableFact]
    public async Task HeldRow_IsNotClaimedByAnotherInstance_UntilItsLeaseRunsOut()
    {
        var id = (await AddInboxAsync(1))[0];
        var dead = new PostgresStorage(_db.ConnectionString);
        var survivor = new PostgresStorage(_db.ConnectionString);
        await using var db = _db.NewDb();

        Assert.True(await dead.TryClaimInboxAsync(db, id, Now, CancellationToken.None));
        Assert.False(await survivor.TryClaimInboxAsync(db, id, Now + (GuanjiaStorage.InboxLease / 2), CancellationToken.None));
        Assert.Empty(await survivor.ClaimDueInboxAsync(db, Now + (GuanjiaStorage.InboxLease / 2), Now + (GuanjiaStorage.InboxLease / 2), 10, CancellationToken.None));

        var afterLease = Now + GuanjiaStorage.InboxLease;
        Assert.Equal([id], await survivor.ClaimDueInboxAsync(db, afterLease, afterLease, 10, CancellationToken.None));
        Assert.False(await dead.TryClaimInboxAsync(db, id, afterLease, CancellationToken.None));
    }

    [SkippableFact]
    public async Task ProcessedRow_IsNeverClaimed()
    {
        var id = (await AddInboxAsync(1))[0];
        await using var db = _db.NewDb();
        await db.Inbox.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, Now));
        var storage = new PostgresStorage(_db.ConnectionString);

        Assert.False(await storage.TryClaimInboxAsync(db, id, Now, CancellationToken.None));
        Assert.Empty(await storage.ClaimDueInboxAsync(db, Now, Now, 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task BatchClaim_TakesOnlyRowsNobodyElseHolds_AndRenewsItsOwn()
    {
        var ids = await AddInboxAsync(6);
        await using var db = _db.NewDb();
        await db.Inbox.Where(m => m.Id == ids[5]).ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, Now));
        var first = new PostgresStorage(_db.ConnectionString);
        var second = new PostgresStorage(_db.ConnectionString);

        Assert.Equal(ids[..2], await first.TryClaimInboxAsync(db, ids[..2], Now, CancellationToken.None));
        Assert.Equal(ids[2..5], await second.TryClaimInboxAsync(db, ids, Now, CancellationToken.None));
        Assert.Equal(ids[..2], await first.TryClaimInboxAsync(db, ids, Now + TimeSpan.FromSeconds(1), CancellationToken.None));

        var afterLease = Now + GuanjiaStorage.InboxLease + TimeSpan.FromSeconds(1);
        Assert.Equal(ids[..5], await second.TryClaimInboxAsync(db, ids, afterLease, CancellationToken.None));
    }

    private async Task<List<long>> AddInboxAsync(int count)
    {
        await using var db = _db.NewDb();
        var rows = Enumerable.Range(0, count).Select(i => new InboxMessage
        {
            Channel = IncomingChannel.Bot,
            MessageId = $"m{i}",
            SenderId = "lihua",
            Payload = "{}",
            ReceivedAt = Now.AddMinutes(-1),
        }).ToList();
        db.Inbox.AddRange(rows);
        await db.SaveChangesAsync();
        return rows.Select(r => r.Id).ToList();
    }
}
