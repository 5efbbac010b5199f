using System.Text.Json;
using Guanjia.Core.Commands;
using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Outbox;
using Guanjia.Core.Photos;
using Guanjia.Core.Storage;
using Guanjia.Core.Tests.Photos;
using Guanjia.Core.Tickets;
using Guanjia.Core.Triage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SixLabors.ImageSharp;

namespace Guanjia.Core.Tests.Commands;

/// <summary>
/// Drives <see cref="IntakeProcessor"/> (and through it the commands) on a real SQLite database
/// held open in memory, with the shipped community file and a fake clock.
/// </summary>
public sealed class CommandHarness : IAsyncDisposable
{
    public const string Wuhuashan = "wrkSFfCgAAwuhuashan";
    public const string Cuihu = "wrkSFfCgAAcuihu";
    public const string SanitationGroup = "wrkSFfCgAAsanit";
    public const string ChunchengGroup = "wrkSFfCgAAchuncheng";
    public const string SanitationRobot = "5f2c0d3e-0000-4000-8000-000000000011";
    public const string ChunchengRobot = "5f2c0d3e-0000-4000-8000-000000000012";
    public const string WuhuashanRobot = "5f2c0d3e-0000-4000-8000-000000000001";
    public const string StreetRobot = "5f2c0d3e-0000-4000-8000-000000000010";

    private static readonly CommunityConfig SharedConfig = CommunityConfigLoader.Load(RepoPaths.CommunityYaml);
    private static readonly Lazy<TicketTriage> SharedTriage = new(() => TicketTriage.Create(SharedConfig, RepoPaths.TriageKnowledge));
    private static readonly JsonSerializerOptions Json = IntakeJsonContext.Default.Options;

    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly string _mediaRoot = Path.Combine(Path.GetTempPath(), "guanjia-commands-" + Guid.NewGuid().ToString("N"));
    private readonly PhotoProcessor _photos;
    private readonly FakeMedia _media = new();
    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();
    private int _messages;

    public CommandHarness()
    {
        _connection.Open();
        _photos = new PhotoProcessor(new PhotoOptions(), new PhotoStore(_mediaRoot));
        using var db = NewDb();
        // Migrations, not EnsureCreated: the ledger's immutability triggers exist only in them.
        db.Database.Migrate();
    }

    public static CommunityConfig Config => SharedConfig;

    public static TicketTriage SharedTicketTriage => SharedTriage.Value;

    /// <summary>Tuesday 24 November 2026, 09:00 in Kunming.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 1, 0, 0, TimeSpan.Zero));

    public IntakeSettings Settings { get; } = new(TimeSpan.FromMinutes(3));

    /// <summary>The ways out intake writes to (the bot's long connection for group chats, the ticket page).</summary>
    public OutboxRoutes Routes { get; set; } = OutboxRoutes.None;

    public TicketTexts Texts() => new(Config, StreetCalendar.For(Config).Zone);

    public GuanjiaDbContext NewDb() => new(new DbContextOptionsBuilder<GuanjiaDbContext>().UseSqlite(_connection).Options);

    /// <summary>A ticket as intake makes it (created and dispatched), without running triage.</summary>
    public async Task<int> SeedAsync(
        string category = "garbage", string department = "sanitation", string reporter = "lihua",
        string community = "wuhuashan", string? compound = "hsnl-74", string conversation = Wuhuashan,
        TicketStatus status = TicketStatus.Dispatched, bool urgent = false)
    {
        await using var db = NewDb();
        var now = Time.GetUtcNow();
        var ticket = new Ticket
        {
            Status = status,
            Category = category,
            Urgent = urgent,
            Community = community,
            Compound = compound,
            Department = department,
            Reporter = reporter,
            Text = "74号院门口垃圾桶满了",
            Conversation = conversation,
            CreatedAt = now,
            DispatchedAt = now,
            DueAt = now.AddHours(4),
        };
        ticket.Events.Add(new TicketEvent { At = now, Kind = "created", By = reporter, ToStatus = TicketStatus.New });
        ticket.Events.Add(new TicketEvent { At = now, Kind = "dispatched", By = "guanjia", FromStatus = TicketStatus.New, ToStatus = TicketStatus.Dispatched });
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync();
        return ticket.Number;
    }

    /// <summary>Stores a message as the callback does, without processing it (<see cref="SayAsync"/> also processes it).</summary>
    public async Task<(long InboxId, IncomingMessage Message)> StoreAsync(string user, string? text, string? chat = null, string? quoted = null, int photos = 0, int failedPhotos = 0, string? reqId = null)
    {
        var id = Interlocked.Increment(ref _messages);
        var images = new List<IncomingImage>();
        for (var i = 0; i < photos; i++)
        {
            images.Add(new IncomingImage(_media.Add(id * 10 + i), null));
        }

        for (var i = 0; i < failedPhotos; i++)
        {
            images.Add(new IncomingImage($"https://media.example/missing/{id * 10 + i}", null));
        }

        var message = new IncomingMessage
        {
            Channel = chat is null ? IncomingChannel.App : IncomingChannel.Bot,
            MessageId = $"m{id}",
            SenderId = user,
            ChatId = chat,
            Text = text,
            QuotedText = quoted,
            Images = images,
            ResponseUrl = chat is null || reqId is not null ? null : $"https://qyapi.example/response/{id}",
            ReplyReqId = reqId,
            ReceivedAt = Time.GetUtcNow(),
        };

        long inboxId;
        await using (var db = NewDb())
        {
            var row = new InboxMessage
            {
                Channel = message.Channel,
                MessageId = message.MessageId,
                SenderId = user,
                ChatId = chat,
                Payload = JsonSerializer.Serialize(message, Json),
                ReceivedAt = Time.GetUtcNow(),
            };
            db.Inbox.Add(row);
            await db.SaveChangesAsync();
            inboxId = row.Id;
        }

        return (inboxId, message);
    }

    /// <summary>
    /// Says <paramref name="text"/> to the bot in a group (bot channel) or, with no chat, in the app's 1:1,
    /// with <paramref name="photos"/> photos and <paramref name="failedPhotos"/> photos whose download fails.
    /// </summary>
    public async Task<Said> SayAsync(string user, string? text, string? chat = null, string? quoted = null, int photos = 0, int failedPhotos = 0, string? reqId = null)
    {
        var (inboxId, message) = await StoreAsync(user, text, chat, quoted, photos, failedPhotos, reqId);
        await ProcessAsync(inboxId);
        await using var read = NewDb();
        var outbox = await read.Outbox.AsNoTracking().Where(o => o.Key.StartsWith($"inbox:{inboxId}:")).OrderBy(o => o.Id).ToListAsync();
        return new Said(inboxId, message, outbox);
    }

    /// <summary>Sends a location message (app 1:1, as WeCom's Location_X/Location_Y) from <paramref name="user"/>.</summary>
    public async Task<Said> SendLocationAsync(string user, double latitude, double longitude)
    {
        var id = Interlocked.Increment(ref _messages);
        var message = new IncomingMessage
        {
            Channel = IncomingChannel.App,
            MessageId = $"m{id}",
            SenderId = user,
            Location = new IncomingLocation(latitude, longitude, "昆明市五华区"),
            ReceivedAt = Time.GetUtcNow(),
        };
        long inboxId;
        await using (var db = NewDb())
        {
            var row = new InboxMessage
            {
                Channel = message.Channel,
                MessageId = message.MessageId,
                SenderId = user,
                Payload = JsonSerializer.Serialize(message, Json),
                ReceivedAt = Time.GetUtcNow(),
            };
            db.Inbox.Add(row);
            await db.SaveChangesAsync();
            inboxId = row.Id;
        }

        await ProcessAsync(inboxId);
        await using var read = NewDb();
        var outbox = await read.Outbox.AsNoTracking().Where(o => o.Key.StartsWith($"inbox:{inboxId}:")).OrderBy(o => o.Id).ToListAsync();
        return new Said(inboxId, message, outbox);
    }

    public async Task ProcessAsync(long inboxId)
    {
        await using var db = NewDb();
        await NewProcessor(db).ProcessAsync(inboxId, CancellationToken.None);
    }

    /// <summary>Processes stored messages in one batch, on a context with <paramref name="interceptors"/> (to make one fail).</summary>
    public Task<int> ProcessBatchAsync(IReadOnlyList<long> inboxIds, params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors) =>
        ProcessBatchAsync(inboxIds, null, interceptors);

    /// <summary>As <see cref="ProcessBatchAsync(IReadOnlyList{long}, Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[])"/>, committing once <paramref name="budget"/> is spent.</summary>
    public async Task<int> ProcessBatchAsync(IReadOnlyList<long> inboxIds, TimeSpan? budget, params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        await using var db = new GuanjiaDbContext(new DbContextOptionsBuilder<GuanjiaDbContext>().UseSqlite(_connection).AddInterceptors(interceptors).Options);
        return await NewProcessor(db).ProcessBatchAsync(inboxIds, budget, CancellationToken.None);
    }

    private IntakeProcessor NewProcessor(GuanjiaDbContext db)
    {
        var texts = new TicketTexts(Config, StreetCalendar.For(Config).Zone);
        var calendar = StreetCalendar.For(Config);
        var commands = new CommandProcessor(db, Config, texts, calendar, Settings, Time, _services, NullLogger<CommandProcessor>.Instance);
        return new IntakeProcessor(db, Config, SharedTriage.Value, _photos, _media, Settings, texts, calendar, commands, Time,
            NullLogger<IntakeProcessor>.Instance, routes: Routes);
    }

    /// <summary>A click on a card button, as the host hands it over from WeCom's template_card_event.</summary>
    public async Task<CardClickOutcome> ClickAsync(string user, string eventKey, string? chat = null, string? eventId = null, string? taskId = null)
    {
        var parts = eventKey.Split(':', 3);
        await using var db = NewDb();
        var texts = new TicketTexts(Config, StreetCalendar.For(Config).Zone);
        var commands = new CommandProcessor(db, Config, texts, StreetCalendar.For(Config), Settings, Time, _services, NullLogger<CommandProcessor>.Instance);
        var clicks = new CardClickProcessor(db, Config, commands, texts, Routes, Time, NullLogger<CardClickProcessor>.Instance);
        return await clicks.HandleAsync(
            new CardClickRequest(chat is null ? IncomingChannel.App : IncomingChannel.Bot, eventId ?? $"click{Interlocked.Increment(ref _messages)}", user, chat,
                parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts.Length > 2 ? parts[2] : null, taskId),
            CancellationToken.None);
    }

    public async Task<Ticket> TicketAsync(int number)
    {
        await using var db = NewDb();
        return await db.Tickets.AsNoTracking().Include(t => t.Events).Include(t => t.Photos).AsSplitQuery().SingleAsync(t => t.Number == number);
    }

    /// <summary>Everything stored about a ticket, to prove a refused command changed nothing.</summary>
    public async Task<string> SnapshotAsync(int number)
    {
        var t = await TicketAsync(number);
        return JsonSerializer.Serialize(new
        {
            t.Status,
            t.Category,
            t.Urgent,
            t.Department,
            t.DueAt,
            t.DispatchedAt,
            t.AcceptedAt,
            t.ResolvedAt,
            t.ClosedAt,
            t.EscalatedAt,
            t.MergedInto,
            t.LowConfidence,
            Events = t.Events.Count,
            Photos = t.Photos.Count,
        });
    }

    /// <summary>Outbox rows about a ticket that no incoming message caused directly (dispatch, questions to secretaries).</summary>
    public async Task<List<OutboxMessage>> TicketOutboxAsync(int number)
    {
        await using var db = NewDb();
        return await db.Outbox.AsNoTracking().Where(o => o.Key.StartsWith($"ticket:{number}:")).OrderBy(o => o.Id).ToListAsync();
    }

    public async Task<int> TicketCountAsync()
    {
        await using var db = NewDb();
        return await db.Tickets.CountAsync();
    }

    public async Task<int> PendingPhotoCountAsync()
    {
        await using var db = NewDb();
        return await db.PendingPhotos.CountAsync(p => p.TicketNumber == null);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _photos.Dispose();
        await _connection.DisposeAsync();
        if (Directory.Exists(_mediaRoot))
        {
            Directory.Delete(_mediaRoot, recursive: true);
        }
    }

    private sealed class FakeMedia : IMediaSource
    {
        private readonly Dictionary<string, byte[]> _files = [];

        public string Add(int seed)
        {
            using var image = TestImages.Scene(seed, 640, 480);
            using var stream = new MemoryStream();
            image.SaveAsJpeg(stream);
            var url = $"https://media.example/{seed}";
            lock (_files)
            {
                _files[url] = stream.ToArray();
            }

            return url;
        }

        public Task<MediaFetchResult> FetchAsync(IncomingChannel channel, IncomingImage image, CancellationToken cancellationToken)
        {
            lock (_files)
            {
                return Task.FromResult(image.Url is { } url && _files.TryGetValue(url, out var bytes)
                    ? MediaFetchResult.Ok(bytes)
                    : MediaFetchResult.Fail("下载失败"));
            }
        }
    }
}

/// <summary>What one message caused: its outbox rows.</summary>
public sealed record Said(long InboxId, IncomingMessage Message, IReadOnlyList<OutboxMessage> Outbox)
{
    /// <summary>The answer in the sender's own conversation.</summary>
    public string Answer => Replies.Single().Content;

    private static readonly string[] ReplyKeys = ["answer", "department-hint", "after-photo-pending", "ack", "photo-pending", "refused", "merchant", "not-community", "no-community", "empty"];

    public IEnumerable<OutboxMessage> Replies => Outbox.Where(o =>
        o.Channel is OutboxChannel.ResponseUrl or OutboxChannel.BotReply
        || (o.Channel == OutboxChannel.AppUser && o.Target == Message.SenderId && ReplyKeys.Contains(o.Key[(o.Key.LastIndexOf(':') + 1)..])));

    public IEnumerable<OutboxMessage> To(string robotKey) => Outbox.Where(o => o.Channel == OutboxChannel.Robot && o.Target == robotKey);
}
