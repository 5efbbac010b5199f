using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Tests.Points;

public abstract class LedgerTests(string provider) : IAsyncLifetime
{
    private readonly PointsFixture _f = new(provider: provider);

    public Task InitializeAsync() => _f.InitializeAsync();

    public Task DisposeAsync() => _f.DisposeAsync();

    [SkippableFact]
    public async Task Reconcile_EmptyLedger_IsBalanced()
    {
        var books = await _f.ReconcileAsync();

        Assert.True(books.Balanced);
        Assert.Equal((0, 0, 0L), (books.Transfers, books.Movements, books.Total));
    }

    [SkippableFact]
    public async Task Stage_WritesTwoMovementsSummingToZero_AndMovesCachedBalances()
    {
        await PostAsync("k-1", Ledger.Issuance, Ledger.PersonAccount("lihua"), 4);

        var movements = await _f.Db(db => db.LedgerMovements.OrderBy(m => m.Id).Select(m => new { m.Account, m.Amount }).ToListAsync());

        Assert.Equal([(Ledger.Issuance, -4), ("person:lihua", 4)], movements.Select(m => (m.Account, m.Amount)));
        Assert.Equal(4, await _f.PersonBalanceAsync("lihua"));
        Assert.True((await _f.ReconcileAsync()).Balanced);
    }

    [SkippableFact]
    public async Task SameIdempotencyKeyTwice_TheSecondIsRejectedByTheDatabase()
    {
        await PostAsync("approve:ticket:153", Ledger.Issuance, Ledger.PersonAccount("lihua"), 3);

        await Assert.ThrowsAsync<DbUpdateException>(() => PostAsync("approve:ticket:153", Ledger.Issuance, Ledger.PersonAccount("zhoumin"), 3));

        Assert.Equal(1, (await _f.CountsAsync()).Transfers);
        Assert.Equal(0, await _f.PersonBalanceAsync("zhoumin"));
    }

    [SkippableFact]
    public async Task TwoContextsMovingOneAccount_TheStaleOneConflictsInsteadOfLosingAnUpdate()
    {
        await PostAsync("seed", Ledger.Issuance, Ledger.PersonAccount("lihua"), 5);
        await using var first = _f.NewDb();
        await using var second = _f.NewDb();
        await new Ledger(first).StageAsync(Transfer("spend-1", Ledger.PersonAccount("lihua"), Ledger.Hold, 5));
        await new Ledger(second).StageAsync(Transfer("spend-2", Ledger.PersonAccount("lihua"), Ledger.Hold, 5));

        await first.SaveChangesAsync();
        // SQLite meets the stale version first, PostgreSQL the second insert of the hold account: both refuse.
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => second.SaveChangesAsync());

        Assert.Equal(0, await _f.PersonBalanceAsync("lihua"));
        Assert.True((await _f.ReconcileAsync()).Balanced);
    }

    [SkippableFact]
    public async Task Reconcile_DetectsATamperedCachedBalance()
    {
        await PostAsync("k-1", Ledger.Issuance, Ledger.PersonAccount("lihua"), 4);
        await _f.Db(db => db.Database.ExecuteSqlRawAsync("""UPDATE "LedgerAccounts" SET "Balance" = 40 WHERE "Id" = 'person:lihua'"""));

        var books = await _f.ReconcileAsync();

        Assert.False(books.Balanced);
        Assert.Contains("person:lihua: cached 40, movements 4", books.Problems);
    }

    [SkippableFact]
    public async Task Reconcile_DetectsAOneSidedMovement()
    {
        await PostAsync("k-1", Ledger.Issuance, Ledger.PersonAccount("lihua"), 4);
        await _f.Db(db => db.Database.ExecuteSqlRawAsync(
            """INSERT INTO "LedgerMovements" ("TransferId", "Account", "Amount", "At") SELECT "Id", 'person:lihua', 1, "At" FROM "LedgerTransfers" """));

        var books = await _f.ReconcileAsync();

        Assert.False(books.Balanced);
        Assert.Equal(1, books.Total);
        Assert.Contains(books.Problems, p => p.Contains("do not pair", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Movements_CannotBeEditedOrDeleted()
    {
        await PostAsync("k-1", Ledger.Issuance, Ledger.PersonAccount("lihua"), 4);

        // The triggers' own message, so a missing table or a typo cannot pass for immutability.
        async Task Refused(string sql) =>
            Assert.Contains("immutable", (await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => _f.Db(db => db.Database.ExecuteSqlRawAsync(sql)))).Message, StringComparison.Ordinal);
        await Refused("""UPDATE "LedgerMovements" SET "Amount" = 100""");
        await Refused("""DELETE FROM "LedgerMovements" """);
        await Refused("""UPDATE "LedgerTransfers" SET "Key" = 'x'""");

        Assert.True((await _f.ReconcileAsync()).Balanced);
        Assert.Equal(4, await _f.PersonBalanceAsync("lihua"));
    }

    [SkippableFact]
    public async Task Stage_RefusesZeroAmountsAndSelfTransfers()
    {
        await using var db = _f.NewDb();
        var ledger = new Ledger(db);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ledger.StageAsync(Transfer("z", Ledger.Issuance, Ledger.Hold, 0)));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.StageAsync(Transfer("s", Ledger.Hold, Ledger.Hold, 1)));
    }

    [SkippableFact]
    public void Config_PointsSchemeDefaults_AndSampleValues()
    {
        var sample = CommunityConfigLoader.Load(RepoPaths.CommunityYaml).Points;
        var yaml = File.ReadAllText(RepoPaths.CommunityYaml);
        var defaults = CommunityConfigLoader.Parse(yaml
            .Replace("  voucherValidDays: 30", "", StringComparison.Ordinal)
            .Replace("  duplicateReporters: none", "", StringComparison.Ordinal)).Points;
        var all = CommunityConfigLoader.Parse(yaml
            .Replace("voucherValidDays: 30", "voucherValidDays: 7", StringComparison.Ordinal)
            .Replace("duplicateReporters: none", "duplicateReporters: all", StringComparison.Ordinal)).Points;

        Assert.Equal((30, DuplicateReporters.None, 10), (sample.VoucherValidDays, sample.DuplicateReporters, sample.DailyCapPerPerson));
        Assert.Equal((30, DuplicateReporters.None), (defaults.VoucherValidDays, defaults.DuplicateReporters));
        Assert.Equal((7, DuplicateReporters.All), (all.VoucherValidDays, all.DuplicateReporters));
    }

    [SkippableTheory]
    [InlineData("duplicateReporters: none", "duplicateReporters: some", "points.duplicateReporters: must be none or all")]
    [InlineData("voucherValidDays: 30", "voucherValidDays: 0", "points.voucherValidDays: must be positive")]
    public void Config_BadPointsKeys_NameTheKey(string find, string replace, string expected)
    {
        var yaml = File.ReadAllText(RepoPaths.CommunityYaml).Replace(find, replace, StringComparison.Ordinal);

        var error = Assert.Throws<CommunityConfigException>(() => CommunityConfigLoader.Parse(yaml));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    private static TransferRequest Transfer(string key, string from, string to, int amount) =>
        new(from, to, amount, TransferKinds.Task("test"), key, "test", "test", PointsFixture.Start);

    private async Task PostAsync(string key, string from, string to, int amount)
    {
        await using var db = _f.NewDb();
        await new Ledger(db).StageAsync(Transfer(key, from, to, amount));
        await db.SaveChangesAsync();
    }
}

public sealed class SqliteLedgerTests() : LedgerTests(GuanjiaStorage.SqliteName);

public sealed class PostgresLedgerTests() : LedgerTests(GuanjiaStorage.PostgresName);
