using Guanjia.Bot.Backup;
using Guanjia.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Bot.Tests.Operations;

/// <summary>The backup command against a running service's SQLite database.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xUnit disposes the factory through IAsyncLifetime.")]
public sealed class BackupTests : IAsyncLifetime
{
    private const string WuhuashanGroup = "wrkSFfCgAAwuhuashan";
    private readonly GuanjiaFactory _factory = new();
    private readonly string _copy = Path.Combine(Path.GetTempPath(), $"guanjia-backup-{Guid.NewGuid():N}.db");

    public Task InitializeAsync() => _factory.InitializeAsync();

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)_factory).DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_copy);
    }

    [Fact]
    public async Task Backup_OfLiveDatabase_WhileCallbacksArrive_IsAConsistentCopyWithEveryCommittedTicket()
    {
        var client = _factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            var report = SignedCallbacks.BotGroupText($"m-b{i}", "lihua", WuhuashanGroup, $"74号院{i + 1}单元门口垃圾桶满了", _factory.WeCom.NewResponseUrl().ToString());
            (await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), report))).EnsureSuccessStatusCode();
        }

        await _factory.WaitForIntakeAsync(3);
        var ticketsBefore = await _factory.WithDbAsync(db => db.Tickets.LongCountAsync());
        Assert.True(ticketsBefore >= 1);
        var storage = _factory.Services.GetRequiredService<GuanjiaStorage>();
        // More callbacks keep arriving while the backup runs.
        var more = Task.Run(async () =>
        {
            for (var i = 3; i < 20; i++)
            {
                var report = SignedCallbacks.BotGroupText($"m-b{i}", "lihua", WuhuashanGroup, $"74号院门口垃圾桶满了第{i}次", _factory.WeCom.NewResponseUrl().ToString());
                (await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), report))).EnsureSuccessStatusCode();
            }
        });
        var output = new StringWriter();

        var exit = BackupCommand.Backup(storage, _copy, output, output);
        await more;

        Assert.Equal(0, exit);
        Assert.False(File.Exists(_copy + "-wal") && new FileInfo(_copy + "-wal").Length > 0);
        await using var copy = new SqliteConnection($"Data Source={_copy};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        await using var check = copy.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());
        check.CommandText = "SELECT COUNT(*) FROM \"Tickets\";";
        Assert.True((long)(await check.ExecuteScalarAsync())! >= ticketsBefore);
        check.CommandText = "SELECT COUNT(*) FROM \"Inbox\";";
        Assert.InRange((long)(await check.ExecuteScalarAsync())!, 3, 20);
        check.CommandText = "SELECT COUNT(*) FROM \"__EFMigrationsHistory\";";
        Assert.Equal(await _factory.WithDbAsync(db => Task.FromResult((long)db.Database.GetMigrations().Count())), (long)(await check.ExecuteScalarAsync())!);
    }

    [Fact]
    public void Backup_ToAnExistingFile_RefusesAndLeavesItAlone()
    {
        var storage = _factory.Services.GetRequiredService<GuanjiaStorage>();
        File.WriteAllText(_copy, "keep me");
        var error = new StringWriter();

        Assert.Equal(1, BackupCommand.Backup(storage, _copy, TextWriter.Null, error));
        Assert.Equal("keep me", File.ReadAllText(_copy));
        Assert.Contains("already exists", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_OnPostgres_PrintsThePgDumpCommand_AndWritesNothing()
    {
        var storage = GuanjiaStorage.For(GuanjiaStorage.PostgresName, "Host=db;Port=5432;Database=guanjia;Username=guanjia;Password=s3cret", Path.GetTempPath());
        var output = new StringWriter();

        Assert.Equal(0, BackupCommand.Backup(storage, _copy, output, output));
        Assert.Contains("pg_dump --format=custom --host=db --port=5432 --username=guanjia --dbname=guanjia", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(_copy));
    }
}
