using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Core.Storage.Sqlite;

/// <summary>
/// One SQLite file, one process: writes queue in the process (<see cref="SqliteWriteGate"/>),
/// WAL lets readers run beside the writer, and the in-process queue is the only claim an inbox row needs.
/// </summary>
public sealed class SqliteStorage : GuanjiaStorage
{
    public SqliteStorage(string connectionString, string contentRoot)
        : base(Resolve(connectionString, contentRoot))
    {
    }

    public override string Provider => SqliteName;

    public override bool IsShared => false;

    protected override void RegisterContext(IServiceCollection services)
    {
        services.AddSingleton<SqliteWriteGate>();
        services.AddDbContext<GuanjiaDbContext>((sp, options) => options
            .UseSqlite(ConnectionString)
            .AddInterceptors(sp.GetRequiredService<SqliteWriteGate>(), new SqliteSynchronousNormal()));
    }

    public override async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        // A restart after a crash must answer WeCom within seconds: compare the applied list with the
        // assembly's once and skip Migrate() (its lock and checks) when nothing is pending.
        if (!await NothingPendingAsync(db, cancellationToken))
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        // WAL (persistent) lets readers run beside the writer; see SqliteSynchronousNormal for sync.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    public override async Task MakeCommitsDurableAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        // The 200 WeCom gets means "stored": this commit is synced to disk, even on power loss.
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<IReadOnlyList<long>> ClaimDueInboxAsync(
        GuanjiaDbContext db, DateTimeOffset now, DateTimeOffset freshBefore, int max, CancellationToken cancellationToken) =>
        await Due(db, now, freshBefore).OrderBy(m => m.Id).Select(m => m.Id).Take(max).ToListAsync(cancellationToken);

    // A single process: its queue already hands each row to one worker, so no lease is written.
    public override Task<bool> TryClaimInboxAsync(GuanjiaDbContext db, long id, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(true);

    public override Task<IReadOnlyList<long>> TryClaimInboxAsync(
        GuanjiaDbContext db, IReadOnlyCollection<long> ids, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<long>>([.. ids.Order()]);

    private static string Resolve(string connectionString, string contentRoot)
    {
        var sqlite = new SqliteConnectionStringBuilder(connectionString);
        if (sqlite.DataSource is { Length: > 0 } source && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal))
        {
            sqlite.DataSource = Path.GetFullPath(source, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(sqlite.DataSource)!);
        }

        sqlite.Pooling = true;
        return sqlite.ConnectionString;
    }
}
