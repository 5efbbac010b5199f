using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guanjia.WeCom.Fake.LongConnection;

/// <summary>A <see cref="FakeLongConnection"/> served by Kestrel on a free loopback port.</summary>
public sealed class FakeLongConnectionServer : FakeLongConnection, IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeLongConnectionServer(WebApplication app, string botId, string secret)
        : base(botId, secret)
    {
        _app = app;
    }

    /// <summary>The address to dial, e.g. <c>ws://127.0.0.1:41234/</c> (what <c>WeCom:Bot:WebSocketUrl</c> takes).</summary>
    public Uri Url { get; private set; } = new("ws://127.0.0.1/");

    public static async Task<FakeLongConnectionServer> StartAsync(string botId = DefaultBotId, string secret = DefaultSecret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseWebSockets();
        var server = new FakeLongConnectionServer(app, botId, secret);
        server.MapEndpoints(app);
        await app.StartAsync();

        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.Url = new UriBuilder(address) { Scheme = "ws", Path = "/" }.Uri;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
