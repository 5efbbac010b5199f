using System.Net;
using System.Net.Sockets;
using Guanjia.Bot.Sandbox;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Bot.Tests.Sandbox;

/// <summary>
/// The service in sandbox mode (no WeCom credentials) on a real Kestrel port: the fake WeCom is
/// hosted inside it and every callback, image download and reply goes over real HTTP.
/// </summary>
public sealed class SandboxFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "guanjia-sandbox-tests", Guid.NewGuid().ToString("N"));

    public SandboxFactory()
    {
        Port = FreePort();
        UseKestrel(Port);
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public string KeysFile => Path.Combine(_dir, "sandbox.json");

    public SandboxKeys Keys => Services.GetRequiredService<SandboxState>().Keys;

    public Task InitializeAsync()
    {
        StartServer();
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A client for the real server (not the in-memory test handler).</summary>
    public HttpClient RealClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_dir);
        builder.UseContentRoot(GuanjiaFactory.RepoRoot);
        builder.UseSetting("urls", BaseAddress.ToString().TrimEnd('/'));
        builder.UseSetting("Metrics:MeterName", "Guanjia.test-" + Guid.NewGuid().ToString("N"));
        builder.UseSetting("ConnectionStrings:Guanjia", $"Data Source={Path.Combine(_dir, "guanjia.db")}");
        builder.UseSetting("Media:Root", Path.Combine(_dir, "media"));
        builder.UseSetting("Sandbox:File", KeysFile);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
