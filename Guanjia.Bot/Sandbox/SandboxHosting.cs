using System.Net;
using System.Net.Sockets;
using Guanjia.WeCom.Fake;
using Guanjia.WeCom.Fake.LongConnection;

namespace Guanjia.Bot.Sandbox;

/// <summary>What sandbox mode runs with: the generated keys, the in-process fake WeCom and the service's own address.</summary>
internal sealed record SandboxState(SandboxKeys Keys, FakeWeCom WeCom, Uri BaseAddress, bool OnLoopback, string KeysFile, FakeLongConnection? Bot = null);

/// <summary>
/// Sandbox mode: with no WeCom credentials configured, the service hosts a fake WeCom under
/// /sandbox/wecom, points its API client there, uses generated callback keys and serves the chat
/// simulator at /sandbox. With credentials none of this exists.
/// </summary>
internal static partial class SandboxHosting
{
    public const string FakePrefix = "/sandbox/wecom";

    /// <summary>Where the fake long-connection endpoint listens inside the service.</summary>
    public const string LongConnectionPath = "/sandbox/wecom/ws";
    private const string DefaultUrls = "http://localhost:5000";

    private static readonly string[] CredentialKeys = ["WeCom:CorpId", "WeCom:Secret", "WeCom:Token", "WeCom:Bot:Token", "WeCom:Bot:Secret"];

    /// <summary>No WeCom credentials at all: the sandbox, or (outside Development) a refusal to start.</summary>
    public static bool HasNoCredentials(IConfiguration configuration) =>
        CredentialKeys.All(k => string.IsNullOrWhiteSpace(configuration[k]));

    /// <summary>The sandbox runs only on purpose: in Development (what `dotnet run` uses) or with Sandbox:Enabled=true.</summary>
    public static bool IsWanted(IConfiguration configuration, IHostEnvironment environment) =>
        HasNoCredentials(configuration) && (environment.IsDevelopment() || configuration.GetValue<bool>("Sandbox:Enabled"));

    public static WebApplicationBuilder AddSandbox(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (!HasNoCredentials(configuration))
        {
            return builder;
        }

        if (!IsWanted(configuration, builder.Environment))
        {
            // A published service without credentials must not quietly open a fake WeCom and /sandbox/api.
            throw new Microsoft.Extensions.Options.OptionsValidationException("WeCom", typeof(SandboxState),
            [
                $"No WeCom credentials are set and the environment is {builder.Environment.EnvironmentName}. " +
                "Set WeCom:CorpId, WeCom:Secret, WeCom:AgentId, WeCom:Token, WeCom:EncodingAesKey and WeCom:Bot:Token, WeCom:Bot:EncodingAesKey, WeCom:Bot:Id " +
                "(as environment variables WeCom__CorpId=…), or set Sandbox:Enabled=true to run the sandbox on purpose.",
            ]);
        }

        var file = Path.GetFullPath(configuration["Sandbox:File"] ?? "data/sandbox.json", builder.Environment.ContentRootPath);
        var keys = SandboxKeys.LoadOrCreate(file);
        var urls = configuration["urls"] is { Length: > 0 } configured ? configured : DefaultUrls;
        if (urls.Split(';').Any(u => u.EndsWith(":0", StringComparison.Ordinal) || u.EndsWith(":0/", StringComparison.Ordinal)))
        {
            // The fake's URLs must be known before the server starts, so choose the free port now.
            urls = string.Join(';', urls.Split(';').Select(u => u.TrimEnd('/').EndsWith(":0", StringComparison.Ordinal) ? u.TrimEnd('/')[..^1] + FreePort() : u));
            builder.WebHost.UseUrls(urls);
        }

        var (baseAddress, onLoopback) = ParseUrls(urls);
        var fake = new FakeWeCom(keys.CorpId, keys.Secret, keys.AgentId) { PublicBaseAddress = new Uri(baseAddress, FakePrefix.TrimStart('/') + "/") };
        var apiKeys = configuration.GetSection("Api:Keys").Get<string[]>() ?? [];
        // By default the sandbox's bot also holds a long connection to the fake WeCom inside the service, so groups
        // get cards with buttons as they would with a real tenant in that mode (Sandbox:LongConnection=false: webhook only).
        var longConnection = configuration.GetValue("Sandbox:LongConnection", true);
        var bot = longConnection ? new FakeLongConnection(SandboxCallbacks.BotId, "sandbox-" + keys.BotToken) : null;
        var socket = new UriBuilder(baseAddress) { Scheme = baseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = LongConnectionPath }.Uri;
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WeCom:Bot:Mode"] = longConnection ? "LongConnection" : "Webhook",
            ["WeCom:Bot:Secret"] = bot?.Secret,
            ["WeCom:Bot:WebSocketUrl"] = longConnection ? socket.ToString() : null,
            ["WeCom:ApiBaseUrl"] = fake.PublicBaseAddress.ToString(),
            ["WeCom:CorpId"] = keys.CorpId,
            ["WeCom:Secret"] = keys.Secret,
            ["WeCom:AgentId"] = keys.AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WeCom:Token"] = keys.AppToken,
            ["WeCom:EncodingAesKey"] = keys.AppEncodingAesKey,
            ["WeCom:Bot:Token"] = keys.BotToken,
            ["WeCom:Bot:EncodingAesKey"] = keys.BotEncodingAesKey,
            ["WeCom:Bot:Id"] = SandboxCallbacks.BotId,
            [$"Api:Keys:{apiKeys.Length}"] = keys.ApiKey,
        });

        builder.Services.AddSingleton(new SandboxState(keys, fake, baseAddress, onLoopback, file, bot));
        builder.Services.AddSingleton(fake);
        builder.Services.AddSingleton(sp => new SandboxChats(sp.GetRequiredService<Guanjia.Core.Community.CommunityConfig>()));
        builder.Services.AddSingleton<SandboxTimeline>();
        builder.Services.AddHttpClient(SandboxEndpoints.SelfClient).RemoveAllLoggers();
        return builder;
    }

    public static WebApplication MapSandbox(this WebApplication app)
    {
        if (app.Services.GetService<SandboxState>() is not { } state)
        {
            return app;
        }

        state.WeCom.MapEndpoints(app.MapGroup(FakePrefix));
        if (state.Bot is { } bot)
        {
            app.UseWebSockets();
            bot.MapEndpoints(app, LongConnectionPath);
        }

        app.MapSandboxEndpoints();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Guanjia.Sandbox");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            LogSandbox(logger, state.BaseAddress, state.KeysFile);
            if (state.OnLoopback)
            {
                LogApiKey(logger, state.Keys.ApiKey);
            }
        });
        return app;
    }

    /// <summary>The first URL as a loopback base address, and whether every URL is bound to loopback only.</summary>
    internal static (Uri BaseAddress, bool OnLoopback) ParseUrls(string urls)
    {
        var parsed = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => u.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal))
            .Select(u => new Uri(u))
            .ToList();
        var onLoopback = parsed.All(u => u.IsLoopback);
        var first = parsed[0];
        var host = first.IsLoopback && first.HostNameType != UriHostNameType.IPv6 || IsWildcard(first) ? "127.0.0.1" : first.Host;
        return (new UriBuilder(first.Scheme, host, first.Port, "/").Uri, onLoopback);
    }

    private static bool IsWildcard(Uri uri) =>
        IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning,
        Message = "沙盒模式：未配置企业微信凭据，使用内置的模拟企业微信，打开 {BaseAddress}sandbox 体验 / Sandbox mode: no WeCom credentials, using the built-in fake WeCom; open {BaseAddress}sandbox (keys in {KeysFile})")]
    private static partial void LogSandbox(ILogger logger, Uri baseAddress, string keysFile);

    // A generated key for a fake tenant, printed on loopback only so a newcomer can open the dashboard.
    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "沙盒看板密钥 / Sandbox dashboard API key: {ApiKey}")]
    private static partial void LogApiKey(ILogger logger, string apiKey);
}
