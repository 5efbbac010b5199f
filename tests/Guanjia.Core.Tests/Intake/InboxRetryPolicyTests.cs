using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.Core.Tests.Intake;

/// <summary>The inbox's retry and dead-letter rule on a real SQLite file, with a fake clock.</summary>
public sealed class InboxRetryPolicyTests : IAsyncLifetime, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"guanjia-dead-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 6, 0, 0, TimeSpan.Zero));
    private readonly CommunityConfig _config = CommunityConfigLoader.Load(RepoPaths.CommunityYaml);
    private GuanjiaStorage _storage = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _storage = GuanjiaStorage.For(GuanjiaStorage.SqliteName, $"Data Source={_file}", Path.GetTempPath());
        _services = _storage.Register(new ServiceCollection()).BuildServiceProvider();
        await _storage.MigrateAsync(_services);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    private InboxRetryPolicy Policy(int max = 3) =>
        new(max, _config, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), _time);

    private GuanjiaDbContext Db() => _services.CreateScope().ServiceProvider.GetRequiredService<GuanjiaDbContext>();

    private async Task<long> StoreAsync(string sender = "lihua", string? chat = null)
    {
        await using var db = Db();
        var row = new InboxMessage
        {
            Channel = IncomingChannel.Bot,
            MessageId = Guid.NewGuid().ToString("N"),
            SenderId = sender,
            ChatId = chat,
            Payload = "{\"text\":\"楼道灭火器过期 13912345678\"}",
            ReceivedAt = _time.GetUtcNow(),
        };
        db.Inbox.Add(row);
        await db.SaveChangesAsync();
        return row.Id;
    }

    private async Task<IReadOnlyList<long>> DueAsync()
    {
        await using var db = Db();
        var now = _time.GetUtcNow();
        return await _storage.ClaimDueInboxAsync(db, now, now, 64, CancellationToken.None);
    }

    [Fact]
    public async Task Failure_BelowMaxAttempts_BacksOffAndIsClaimedAgainWhenDue()
    {
        var id = await StoreAsync();
        await using var db = Db();

        var outcome = await Policy().RecordFailureAsync(db, id, "HttpRequestException", CancellationToken.None);

        var retry = Assert.IsType<InboxFailureOutcome.Retry>(outcome);
        Assert.Equal(1, retry.Attempts);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(2), retry.At);
        Assert.DoesNotContain(id, await DueAsync());
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Contains(id, await DueAsync());
    }

    [Fact]
    public void Delay_DoublesAndIsCappedAtTenMinutes()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), InboxRetryPolicy.Delay(1));
        Assert.Equal(TimeSpan.FromSeconds(16), InboxRetryPolicy.Delay(4));
        Assert.Equal(TimeSpan.FromMinutes(10), InboxRetryPolicy.Delay(20));
    }

    [Fact]
    public async Task Failure_AtMaxAttempts_BecomesDeadLetter_NeverClaimed_SecretariesToldOnceWithoutText()
    {
        var id = await StoreAsync(sender: "lihua");
        var policy = Policy(max: 3);
        InboxFailureOutcome outcome = null!;
        for (var i = 0; i < 3; i++)
        {
            await using var db = Db();
            outcome = await policy.RecordFailureAsync(db, id, "InvalidOperationException", CancellationToken.None);
            _time.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.IsType<InboxFailureOutcome.Dead>(outcome);
        Assert.DoesNotContain(id, await DueAsync());
        _time.Advance(TimeSpan.FromDays(1));
        Assert.DoesNotContain(id, await DueAsync());

        await using var check = Db();
        var row = await check.Inbox.SingleAsync(m => m.Id == id);
        Assert.NotNull(row.DeadAt);
        Assert.Null(row.ProcessedAt);
        Assert.Equal(3, row.Attempts);
        Assert.Equal([id], await InboxRetryPolicy.DeadLetters(check).Select(m => m.Id).ToListAsync());

        var notice = Assert.Single(await check.Outbox.ToListAsync());
        // lihua is a steward of 五华山社区, whose secretary is chenjing.
        Assert.Equal(OutboxChannel.AppUser, notice.Channel);
        Assert.Equal("chenjing", notice.Target);
        Assert.Contains("李华", notice.Content, StringComparison.Ordinal);
        Assert.Contains("14:00", notice.Content, StringComparison.Ordinal);
        Assert.Contains("请在看板处理", notice.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("灭火器", notice.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("13912345678", notice.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLetter_FurtherFailureReports_ChangeNothing()
    {
        var id = await StoreAsync();
        var policy = Policy(max: 1);
        await using (var db = Db())
        {
            Assert.IsType<InboxFailureOutcome.Dead>(await policy.RecordFailureAsync(db, id, "X", CancellationToken.None));
        }

        await using (var db = Db())
        {
            Assert.IsType<InboxFailureOutcome.NotFound>(await policy.RecordFailureAsync(db, id, "X", CancellationToken.None));
        }

        await using var check = Db();
        Assert.Equal(1, await check.Outbox.CountAsync());
    }

    [Fact]
    public async Task DeadLetter_FromUnknownSenderInCommunityGroup_TellsThatCommunitysSecretaries()
    {
        var id = await StoreAsync(sender: "stranger", chat: "wrkSFfCgAAcuihu");
        await using var db = Db();

        await Policy(max: 1).RecordFailureAsync(db, id, "X", CancellationToken.None);

        var notice = Assert.Single(await db.Outbox.ToListAsync());
        Assert.Equal("liuyang", notice.Target);
        Assert.Contains("stranger", notice.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_OfDeadLetter_ResetsAttemptsAndMakesItDueAtOnce()
    {
        var id = await StoreAsync();
        await using (var db = Db())
        {
            await Policy(max: 1).RecordFailureAsync(db, id, "X", CancellationToken.None);
        }

        await using (var db = Db())
        {
            Assert.Equal(InboxRetryResult.Requeued, await InboxRetryPolicy.RetryAsync(db, id, CancellationToken.None));
        }

        Assert.Contains(id, await DueAsync());
        await using var check = Db();
        var row = await check.Inbox.SingleAsync(m => m.Id == id);
        Assert.Null(row.DeadAt);
        Assert.Equal(0, row.Attempts);
        Assert.Empty(await InboxRetryPolicy.DeadLetters(check).ToListAsync());
    }

    [Fact]
    public async Task Retry_OfPendingOrUnknownMessage_ChangesNothing()
    {
        var id = await StoreAsync();
        await using var db = Db();

        Assert.Equal(InboxRetryResult.NotDead, await InboxRetryPolicy.RetryAsync(db, id, CancellationToken.None));
        Assert.Equal(InboxRetryResult.NotFound, await InboxRetryPolicy.RetryAsync(db, id + 1000, CancellationToken.None));
    }
}
