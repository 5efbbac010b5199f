using Guanjia.Bot.Cards;
using Guanjia.Bot.LongConnection;
using Guanjia.Core.Intake;
using Guanjia.Core.Storage;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.Fake.LongConnection;
using Guanjia.WeCom.LongConnection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.Bot.Tests.LongConnection;

/// <summary>
/// Two instances competing for the bot's connection on one database, on one fake clock: the lease moves, and an
/// instance that lost it takes it again once it is free, without a restart.
/// </summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class LeaseTakeoverTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly GuanjiaFactory _factory = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FakeLongConnectionServer _server = null!;

    public async Task InitializeAsync()
    {
        await _factory.InitializeAsync();
        _server = await FakeLongConnectionServer.StartAsync();
        _ = _factory.Server;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await ((IAsyncLifetime)_factory).DisposeAsync();
    }

    [Fact]
    public async Task LostLease_IsCompetedForAgainAfterItRunsOut_WithoutARestart()
    {
        var storage = _factory.Services.GetRequiredService<GuanjiaStorage>();
        var (a, connectionA) = Instance(storage);
        var (b, connectionB) = Instance(GuanjiaStorage.For(storage.Provider, storage.ConnectionString, GuanjiaFactory.RepoRoot));
        await a.StartAsync(CancellationToken.None);
        await UntilAsync(() => connectionA.IsAuthenticated);
        await b.StartAsync(CancellationToken.None);

        // The lease is taken from under A (its renewals failed and another holder came and went): A closes its connection
        // at its next check, and nobody can have the lease until it runs out.
        var leaseRunsOut = _time.GetUtcNow() + LongConnectionService.LeaseDuration;
        await SetLeaseAsync("instance-that-crashed", leaseRunsOut);
        _time.Advance(LongConnectionService.LeaseCheck);
        await UntilAsync(() => !connectionA.IsAuthenticated && !_server.IsSubscribed);
        Assert.False(connectionB.IsAuthenticated);

        // Once it has run out, one of them holds it again (A, which lost it, competes like B).
        await AdvanceUntilConnectedAsync();
        await UntilAsync(() => connectionA.IsAuthenticated ^ connectionB.IsAuthenticated);
        Assert.True(_time.GetUtcNow() >= leaseRunsOut, "Nobody may hold the lease before it runs out.");
        Assert.Equal(2, _server.Subscriptions);

        // The holder stops (its lease released): the other takes over at its next check.
        var aTookItBack = connectionA.IsAuthenticated;
        var (holder, other) = aTookItBack ? (a, connectionB) : (b, connectionA);
        await holder.StopAsync(CancellationToken.None);
        await AdvanceUntilConnectedAsync();
        await UntilAsync(() => other.IsAuthenticated);
        Assert.Equal(3, _server.Subscriptions);
        Assert.True(aTookItBack || connectionA.IsAuthenticated, "A, which lost the lease first, held the connection again.");

        await (holder == a ? b : a).StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task KickedConnection_DoesNotReconnectAtOnce_ButCompetesAgainOnceTheLeaseHasRunOut()
    {
        var (service, connection) = Instance(_factory.Services.GetRequiredService<GuanjiaStorage>());
        await service.StartAsync(CancellationToken.None);
        await UntilAsync(() => connection.IsAuthenticated);

        // A newer connection for the same bot (another deployment, a developer's laptop) took over.
        await _server.KickAsync();
        await UntilAsync(() => !connection.IsAuthenticated);
        _time.Advance(LongConnectionService.LeaseCheck);
        await Task.Delay(200);
        Assert.Equal(1, _server.Subscriptions);

        _time.Advance(LongConnectionService.LeaseDuration);
        await Task.Delay(100);
        _time.Advance(LongConnectionService.LeaseCheck);
        await UntilAsync(() => connection.IsAuthenticated);
        Assert.Equal(2, _server.Subscriptions);

        await service.StopAsync(CancellationToken.None);
    }

    private (LongConnectionService Service, WeComLongConnection Connection) Instance(GuanjiaStorage storage)
    {
        var services = _factory.Services;
        var connection = new WeComLongConnection(
            new LongConnectionSettings { Url = _server.Url, BotId = _server.BotId, Secret = _server.Secret }, _time);
        var service = new LongConnectionService(
            connection,
            services.GetRequiredService<InboxWriter>(),
            services.GetRequiredService<CardClickHandler>(),
            services.GetRequiredService<IOptions<WeComOptions>>(),
            services.GetRequiredService<IServiceScopeFactory>(),
            storage,
            _time,
            NullLogger<LongConnectionService>.Instance);
        return (service, connection);
    }

    private Task<int> SetLeaseAsync(string holder, DateTimeOffset until) =>
        _factory.WithDbAsync(db => db.OutboxLeases
            .Where(l => l.Target == GuanjiaStorage.LeasePrefix + LongConnectionService.LeaseName)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.Until, until)));

    // Moves the clock one lease check at a time, giving the instances' loops a moment between steps, until an
    // instance opens a connection (a fixed number of steps could outrun a loop still busy on a loaded machine);
    // then the clock stands still, so the handshake is not timed out by the test moving it.
    private async Task AdvanceUntilConnectedAsync()
    {
        var before = _server.Connections;
        var deadline = DateTime.UtcNow + Wait;
        while (_server.Connections == before)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("No instance connected in time.");
            }

            _time.Advance(LongConnectionService.LeaseCheck);
            await Task.Delay(100);
        }
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The instances did not reach the expected state in time.");
            }

            await Task.Delay(20);
        }
    }
}
