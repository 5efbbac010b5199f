using System.Threading.Channels;
using Guanjia.WeCom.Fake.LongConnection;
using Guanjia.WeCom.LongConnection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.WeCom.Tests.LongConnection;

/// <summary>A client on a fake clock dialling a fake server on loopback; statuses read in order.</summary>
internal sealed class LongConnectionHarness : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly Channel<LongConnectionStatus> _statuses = Channel.CreateUnbounded<LongConnectionStatus>();
    private readonly Channel<bool> _pongs = Channel.CreateUnbounded<bool>();
    private readonly CancellationTokenSource _stop = new();

    private LongConnectionHarness(FakeLongConnectionServer server, string secret)
    {
        Server = server;
        Client = new WeComLongConnection(
            new LongConnectionSettings { Url = server.Url, BotId = server.BotId, Secret = secret },
            Time,
            new ListLogger<WeComLongConnection>(Logs));
        Client.StatusChanged += s => _statuses.Writer.TryWrite(s);
        Client.PongReceived += () => _pongs.Writer.TryWrite(true);
    }

    public FakeLongConnectionServer Server { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 1, 0, 0, TimeSpan.Zero));

    public WeComLongConnection Client { get; }

    public List<(LogLevel Level, string Message)> Logs { get; } = [];

    public Task<LongConnectionStopReason>? Run { get; private set; }

    public static async Task<LongConnectionHarness> StartAsync(Action<FakeLongConnectionServer>? arrange = null, string? secret = null, bool run = true)
    {
        var server = await FakeLongConnectionServer.StartAsync();
        arrange?.Invoke(server);
        var harness = new LongConnectionHarness(server, secret ?? server.Secret);
        if (run)
        {
            harness.Run = harness.Client.RunAsync(harness._stop.Token);
        }

        return harness;
    }

    /// <summary>The next status in <paramref name="state"/>, skipping others.</summary>
    public async Task<LongConnectionStatus> NextAsync(LongConnectionState state)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var status = await _statuses.Reader.ReadAsync(timeout.Token);
            if (status.State == state)
            {
                return status;
            }
        }
    }

    public async Task NextPongAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await _pongs.Reader.ReadAsync(timeout.Token);
    }

    public async Task<LongConnectionCallback> NextCallbackAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await Client.Callbacks.ReadAsync(timeout.Token);
    }

    public Task<LongConnectionStopReason> Stopped() => Run!.WaitAsync(Patience);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (Run is not null)
        {
            await Run.WaitAsync(Patience);
        }

        await Server.DisposeAsync();
        _stop.Dispose();
    }
}

internal sealed class ListLogger<T>(List<(LogLevel Level, string Message)> entries) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (entries)
        {
            entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
