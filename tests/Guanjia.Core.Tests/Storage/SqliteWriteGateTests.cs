using Guanjia.Core.Intake;
using Guanjia.Core.Storage;
using Guanjia.Core.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.Core.Tests.Storage;

public sealed class SqliteWriteGateTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"guanjia-gate-{Guid.NewGuid():N}.db");
    private readonly SqliteWriteGate _gate = new();

    public async Task InitializeAsync()
    {
        await using var db = NewDb();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Fact]
    public async Task SecondTransaction_WaitsUntilTheFirstCommits()
    {
        await using var first = NewDb();
        await using var second = NewDb();
        var holding = await first.Database.BeginTransactionAsync();

        var queued = NextQueued();
        var waiting = second.Database.BeginTransactionAsync();
        await queued.WaitAsync(Bound);
        Assert.False(waiting.IsCompleted);

        await holding.CommitAsync();
        await using var acquired = await waiting.WaitAsync(Bound);
        await acquired.CommitAsync();
    }

    [Fact]
    public async Task TransactionDisposedWithoutCommit_ReleasesTheGate()
    {
        await using (var first = NewDb())
        {
            await using var abandoned = await first.Database.BeginTransactionAsync();
        }

        await using var second = NewDb();
        await using var acquired = await second.Database.BeginTransactionAsync().WaitAsync(Bound);
        await acquired.CommitAsync();
    }

    [Fact]
    public async Task PrioritizedWaiter_GoesBeforeAnEarlierOrdinaryWaiter()
    {
        await using var holder = NewDb();
        await using var ordinary = NewDb();
        await using var urgent = NewDb();
        var order = new List<string>();
        var holding = await holder.Database.BeginTransactionAsync();

        var ordinaryQueued = NextQueued();
        var ordinaryTurn = Task.Run(async () =>
        {
            await using var t = await ordinary.Database.BeginTransactionAsync();
            lock (order)
            {
                order.Add("ordinary");
            }

            await t.CommitAsync();
        });
        await ordinaryQueued.WaitAsync(Bound);
        var urgentQueued = NextQueued();
        var urgentTurn = Task.Run(async () =>
        {
            using var first = WritePriority.Urgent();
            await using var t = await urgent.Database.BeginTransactionAsync();
            lock (order)
            {
                order.Add("urgent");
            }

            await t.CommitAsync();
        });
        await urgentQueued.WaitAsync(Bound);

        await holding.CommitAsync();
        await Task.WhenAll(ordinaryTurn, urgentTurn).WaitAsync(Bound);
        Assert.Equal(["urgent", "ordinary"], order);
    }

    [Fact]
    public async Task SingleStatementSaveChanges_AlsoWaitsForTheGate()
    {
        await using var first = NewDb();
        await using var second = NewDb();
        var holding = await first.Database.BeginTransactionAsync();
        second.PendingPhotos.Add(new PendingPhoto { SenderId = "lihua", Conversation = "c", ReceivedAt = DateTimeOffset.UnixEpoch });

        var queued = NextQueued();
        var saving = second.SaveChangesAsync();
        await queued.WaitAsync(Bound);
        Assert.False(saving.IsCompleted);

        await holding.CommitAsync();
        Assert.Equal(1, await saving.WaitAsync(Bound));
    }

    [Fact]
    public async Task InboxWriter_CountsWhatItStoredInTheLastFullSecond()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var services = new ServiceCollection()
            .AddDbContext<GuanjiaDbContext>(o => o.UseSqlite($"Data Source={_file}").AddInterceptors(_gate))
            .BuildServiceProvider();
        await using var inbox = new InboxWriter(services.GetRequiredService<IServiceScopeFactory>(), time);

        for (var i = 0; i < 3; i++)
        {
            await inbox.WriteAsync(new IncomingMessage { Channel = IncomingChannel.Bot, MessageId = $"m{i}", SenderId = "lihua" });
        }

        Assert.Equal(0, inbox.StoredLastSecond);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, inbox.StoredLastSecond);
        Assert.False(inbox.IsBursting);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, inbox.StoredLastSecond);
    }

    [Fact]
    public async Task InboxWriter_IsBursting_OnlyWhenManyCallbacksQueueBehindOneAnother()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var services = new ServiceCollection()
            .AddDbContext<GuanjiaDbContext>(o => o.UseSqlite($"Data Source={_file}").AddInterceptors(_gate))
            .BuildServiceProvider();
        await using var inbox = new InboxWriter(services.GetRequiredService<IServiceScopeFactory>(), time);

        // A steady stream: each callback stored before the next arrives, however many in the second.
        for (var i = 0; i < InboxWriter.BurstPerSecond + 50; i++)
        {
            await inbox.WriteAsync(new IncomingMessage { Channel = IncomingChannel.Bot, MessageId = $"steady{i}", SenderId = "lihua" });
        }

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(InboxWriter.BurstPerSecond + 50, inbox.StoredLastSecond);
        Assert.False(inbox.IsBursting);

        // A burst: callbacks arriving together wait for one another and share commits.
        await Task.WhenAll(Enumerable.Range(0, InboxWriter.BurstPerSecond + 50)
            .Select(i => inbox.WriteAsync(new IncomingMessage { Channel = IncomingChannel.Bot, MessageId = $"burst{i}", SenderId = "lihua" })));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(inbox.IsBursting);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(inbox.IsBursting);
    }

    /// <summary>Completes when the next transaction starts waiting at the gate (no sleeping to let it get there).</summary>
    private Task NextQueued()
    {
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnQueued()
        {
            _gate.Queued -= OnQueued;
            queued.TrySetResult();
        }

        _gate.Queued += OnQueued;
        return queued.Task;
    }

    private GuanjiaDbContext NewDb() =>
        new(new DbContextOptionsBuilder<GuanjiaDbContext>().UseSqlite($"Data Source={_file}").AddInterceptors(_gate).Options);
}
