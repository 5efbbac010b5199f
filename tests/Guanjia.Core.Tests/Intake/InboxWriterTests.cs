using Guanjia.Core.Intake;
using Guanjia.Core.Storage;
using Guanjia.Core.Tests.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Core.Tests.Intake;

/// <summary>The inbox on each provider: SQLite through its write gate, PostgreSQL on a fresh database.</summary>
public abstract class InboxWriterTests(string provider) : IAsyncLifetime, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"guanjia-inbox-{Guid.NewGuid():N}.db");
    private TestDatabase? _postgres;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        string connectionString;
        if (provider == GuanjiaStorage.PostgresName)
        {
            _postgres = await TestDatabase.PostgresAsync();
            connectionString = _postgres.ConnectionString;
        }
        else
        {
            connectionString = $"Data Source={_file}";
        }

        var storage = GuanjiaStorage.For(provider, connectionString, Path.GetTempPath());
        _services = storage.Register(new ServiceCollection()).BuildServiceProvider();
        await storage.MigrateAsync(_services);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public async Task ManyConcurrentWrites_WithRedeliveries_StoreEachMessageOnce()
    {
        await using var inbox = new InboxWriter(_services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);
        var committed = new List<long>();
        inbox.Committed += ids =>
        {
            lock (committed)
            {
                committed.AddRange(ids);
            }
        };

        // 300 distinct messages, each delivered up to four times at once, plus the same msgid on
        // the other channel (a different message): more than one statement's worth per batch.
        var writes = Enumerable.Range(0, 300)
            .SelectMany(i => Enumerable.Repeat(i, 1 + (i % 4)))
            .Select(i => inbox.WriteAsync(Message(IncomingChannel.Bot, $"msg-{i}")))
            .Append(inbox.WriteAsync(Message(IncomingChannel.App, "msg-7")))
            .ToList();
        var outcomes = await Task.WhenAll(writes);

        Assert.Equal(301, outcomes.Count(o => o == InboxWriteOutcome.Stored));
        Assert.Equal(writes.Count - 301, outcomes.Count(o => o == InboxWriteOutcome.Duplicate));
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        var rows = await db.Inbox.Select(m => m.Id).ToListAsync();
        Assert.Equal(301, rows.Count);
        Assert.Equal(rows.Order(), committed.Order());
    }

    [SkippableFact]
    public async Task RedeliveryInALaterBatch_IsADuplicate()
    {
        await using var inbox = new InboxWriter(_services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);

        Assert.Equal(InboxWriteOutcome.Stored, await inbox.WriteAsync(Message(IncomingChannel.Bot, "once")));
        Assert.Equal(InboxWriteOutcome.Duplicate, await inbox.WriteAsync(Message(IncomingChannel.Bot, "once")));
    }

    [SkippableFact]
    public async Task Redelivery_LongAfterTheReplayWindow_IsStillADuplicate()
    {
        // WeCom:ReplayWindow refuses callbacks older than an hour; within it, a msgid must be
        // remembered. Inbox rows are never purged, so a day later is still a duplicate.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var inbox = new InboxWriter(_services.GetRequiredService<IServiceScopeFactory>(), time);

        Assert.Equal(InboxWriteOutcome.Stored, await inbox.WriteAsync(Message(IncomingChannel.Bot, "kept")));
        time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(InboxWriteOutcome.Duplicate, await inbox.WriteAsync(Message(IncomingChannel.Bot, "kept")));
    }

    private static IncomingMessage Message(IncomingChannel channel, string id) =>
        new() { Channel = channel, MessageId = id, SenderId = "lihua", ChatId = "wrkSFfCgAAwuhuashan", Text = "74号院垃圾满了" };
}

public sealed class SqliteInboxWriterTests() : InboxWriterTests(GuanjiaStorage.SqliteName);

public sealed class PostgresInboxWriterTests() : InboxWriterTests(GuanjiaStorage.PostgresName);
