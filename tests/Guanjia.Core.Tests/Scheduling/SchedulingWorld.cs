using Guanjia.Core.Community;
using Guanjia.Core.Digest;
using Guanjia.Core.Photos;
using Guanjia.Core.Reports;
using Guanjia.Core.Scheduling;
using Guanjia.Core.Storage;
using Guanjia.Core.Tests.Storage;
using Guanjia.Core.Tickets;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.Core.Tests.Scheduling;

/// <summary>
/// The repository's community file, a migrated database (SQLite held open in memory, or a fresh
/// PostgreSQL database: see <see cref="TestDatabase"/>), a fake clock in Shanghai time and a temporary photo store.
/// </summary>
internal sealed class SchedulingWorld : IDisposable
{
    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private readonly TestDatabase _database;
    private readonly string _media = Path.Combine(Path.GetTempPath(), "guanjia-sched-" + Guid.NewGuid().ToString("N"));

    public SchedulingWorld(DateTimeOffset start, string? holidaysYaml = null, string provider = GuanjiaStorage.SqliteName)
    {
        var yaml = File.ReadAllText(RepoPaths.CommunityYaml);
        if (holidaysYaml is not null)
        {
            yaml = System.Text.RegularExpressions.Regex.Replace(yaml, @"(?ms)^holidays:.*?(?=^\S|\z)", "") + "\n" + holidaysYaml;
        }

        Config = CommunityConfigLoader.Parse(yaml);
        Calendar = StreetCalendar.For(Config);
        Texts = new TicketTexts(Config, Calendar.Zone);
        Time = new FakeTimeProvider(start);
        Photos = new PhotoStore(_media);
        // Test setup only: a constructor cannot await, and xunit runs it off any synchronisation context.
        _database = TestDatabase.CreateAsync(provider).GetAwaiter().GetResult();
        Db = NewDb();
    }

    public CommunityConfig Config { get; }
    public StreetCalendar Calendar { get; }
    public TicketTexts Texts { get; }
    public FakeTimeProvider Time { get; }
    public PhotoStore Photos { get; }
    public GuanjiaDbContext Db { get; private set; }

    public GuanjiaDbContext NewDb() => _database.NewDb();

    /// <summary>A fresh context, as each job run has its own scope.</summary>
    public ReminderScan Scan() => new(Fresh(), Config, Calendar, Texts, Time);

    public TicketFigures Figures() => new(Fresh(), Config, Calendar, Texts, Time);

    public DailyDigest Digest() { var db = Fresh(); return new(db, Config, new TicketFigures(db, Config, Calendar, Texts, Time), Texts, Photos, Time); }

    public WeeklyReport Weekly() { var db = Fresh(); return new(db, Config, new TicketFigures(db, Config, Calendar, Texts, Time), Texts, Photos, Time); }

    public Ticket Add(
        string category, string department, DateTimeOffset createdAt, string community = "wuhuashan", string? compound = "hsnl-74",
        string reporter = "lihua", bool urgent = false, TicketStatus status = TicketStatus.Dispatched,
        DateTimeOffset? acceptedAt = null, DateTimeOffset? resolvedAt = null, DateTimeOffset? dueAt = null,
        bool confidential = false, bool onTheSpot = false)
    {
        var limit = Config.FindCategory(category)!.TimeLimitFor(urgent);
        var ticket = new Ticket
        {
            Status = status,
            Category = category,
            Urgent = urgent,
            Community = community,
            Compound = compound,
            Department = department,
            Reporter = reporter,
            Text = "测试工单",
            Conversation = "wrkSFfCgAAwuhuashan",
            CreatedAt = createdAt,
            DispatchedAt = createdAt,
            AcceptedAt = acceptedAt,
            ResolvedAt = resolvedAt,
            DueAt = dueAt ?? Calendar.Due(createdAt, limit),
            Confidential = confidential,
            OnTheSpot = onTheSpot,
        };
        using var db = NewDb();
        db.Tickets.Add(ticket);
        db.SaveChanges();
        return ticket;
    }

    public List<Guanjia.Core.Outbox.OutboxMessage> Outbox()
    {
        using var db = NewDb();
        return db.Outbox.OrderBy(m => m.Id).ToList();
    }

    public string RobotOf(string department) => Config.FindDepartment(department)!.RobotKey!;

    public void Dispose()
    {
        Db.Dispose();
        _database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try
        {
            Directory.Delete(_media, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private GuanjiaDbContext Fresh()
    {
        Db.Dispose();
        Db = NewDb();
        return Db;
    }
}
