using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Guanjia.Core.Storage;
using Guanjia.Core.Tests.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.Core.Tests.Points;

/// <summary>
/// A migrated database (SQLite in memory held open, or a fresh PostgreSQL one: <see cref="TestDatabase"/>), the sample community, and a fake clock at
/// 2026-11-02 09:00 street time. Each operation runs on a fresh context, as each command would.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed by IAsyncLifetime.DisposeAsync, which xunit calls.")]
public sealed class PointsFixture : IAsyncLifetime
{
    private readonly string _provider;
    private TestDatabase? _database;

    public PointsFixture(Func<CommunityConfig, CommunityConfig>? adjust = null, string provider = GuanjiaStorage.SqliteName)
    {
        _provider = provider;
        var config = CommunityConfigLoader.Load(RepoPaths.CommunityYaml);
        Config = adjust is null ? config : adjust(config);
        Street = StreetCalendar.For(Config);
    }

    public static DateTimeOffset Start { get; } = new(2026, 11, 2, 1, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);

    public CommunityConfig Config { get; }

    public StreetCalendar Street { get; }

    public Person Chenjing => Person("chenjing");   // secretary of wuhuashan
    public Person Liuyang => Person("liuyang");     // secretary of cuihu
    public Person Zhaolei => Person("zhaolei");     // admin
    public Person Lihua => Person("lihua");         // steward, wuhuashan
    public Person Zhoumin => Person("zhoumin");     // steward, wuhuashan
    public Person Wanggang => Person("wanggang");   // steward, wuhuashan
    public Person Yangfang => Person("yangfang");   // steward, cuihu

    /// <summary>A merchant member: not in the people list, so no roles.</summary>
    public static Person Merchant(string userId) => new(userId, userId, [], null, []);

    public Person Person(string userId) => Config.FindPerson(userId) ?? throw new ArgumentException(userId);

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(_provider);

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    public GuanjiaDbContext NewDb() => (_database ?? throw new InvalidOperationException("InitializeAsync first.")).NewDb();

    /// <summary>Runs one points operation on a fresh context, as one command would.</summary>
    public async Task<T> Points<T>(Func<PointsFeatures, Task<T>> action)
    {
        await using var db = NewDb();
        return await action(new PointsFeatures(new PointsBook(db, Config, Street, Time)));
    }

    public async Task<T> Settle<T>(Func<Settlement, Task<T>> action)
    {
        await using var db = NewDb();
        return await action(new Settlement(db, Config, Street, Time));
    }

    public async Task<T> Db<T>(Func<GuanjiaDbContext, Task<T>> query)
    {
        await using var db = NewDb();
        return await query(db);
    }

    public Task<int> BalanceAsync(string account) => Db(db => new Ledger(db).BalanceAsync(account));

    public Task<int> PersonBalanceAsync(string userId) => BalanceAsync(Ledger.PersonAccount(userId));

    public Task<LedgerReconciliation> ReconcileAsync() => Db(db => new Ledger(db).ReconcileAsync());

    /// <summary>Rows of every points table: a refused action must leave them all unchanged.</summary>
    public Task<(int Transfers, int Movements, int Vouchers, int Reviews, int Statements, long BalanceSum)> CountsAsync() =>
        Db(async db => (
            await db.LedgerTransfers.CountAsync(),
            await db.LedgerMovements.CountAsync(),
            await db.Vouchers.CountAsync(),
            await db.ReportReviews.CountAsync(),
            await db.MerchantStatements.CountAsync(),
            (long)await db.LedgerAccounts.SumAsync(a => Math.Abs(a.Balance))));

    public async Task<Ticket> AddTicketAsync(
        string reporter, string category = "fire", string community = "wuhuashan", ulong[]? photoHashes = null,
        TicketStatus status = TicketStatus.Dispatched, int? mergedInto = null)
    {
        await using var db = NewDb();
        var ticket = new Ticket
        {
            Status = mergedInto is null ? status : TicketStatus.Merged,
            Category = category,
            Community = community,
            Department = "chuncheng",
            Reporter = reporter,
            Text = "74号院楼道灭火器过期",
            Conversation = "wrkSFfCgAAwuhuashan",
            CreatedAt = Time.GetUtcNow(),
            DueAt = Time.GetUtcNow().AddDays(1),
            MergedInto = mergedInto,
        };
        foreach (var (hash, i) in (photoHashes ?? []).Select((h, i) => (h, i)))
        {
            ticket.Photos.Add(new TicketPhoto
            {
                PhotoId = $"photo-{Guid.NewGuid():N}-{i}",
                Stage = "before",
                Width = 1600,
                Height = 1200,
                PerceptualHash = unchecked((long)hash),
                CreatedAt = Time.GetUtcNow(),
            });
        }

        db.Tickets.Add(ticket);
        await db.SaveChangesAsync();
        Time.Advance(TimeSpan.FromMinutes(1));
        return ticket;
    }

    public async Task SetStatusAsync(int number, TicketStatus status, int? mergedInto = null)
    {
        await using var db = NewDb();
        var ticket = await db.Tickets.SingleAsync(t => t.Number == number);
        ticket.Status = status;
        ticket.MergedInto = mergedInto ?? ticket.MergedInto;
        await db.SaveChangesAsync();
    }
}

/// <summary>Every points feature on one book, under the names the tests read best.</summary>
public sealed class PointsFeatures(PointsBook book)
{
    public ReportPoints Reports { get; } = new(book);

    public TaskPoints Tasks { get; } = new(book);

    public Patrols Patrols { get; } = new(book);

    public VoucherDesk Vouchers { get; } = new(book);

    public BalanceView Balance { get; } = new(book);

    public Logbook Logbook { get; } = new(book);

    public Task<PointsReply> ApproveReportAsync(Person actor, int number) => Reports.ApproveReportAsync(actor, number);

    public Task<PointsReply> RefuseReportAsync(Person actor, int number) => Reports.RefuseReportAsync(actor, number);

    public Task<PointsReply> ReverseTicketAsync(int number, string by) => Reports.ReverseTicketAsync(number, by);

    public Task<PointsReply> AwardAsync(Person actor, string? person, string? task, string? note, string? requestId = null) =>
        Tasks.AwardAsync(actor, person, task, note, requestId);

    public Task<PointsReply> IssueVoucherAsync(Person actor, int points, string? requestId = null) => Vouchers.IssueVoucherAsync(actor, points, requestId);

    public Task<PointsReply> RedeemAsync(Person actor, string? code) => Vouchers.RedeemAsync(actor, code);

    public Task<int> ExpireVouchersAsync() => Vouchers.ExpireVouchersAsync();

    public Task<PointsReply> ShowAsync(Person actor, string? person) => Balance.ShowAsync(actor, person);

    /// <summary>A location message at the compound's own point (well within the radius).</summary>
    public Task<PointsReply> PatrolAtAsync(Person actor, Compound compound, string? requestId = null) =>
        Patrols.RecordLocationAsync(actor, compound.Location!.Value.Latitude, compound.Location.Value.Longitude, requestId ?? $"app:{Guid.NewGuid():N}");
}
