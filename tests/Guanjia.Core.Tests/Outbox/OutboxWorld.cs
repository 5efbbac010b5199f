using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Operations;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Guanjia.Core.Tests.Outbox;

/// <summary>
/// The outbox rules over a migrated in-memory SQLite database, the repository's community file, a fake
/// clock and a mocked transport whose answers each test scripts.
/// </summary>
internal sealed class OutboxWorld : IDisposable
{
    public const string StreetRobot = "5f2c0d3e-0000-4000-8000-000000000010";
    public const string WuhuashanRobot = "5f2c0d3e-0000-4000-8000-000000000001";
    public const string SanitationRobot = "5f2c0d3e-0000-4000-8000-000000000011";
    public const string FireRobot = "5f2c0d3e-0000-4000-8000-000000000016";
    public const string WuhuashanGroup = "wrkSFfCgAAwuhuashan";
    public const string ResponseUrl = "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=abc";

    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly Queue<OutboxSendResult> _script = new();

    public OutboxWorld()
    {
        Config = CommunityConfigLoader.Parse(File.ReadAllText(RepoPaths.CommunityYaml));
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        Pacing = new OutboxPacing(Options, Time);
        Metrics = new GuanjiaMetrics(time: Time);
        _connection.Open();
        using var db = NewDb();
        db.Database.Migrate();
        Transport
            .Setup(t => t.SendAsync(It.IsAny<OutboxMessage>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((OutboxMessage m, CancellationToken _) =>
            {
                Sent.Add((m.Channel, m.Target, m.Kind, m.Content, m.Key));
                return _script.Count > 0 ? _script.Dequeue() : OutboxSendResult.Ok;
            });
        Transport
            .Setup(t => t.CanSend(It.IsAny<OutboxChannel>()))
            .Returns((OutboxChannel c) => BotConnected || c is not (OutboxChannel.BotReply or OutboxChannel.BotChat));
    }

    /// <summary>Whether this instance holds the bot's long connection (the bot's channels can be sent on).</summary>
    public bool BotConnected { get; set; } = true;

    public CommunityConfig Config { get; }
    public FakeTimeProvider Time { get; }
    public OutboxOptions Options { get; } = new();
    public OutboxPacing Pacing { get; }
    public GuanjiaMetrics Metrics { get; }
    public Mock<IOutboxTransport> Transport { get; } = new(MockBehavior.Strict);

    /// <summary>Every call the transport received, in order.</summary>
    public List<(OutboxChannel Channel, string Target, OutboxKind Kind, string Content, string Key)> Sent { get; } = [];

    public GuanjiaDbContext NewDb() =>
        new(new DbContextOptionsBuilder<GuanjiaDbContext>().UseSqlite(_connection).Options);

    /// <summary>The next sends answer these, in order; after them every send succeeds.</summary>
    public void Answer(params OutboxSendResult[] results)
    {
        foreach (var result in results)
        {
            _script.Enqueue(result);
        }
    }

    public static OutboxSendResult Fail(OutboxFailure failure, int code) => new(failure, code);

    /// <summary>One pass of the dispatcher with a fresh context, as each pass of the host has its own scope.</summary>
    public async Task<int> PassAsync()
    {
        await using var db = NewDb();
        var dispatcher = new OutboxDispatcher(db, Transport.Object, Pacing, Options, Config, Metrics, Time, NullLogger<OutboxDispatcher>.Instance);
        return await dispatcher.SendDueAsync(CancellationToken.None);
    }

    /// <summary>Writes messages as the Core services do, in one unit of work.</summary>
    public void Write(Action<OutboxWriter> write)
    {
        using var db = NewDb();
        write(new OutboxWriter(db, Time));
        db.SaveChanges();
    }

    public void ToRobot(string key, string robot, string content = "内容", int? ticket = null) =>
        Write(w => w.ToRobot(key, robot, OutboxKind.Markdown, content, ticket));

    public void ToDepartment(string key, string department, bool urgent = false, int? ticket = null) =>
        Write(w => w.ToDepartment(key, Config.FindDepartment(department)!, OutboxKind.Markdown, $"派单 {key}", ticket, urgent: urgent));

    public void Reply(string key, string responseUrl = ResponseUrl, string? chatId = WuhuashanGroup, DateTimeOffset? receivedAt = null) =>
        Write(w => w.Reply(key, new IncomingMessage
        {
            Channel = IncomingChannel.Bot,
            MessageId = "msg-" + key,
            SenderId = "lihua",
            ChatId = chatId,
            ResponseUrl = responseUrl,
            ReceivedAt = receivedAt ?? Time.GetUtcNow(),
        }, "已受理 #7", ticket: 7));

    /// <summary>A reply to a message that came over the long connection, on its req_id.</summary>
    public void BotReply(string key, string reqId, string? chatId = WuhuashanGroup) =>
        Write(w => w.Reply(key, new IncomingMessage
        {
            Channel = IncomingChannel.Bot,
            MessageId = "msg-" + key,
            SenderId = "lihua",
            ChatId = chatId,
            ReplyReqId = reqId,
            ReceivedAt = Time.GetUtcNow(),
        }, "已受理 #7", ticket: 7));

    public OutboxMessage Row(string key)
    {
        using var db = NewDb();
        return db.Outbox.AsNoTracking().Single(m => m.Key == key);
    }

    public List<OutboxMessage> Rows()
    {
        using var db = NewDb();
        return db.Outbox.AsNoTracking().OrderBy(m => m.Id).ToList();
    }

    public void Dispose()
    {
        Metrics.Dispose();
        _connection.Dispose();
    }
}
