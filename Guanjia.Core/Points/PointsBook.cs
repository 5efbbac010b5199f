using System.Globalization;
using Guanjia.Core.Community;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guanjia.Core.Points;

/// <summary>
/// What every points feature shares: the ledger on the caller's context, the scheme, the street's
/// day, the daily cap, paying a task, and one way to save that survives a concurrent writer
/// (logged, never thrown at the person). Works inside a transaction the caller opened on the same context.
/// </summary>
public sealed partial class PointsBook(
    GuanjiaDbContext db, CommunityConfig config, StreetCalendar street, TimeProvider time, ILogger? logger = null)
{
    public const string PatrolTask = "patrol";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public GuanjiaDbContext Db => db;

    public CommunityConfig Config => config;

    public Ledger Ledger { get; } = new(db);

    public PointsConfig Scheme => config.Points;

    public TimeZoneInfo Zone { get; } = street.Zone;

    public DateTimeOffset Now => time.GetUtcNow();

    public DateOnly Today => StreetTime.Day(Zone, Now);

    public static PointsReply Conflict() => PointsReply.Refused("刚才有人同时操作，这次没有记账，请再试一次。");

    /// <summary>
    /// Saves what the feature staged. When a concurrent operation won (same idempotency key, or the
    /// same account moved) the staged points rows are forgotten, so the context stays usable, and
    /// the person is asked to retry.
    /// </summary>
    public async Task<bool> TrySaveAsync(string operation, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception)
        {
            LogSaveConflict(_logger, operation, exception.GetType().Name);
            foreach (var entry in db.ChangeTracker.Entries()
                .Where(e => e.Entity is LedgerAccount or LedgerTransfer or LedgerMovement or Voucher or ReportReview
                    or VoucherFailure or MerchantStatement or Patrol or TaskClaim)
                .ToList())
            {
                entry.State = EntityState.Detached;
            }

            return false;
        }
    }

    /// <summary>
    /// Pays a task's points (or the patrol's) to <paramref name="target"/> within
    /// the daily cap, and saves. <paramref name="key"/> makes a retry pay once.
    /// </summary>
    public async Task<PointsReply> PayTaskAsync(
        string by, Person target, PointsTask task, string key, string? note, string reason, CancellationToken cancellationToken)
    {
        var (pay, held) = await WithinCapAsync(target.UserId, task.Points!.Value, cancellationToken);
        if (pay == 0)
        {
            return PointsReply.Refused($"{target.Name} 今日积分已达上限 {Scheme.DailyCapPerPerson} 分，明天再记。");
        }

        var account = Ledger.PersonAccount(target.UserId);
        var balance = await Ledger.BalanceAsync(account, cancellationToken);
        await Ledger.StageAsync(
            new TransferRequest(Ledger.Issuance, account, pay, TransferKinds.Task(task.Code), key, reason, by, Now, Note: Clip(note)),
            cancellationToken);
        if (!await TrySaveAsync(task.Code, cancellationToken))
        {
            return Conflict();
        }

        var text = $"{reason}：{target.Name} +{pay} 分，当前 {balance + pay} 分。";
        if (held > 0)
        {
            text += $"\n今日积分上限 {Scheme.DailyCapPerPerson} 分，另有 {held} 分不发。";
        }

        return PointsReply.Done(text, pay);
    }

    /// <summary>
    /// What can be paid today under dailyCapPerPerson: the cap counts points earned (reports and
    /// tasks) this street day; reversals do not give room back. Held-back points are not paid later.
    /// </summary>
    public async Task<(int Pay, int Held)> WithinCapAsync(string userId, int points, CancellationToken cancellationToken)
    {
        var (start, end) = DayRange(Today);
        var account = Ledger.PersonAccount(userId);
        var earned = await db.LedgerMovements
            .Where(m => m.Account == account && m.Amount > 0 && m.At >= start && m.At < end)
            .Where(m => m.Transfer.Kind == TransferKinds.Report || m.Transfer.Kind.StartsWith(TransferKinds.TaskPrefix))
            .SumAsync(m => m.Amount, cancellationToken);
        var room = Math.Max(0, Scheme.DailyCapPerPerson - earned);
        var pay = Math.Min(points, room);
        return (pay, points - pay);
    }

    /// <summary>How many times the task was paid to this person this street day.</summary>
    public async Task<int> TaskCountTodayAsync(string userId, string taskCode, CancellationToken cancellationToken)
    {
        var (start, end) = DayRange(Today);
        var account = Ledger.PersonAccount(userId);
        var kind = TransferKinds.Task(taskCode);
        return await db.LedgerMovements
            .CountAsync(m => m.Account == account && m.Amount > 0 && m.At >= start && m.At < end && m.Transfer.Kind == kind, cancellationToken);
    }

    public (DateTimeOffset Start, DateTimeOffset End) DayRange(DateOnly day) =>
        (StreetTime.Midnight(Zone, day), StreetTime.Midnight(Zone, day.AddDays(1)));

    /// <summary>The street-time month <c>YYYY-MM</c> as UTC instants, or null when it is not a month.</summary>
    public (DateTimeOffset Start, DateTimeOffset End)? MonthRange(string month)
    {
        if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
        {
            return null;
        }

        return (StreetTime.Midnight(Zone, first), StreetTime.Midnight(Zone, first.AddMonths(1)));
    }

    public string ThisMonth => StreetTime.Month(Zone, Now);

    public string Local(DateTimeOffset instant, string format) => StreetTime.Local(Zone, instant, format);

    public Person? FindPerson(string idOrName)
    {
        var key = idOrName.Trim().TrimStart('@', '＠');
        return config.FindPerson(key) ?? config.People.FirstOrDefault(p => p.Name == key);
    }

    public PointsTask? FindTask(string codeOrName)
    {
        var key = codeOrName.Trim();
        return Scheme.Tasks.FirstOrDefault(t => string.Equals(t.Code, key, StringComparison.OrdinalIgnoreCase) || t.Name == key);
    }

    /// <summary>Whether <paramref name="actor"/> may see <paramref name="target"/>'s points and records.</summary>
    public static bool MaySee(Person actor, Person target) =>
        target.UserId == actor.UserId
        || actor.HasRole(Person.AdminRole)
        || (actor.HasRole(Person.SecretaryRole) && actor.CommunityId is not null && actor.CommunityId == target.CommunityId);

    public static bool IsOffice(Person actor) => actor.HasRole(Person.AdminRole) || actor.HasRole(Person.SecretaryRole);

    public string NameOf(string userId) => config.FindPerson(userId)?.Name ?? userId;

    public string Cny(int points) => (points * Scheme.PointValueCny).ToString("0.##", CultureInfo.InvariantCulture);

    public static string? Clip(string? note) =>
        string.IsNullOrWhiteSpace(note) ? null : note.Trim()[..Math.Min(note.Trim().Length, 500)];

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Points save for {Operation} lost to a concurrent writer ({Error}); nothing posted")]
    private static partial void LogSaveConflict(ILogger logger, string operation, string error);
}
