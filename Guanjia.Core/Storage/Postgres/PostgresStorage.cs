using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Guanjia.Core.Storage.Postgres;

/// <summary>
/// PostgreSQL, shared by any number of instances: inbox rows are claimed with a lease
/// (<c>FOR UPDATE SKIP LOCKED</c>), migrations run once under an advisory lock, and the database
/// is created when it is missing.
/// </summary>
public sealed class PostgresStorage(string connectionString) : GuanjiaStorage(connectionString)
{
    // Any constant the cluster agrees on: pg_advisory_lock takes a bigint ("guanjia" in ASCII).
    private const long MigrationLock = 0x6775616E6A6961;

    public override string Provider => PostgresName;

    public override bool IsShared => true;

    protected override void RegisterContext(IServiceCollection services) =>
        services.AddDbContext<GuanjiaDbContext, PostgresGuanjiaDbContext>(options => options.UseNpgsql(ConnectionString));

    public override async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        // A restart: nothing to apply, so neither the advisory lock nor Migrate() is needed.
        if (await NothingPendingAsync(db, cancellationToken))
        {
            return;
        }

        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            try
            {
                await creator.CreateAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another instance starting at the same time created it first.
            }
        }

        // Instances starting together on an empty database: one applies the migrations, the
        // others wait on the lock and then find nothing left to apply.
        await using var held = new NpgsqlConnection(ConnectionString);
        await held.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLock})", held))
        {
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationLock})", held);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    public override async Task<IReadOnlyList<long>> ClaimDueInboxAsync(
        GuanjiaDbContext db, DateTimeOffset now, DateTimeOffset freshBefore, int max, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var until = (now + InboxLease).ToUnixTimeMilliseconds();
        var fresh = freshBefore.ToUnixTimeMilliseconds();
        // Rows another instance is claiming right now are skipped, not waited for.
        var ids = await db.Database.SqlQuery<long>($"""
            UPDATE "Inbox" SET "LeasedBy" = {InstanceId}, "LeaseUntil" = {until}
            WHERE "Id" IN (
                SELECT "Id" FROM "Inbox"
                WHERE "ProcessedAt" IS NULL AND "DeadAt" IS NULL AND ("LeaseUntil" IS NULL OR "LeaseUntil" <= {nowMs}) AND "ReceivedAt" <= {fresh}
                ORDER BY "Id" LIMIT {max}
                FOR UPDATE SKIP LOCKED)
            RETURNING "Id" AS "Value"
            """).ToListAsync(cancellationToken);
        ids.Sort();
        return ids;
    }

    public override async Task<IReadOnlySet<string>> HoldOutboxTargetsAsync(
        GuanjiaDbContext db, IReadOnlyCollection<string> targets, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        var nowMs = now.ToUnixTimeMilliseconds();
        var until = (now + OutboxLease).ToUnixTimeMilliseconds();
        foreach (var target in targets)
        {
            // Taken when free or run out, renewed when already ours; one statement, so two instances cannot both win.
            var taken = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "OutboxLeases" ("Target", "Holder", "Until") VALUES ({target}, {InstanceId}, {until})
                ON CONFLICT ("Target") DO UPDATE SET "Holder" = excluded."Holder", "Until" = excluded."Until"
                WHERE "OutboxLeases"."Until" <= {nowMs} OR "OutboxLeases"."Holder" = {InstanceId}
                """, cancellationToken);
            if (taken == 1)
            {
                held.Add(target);
            }
        }

        return held;
    }

    public override async Task<bool> TryClaimInboxAsync(GuanjiaDbContext db, long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var until = now + InboxLease;
        var owner = InstanceId;
        // One UPDATE decides: a second instance blocks on the row lock, then sees the lease and updates nothing.
        var claimed = await db.Inbox
            .Where(m => m.Id == id && m.ProcessedAt == null && m.DeadAt == null
                && (EF.Property<DateTimeOffset?>(m, InboxLeaseColumns.LeaseUntil) == null
                    || EF.Property<DateTimeOffset?>(m, InboxLeaseColumns.LeaseUntil) <= now
                    || EF.Property<string?>(m, InboxLeaseColumns.LeasedBy) == owner))
            .ExecuteUpdateAsync(
                s => s.SetProperty(m => EF.Property<string?>(m, InboxLeaseColumns.LeasedBy), owner)
                    .SetProperty(m => EF.Property<DateTimeOffset?>(m, InboxLeaseColumns.LeaseUntil), until),
                cancellationToken);
        return claimed == 1;
    }

    public override async Task<IReadOnlyList<long>> TryClaimInboxAsync(
        GuanjiaDbContext db, IReadOnlyCollection<long> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var wanted = ids.ToArray();
        var nowMs = now.ToUnixTimeMilliseconds();
        var until = (now + InboxLease).ToUnixTimeMilliseconds();
        // As the single-row claim: a row another instance is claiming is waited for, then seen as held.
        var claimed = await db.Database.SqlQuery<long>($"""
            UPDATE "Inbox" SET "LeasedBy" = {InstanceId}, "LeaseUntil" = {until}
            WHERE "Id" = ANY({wanted}) AND "ProcessedAt" IS NULL AND "DeadAt" IS NULL
                AND ("LeaseUntil" IS NULL OR "LeaseUntil" <= {nowMs} OR "LeasedBy" = {InstanceId})
            RETURNING "Id" AS "Value"
            """).ToListAsync(cancellationToken);
        claimed.Sort();
        return claimed;
    }
}
