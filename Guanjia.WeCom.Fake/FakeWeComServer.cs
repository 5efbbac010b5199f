using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guanjia.WeCom.Fake;

/// <summary>A <see cref="FakeWeCom"/> served by Kestrel on a free loopback port.</summary>
public sealed class FakeWeComServer : FakeWeCom, IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeWeComServer(WebApplication app, string corpId, string secret, int agentId, TimeProvider? timeProvider)
        : base(corpId, secret, agentId, timeProvider)
    {
        _app = app;
    }

    /// <summary>Base address the server is bound to, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress => PublicBaseAddress;

    public static async Task<FakeWeComServer> StartAsync(string corpId = DefaultCorpId, string secret = DefaultSecret, int agentId = DefaultAgentId, TimeProvider? timeProvider = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeWeComServer(app, corpId, secret, agentId, timeProvider);
        server.MapEndpoints(app);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.PublicBaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
