using System.Data.Common;
using Guanjia.Core.Intake;
using Guanjia.Core.Storage.Postgres;
using Guanjia.Core.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Core.Storage;

/// <summary>
/// What differs between the databases Guanjia runs on, chosen once by <c>Storage:Provider</c>:
/// how the context is configured and migrated, how an inbox row is claimed, and whether several
/// instances may share the database. The rest of Core only sees <see cref="GuanjiaDbContext"/>.
/// </summary>
public abstract class GuanjiaStorage
{
    public const string SqliteName = "Sqlite";
    public const string PostgresName = "Postgres";

    /// <summary>How long an inbox row claimed by an instance stays its own; after that, another instance takes it over.</summary>
    public static readonly TimeSpan InboxLease = TimeSpan.FromSeconds(30);

    protected GuanjiaStorage(string connectionString)
    {
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>Names this process in claims it takes (the host name, the process and a random part).</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public abstract string Provider { get; }

    /// <summary>Whether several instances may share this database (row leases, a clustered scheduler).</summary>
    public abstract bool IsShared { get; }

    /// <summary>The storage for a provider name (<c>Sqlite</c> or <c>Postgres</c>); a relative SQLite file is resolved against <paramref name="contentRoot"/>.</summary>
    public static GuanjiaStorage For(string provider, string connectionString, string contentRoot) => provider switch
    {
        _ when string.Equals(provider, SqliteName, StringComparison.OrdinalIgnoreCase) => new SqliteStorage(connectionString, contentRoot),
        _ when string.Equals(provider, PostgresName, StringComparison.OrdinalIgnoreCase) => new PostgresStorage(connectionString),
        _ => throw new ArgumentException($"Storage:Provider '{provider}' is not one of {SqliteName}, {PostgresName}.", nameof(provider)),
    };

    /// <summary>Registers this storage and <see cref="GuanjiaDbContext"/> (scoped).</summary>
    public IServiceCollection Register(IServiceCollection services)
    {
        services.AddSingleton(this);
        RegisterContext(services);
        return services;
    }

    protected abstract void RegisterContext(IServiceCollection services);

    /// <summary>Creates the database if it is missing and applies the migrations of this provider's set, once across instances.</summary>
    public abstract Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default);

    /// <summary>Whether every migration of the assembly is already applied (one read of the history table; false when the database is new).</summary>
    protected static async Task<bool> NothingPendingAsync(GuanjiaDbContext db, CancellationToken cancellationToken)
    {
        var creator = db.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            return false;
        }

        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        return db.Database.GetMigrations().All(applied.Contains);
    }

    /// <summary>Makes the commits on this open connection durable even on power loss (the inbox's promise to WeCom).</summary>
    public virtual Task MakeCommitsDurableAsync(DbConnection connection, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>
    /// Claims inbox rows nobody holds (unprocessed, lease absent or run out, received before
    /// <paramref name="freshBefore"/>) for this instance; returns their ids, oldest first.
    /// </summary>
    public abstract Task<IReadOnlyList<long>> ClaimDueInboxAsync(
        GuanjiaDbContext db, DateTimeOffset now, DateTimeOffset freshBefore, int max, CancellationToken cancellationToken);

    /// <summary>Claims one inbox row for this instance; false when it is processed or another instance holds it.</summary>
    public abstract Task<bool> TryClaimInboxAsync(GuanjiaDbContext db, long id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the given inbox rows for this instance in one statement; returns those it now holds (not
    /// processed, not dead, and free, run out or already its own), oldest first.
    /// </summary>
    public abstract Task<IReadOnlyList<long>> TryClaimInboxAsync(
        GuanjiaDbContext db, IReadOnlyCollection<long> ids, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>How long an instance keeps sending to a destination after its last pass; then another may take it over.</summary>
    public static readonly TimeSpan OutboxLease = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Of <paramref name="targets"/>, the destinations this instance may send to now (it holds or just took
    /// their lease). A single instance sends to every destination.
    /// </summary>
    public virtual Task<IReadOnlySet<string>> HoldOutboxTargetsAsync(
        GuanjiaDbContext db, IReadOnlyCollection<string> targets, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(targets.ToHashSet(StringComparer.Ordinal));

    /// <summary>Prefix of named leases kept in the outbox lease table, apart from its destinations (robot keys, userids, URLs never start so).</summary>
    public const string LeasePrefix = "lease:";

    /// <summary>
    /// Takes or renews the named lease (e.g. the bot's long connection) for this instance until
    /// <paramref name="now"/> + <paramref name="duration"/>: true when this instance holds it. Another instance
    /// takes it over only once it has run out. Provider-neutral: one conditional UPDATE, else an INSERT whose
    /// primary key lets only one instance win.
    /// </summary>
    public async Task<bool> HoldLeaseAsync(GuanjiaDbContext db, string name, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        var target = LeasePrefix + name;
        var holder = InstanceId;
        var until = now + duration;
        var renewed = await db.OutboxLeases
            .Where(l => l.Target == target && (l.Until <= now || l.Holder == holder))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.Until, until), cancellationToken);
        if (renewed == 1)
        {
            return true;
        }

        if (await db.OutboxLeases.AnyAsync(l => l.Target == target, cancellationToken))
        {
            return false;
        }

        var lease = new OutboxLease { Target = target, Holder = holder, Until = until };
        db.OutboxLeases.Add(lease);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance inserted it first.
            return false;
        }
        finally
        {
            db.Entry(lease).State = EntityState.Detached;
        }
    }

    /// <summary>Gives the named lease up at once (a clean stop), so another instance need not wait for it to run out.</summary>
    public Task ReleaseLeaseAsync(GuanjiaDbContext db, string name, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var target = LeasePrefix + name;
        var holder = InstanceId;
        return db.OutboxLeases.Where(l => l.Target == target && l.Holder == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Until, now), cancellationToken);
    }

    /// <summary>Records a failed attempt: nobody takes the row again before <paramref name="retryAt"/>.</summary>
    public static Task ReleaseInboxAfterFailureAsync(GuanjiaDbContext db, long id, string error, DateTimeOffset retryAt) =>
        db.Inbox.Where(m => m.Id == id).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => EF.Property<string?>(m, InboxLeaseColumns.LeasedBy), (string?)null)
                .SetProperty(m => EF.Property<DateTimeOffset?>(m, InboxLeaseColumns.LeaseUntil), retryAt),
            CancellationToken.None);

    /// <summary>Rows due for a claim: neither processed, dead nor held, and old enough that their own instance had its turn.</summary>
    protected static IQueryable<InboxMessage> Due(GuanjiaDbContext db, DateTimeOffset now, DateTimeOffset freshBefore) =>
        db.Inbox.Where(m => m.ProcessedAt == null && m.DeadAt == null
            && (EF.Property<DateTimeOffset?>(m, InboxLeaseColumns.LeaseUntil) == null || EF.Property<DateTimeOffset?>(m, InboxLeaseColumns.LeaseUntil) <= now)
            && m.ReceivedAt <= freshBefore);
}

/// <summary>The inbox's lease columns: shadow properties, since only storage reads or writes them.</summary>
public static class InboxLeaseColumns
{
    public const string LeasedBy = "LeasedBy";
    public const string LeaseUntil = "LeaseUntil";
}
