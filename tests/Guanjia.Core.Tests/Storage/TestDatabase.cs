using Guanjia.Core.Storage;
using Guanjia.Core.Storage.Postgres;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Guanjia.Core.Tests.Storage;

/// <summary>
/// A migrated, empty Guanjia database for one test class: SQLite in memory (held open), or a fresh
/// database on the throw-away PostgreSQL server named by <see cref="ServerVariable"/> (./test.sh
/// starts one). Without that server the PostgreSQL tests are skipped, saying how to run them.
/// </summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public const string ServerVariable = "GUANJIA_TEST_POSTGRES";

    public const string NoServer =
        "PostgreSQL tests need a server: run ./test.sh, or set GUANJIA_TEST_POSTGRES to a connection string such as 'Host=127.0.0.1;Port=5432;Username=postgres'.";

    public abstract string Provider { get; }

    /// <summary>The connection string of this test's database.</summary>
    public abstract string ConnectionString { get; }

    public static string? Server => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } s ? s : null;

    public static async Task<TestDatabase> CreateAsync(string provider) =>
        provider == GuanjiaStorage.PostgresName ? await PostgresAsync() : await SqliteAsync();

    public static async Task<TestDatabase> SqliteAsync()
    {
        var db = new SqliteTestDatabase();
        await db.InitializeAsync();
        return db;
    }

    /// <summary>A new database on the test server; skips the test when there is none.</summary>
    public static async Task<TestDatabase> PostgresAsync()
    {
        Skip.If(Server is null, NoServer);
        var db = new PostgresTestDatabase(Server!);
        await db.InitializeAsync();
        return db;
    }

    /// <summary>A new context on this database, as each command or job has its own.</summary>
    public abstract GuanjiaDbContext NewDb();

    public abstract ValueTask DisposeAsync();

    private sealed class SqliteTestDatabase : TestDatabase
    {
        private readonly SqliteConnection _connection = new("Data Source=:memory:");

        public override string Provider => GuanjiaStorage.SqliteName;

        public override string ConnectionString => _connection.ConnectionString;

        public async Task InitializeAsync()
        {
            await _connection.OpenAsync();
            await using var db = NewDb();
            await db.Database.MigrateAsync();
        }

        public override GuanjiaDbContext NewDb() =>
            new(new DbContextOptionsBuilder<GuanjiaDbContext>().UseSqlite(_connection).Options);

        public override async ValueTask DisposeAsync() => await _connection.DisposeAsync();
    }

    private sealed class PostgresTestDatabase : TestDatabase
    {
        private readonly string _server;
        private readonly string _name = $"guanjia_test_{Guid.NewGuid():N}";

        public PostgresTestDatabase(string server)
        {
            _server = server;
            ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = _name }.ConnectionString;
        }

        public override string Provider => GuanjiaStorage.PostgresName;

        public override string ConnectionString { get; }

        public async Task InitializeAsync()
        {
            var storage = new PostgresStorage(ConnectionString);
            var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
            storage.Register(services);
            await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
            await storage.MigrateAsync(provider);
        }

        public override GuanjiaDbContext NewDb() =>
            new PostgresGuanjiaDbContext(new DbContextOptionsBuilder<PostgresGuanjiaDbContext>().UseNpgsql(ConnectionString).Options);

        public override async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            var admin = new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false }.ConnectionString;
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
