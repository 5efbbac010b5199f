using Guanjia.Core.Triage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guanjia.Bot.Tests.Operations;

/// <summary>The start-up garbage (model and dictionary loading) is collected once the triage model is ready.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xUnit disposes the factory through IAsyncLifetime.")]
public sealed class StartupMemoryTests : IAsyncLifetime
{
    private const string Released = "[1190]";

    private readonly GuanjiaFactory _factory = new();
    private readonly CapturingLoggerProvider _logs = new();

    public Task InitializeAsync() => _factory.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_factory).DisposeAsync();

    [Fact]
    public async Task Start_OnceTheTriageModelIsReady_CollectsTheStartUpGarbageOnce()
    {
        using var host = _factory.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(_logs))));
        _ = host.CreateClient();

        await host.Services.GetRequiredService<TicketTriage>().WhenReady;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!_logs.Lines.Any(l => l.Contains(Released, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the start-up collection was not logged in time");
            await Task.Delay(50);
        }

        var line = Assert.Single(_logs.Lines, l => l.Contains(Released, StringComparison.Ordinal));
        Assert.Contains("GC heap committed", line, StringComparison.Ordinal);
    }
}
