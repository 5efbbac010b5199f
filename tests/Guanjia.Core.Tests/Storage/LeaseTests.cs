using Guanjia.Core.Storage;

namespace Guanjia.Core.Tests.Storage;

/// <summary>A named lease (the bot's long connection): one holder at a time, taken over once it runs out.</summary>
public sealed class LeaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    [SkippableTheory]
    [InlineData(GuanjiaStorage.SqliteName)]
    [InlineData(GuanjiaStorage.PostgresName)]
    public async Task Lease_IsHeldByOneInstance_RenewedByIt_AndTakenOverOnlyAfterItRunsOut(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var first = GuanjiaStorage.For(provider, database.ConnectionString, Path.GetTempPath());
        var second = GuanjiaStorage.For(provider, database.ConnectionString, Path.GetTempPath());

        async Task<bool> HoldAsync(GuanjiaStorage who, DateTimeOffset at)
        {
            await using var db = database.NewDb();
            return await who.HoldLeaseAsync(db, "bot", at, Duration, CancellationToken.None);
        }

        Assert.True(await HoldAsync(first, Now));
        Assert.False(await HoldAsync(second, Now.AddSeconds(1)));
        Assert.True(await HoldAsync(first, Now.AddSeconds(10)));
        // Renewed at +10 s: still the first's at +39 s, free at +40 s.
        Assert.False(await HoldAsync(second, Now.AddSeconds(39)));
        Assert.True(await HoldAsync(second, Now.AddSeconds(40)));
        Assert.False(await HoldAsync(first, Now.AddSeconds(41)));
    }

    [SkippableTheory]
    [InlineData(GuanjiaStorage.SqliteName)]
    [InlineData(GuanjiaStorage.PostgresName)]
    public async Task ReleasedLease_IsFreeAtOnce(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var first = GuanjiaStorage.For(provider, database.ConnectionString, Path.GetTempPath());
        var second = GuanjiaStorage.For(provider, database.ConnectionString, Path.GetTempPath());
        await using (var db = database.NewDb())
        {
            Assert.True(await first.HoldLeaseAsync(db, "bot", Now, Duration, CancellationToken.None));
            await first.ReleaseLeaseAsync(db, "bot", Now.AddSeconds(1), CancellationToken.None);
        }

        await using var again = database.NewDb();
        Assert.True(await second.HoldLeaseAsync(again, "bot", Now.AddSeconds(1), Duration, CancellationToken.None));
    }
}
