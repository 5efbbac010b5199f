using System.Collections.Concurrent;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.Fake;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Guanjia.WeCom.Tests.Api;

/// <summary>A fake WeCom on loopback plus a service provider wired with AddWeComApi against it.</summary>
internal sealed class WeComTestHost : IAsyncDisposable
{
    private WeComTestHost(FakeWeComServer fake, ServiceProvider services, CapturingLoggerProvider logs)
    {
        Fake = fake;
        Services = services;
        Logs = logs;
    }

    public FakeWeComServer Fake { get; }

    public ServiceProvider Services { get; }

    public CapturingLoggerProvider Logs { get; }

    public WeComApiClient Api => Services.GetRequiredService<WeComApiClient>();

    public WeComWebhookClient Webhook => Services.GetRequiredService<WeComWebhookClient>();

    public WeComBotClient Bot => Services.GetRequiredService<WeComBotClient>();

    public static async Task<WeComTestHost> StartAsync(Dictionary<string, string?>? overrides = null, TimeProvider? timeProvider = null)
    {
        var fake = await FakeWeComServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["WeCom:ApiBaseUrl"] = fake.BaseAddress.ToString(),
            ["WeCom:CorpId"] = fake.CorpId,
            ["WeCom:Secret"] = fake.Secret,
            ["WeCom:AgentId"] = fake.AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        if (timeProvider is not null)
        {
            services.TryAddSingleton(timeProvider);
        }

        services.AddWeComApi(configuration);
        return new WeComTestHost(fake, services.BuildServiceProvider(), logs);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Fake.DisposeAsync();
    }
}

internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{category} [{eventId.Id}] {formatter(state, exception)} {exception}");
    }
}
