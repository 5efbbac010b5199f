using System.Globalization;
using System.Text;
using Guanjia.Core.Community;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Reports;

/// <summary>Whose tickets to count: one community, one department, or the whole street (both null).</summary>
public sealed record FiguresScope(string? Community = null, string? Department = null)
{
    public static FiguresScope All { get; } = new();
}

/// <summary>A calendar period in the street's time zone, for the 统计 command.</summary>
public enum StatsPeriod
{
    Today,
    ThisWeek,
    ThisMonth,
}

/// <summary>
/// Ticket figures for [From, To): received (created), resolved (办结) and 签收 in the period, the
/// tickets still open and overdue at To, and who reported.
/// </summary>
public sealed record PeriodFigures(
    DateTimeOffset From,
    DateTimeOffset To,
    int Received,
    int Resolved,
    int ResolvedOnTime,
    int Open,
    int Overdue,
    int Returned,
    TimeSpan? MedianToAccept,
    TimeSpan? MedianToResolve,
    IReadOnlyList<KeyValuePair<TicketStatus, int>> ByStatus,
    IReadOnlyList<KeyValuePair<string, int>> ByCategory,
    IReadOnlyList<KeyValuePair<string, int>> ByDepartment,
    IReadOnlyList<KeyValuePair<string, int>> ResolvedByCategory,
    IReadOnlyList<KeyValuePair<string, int>> TopReporters,
    IReadOnlyList<Ticket> OverdueTickets)
{
    /// <summary>按时办结率: resolved by the deadline / resolved; null when nothing was resolved.</summary>
    public double? OnTimeRate => Resolved == 0 ? null : (double)ResolvedOnTime / Resolved;

    /// <summary>Tickets received in the period that a secretary re-classified (改类) or re-dispatched (派单).</summary>
    public int Corrected { get; init; }

    /// <summary>回访: how the tickets resolved (办结) in the period were rated by their reporters.</summary>
    public FeedbackFigures Feedback { get; init; } = FeedbackFigures.None;
    /// <summary>自处置: problems stewards settled on the spot (随手办) in the period; in no other figure.</summary>
    public int OnTheSpot { get; init; }

    /// <summary>分诊准确率 as judged by secretaries: received tickets neither re-classified nor re-dispatched / received; null when none.</summary>
    public double? TriageAccuracy => Received == 0 ? null : (double)(Received - Corrected) / Received;
}

/// <summary>
/// 回访 figures: of the tickets resolved (办结) in a period, how many their reporters rated
/// (<see cref="Rated"/>) and how many of those 满意 or 基本满意 (<see cref="Satisfied"/>).
/// </summary>
public sealed record FeedbackFigures(int Resolved, int Rated, int Satisfied, int Basic, int Unsatisfied)
{
    public static FeedbackFigures None { get; } = new(0, 0, 0, 0, 0);

    /// <summary>回访率: rated / resolved; null when nothing was resolved.</summary>
    public double? FeedbackRate => Resolved == 0 ? null : (double)Rated / Resolved;

    /// <summary>满意率: (满意 + 基本满意) / rated; null when nothing was rated.</summary>
    public double? SatisfactionRate => Rated == 0 ? null : (double)(Satisfied + Basic) / Rated;
}

/// <summary>Counts tickets for digests, reports and the 统计 command.</summary>
public sealed class TicketFigures(GuanjiaDbContext db, CommunityConfig config, StreetCalendar calendar, TicketTexts texts, TimeProvider time)
{
    /// <summary>The street's time zone, in which periods and days are counted.</summary>
    public TimeZoneInfo Zone => calendar.Zone;

    private static readonly string Recategorised = TicketLifecycle.Kind(TicketAction.Recategorise);
    private static readonly string Dispatched = TicketLifecycle.Kind(TicketAction.Dispatch);

    private static readonly TicketStatus[] OpenStatuses =
        [TicketStatus.New, TicketStatus.Dispatched, TicketStatus.Accepted, TicketStatus.Returned];

    public async Task<PeriodFigures> ComputeAsync(FiguresScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var query = db.Tickets.AsNoTracking().Where(t => t.CreatedAt < to);
        if (scope.Community is { } community)
        {
            query = query.Where(t => t.Community == community);
        }

        if (scope.Department is { } department)
        {
            query = query.Where(t => t.Department == department);
        }

        var feedback = await FeedbackAsync(query, from, to, cancellationToken);
        var tickets = await query
            .Where(t => t.CreatedAt >= from || OpenStatuses.Contains(t.Status)
                || (t.ResolvedAt != null && t.ResolvedAt >= from) || (t.AcceptedAt != null && t.AcceptedAt >= from))
            .OrderBy(t => t.Number)
            .ToListAsync(cancellationToken);
        bool In(DateTimeOffset? at) => at is { } a && a >= from && a < to;
        // 随手办 tickets were never anyone's work: counted as 自处置 only.
        var onTheSpot = tickets.Count(t => t.OnTheSpot && In(t.CreatedAt));
        tickets = [.. tickets.Where(t => !t.OnTheSpot)];
        // Matched in memory: a parameter per ticket would hit SQLite's 32,766-parameter limit.
        var numbers = tickets.Select(t => t.Number).ToHashSet();
        var returned = (await db.TicketEvents.AsNoTracking()
                .Where(e => e.Kind == "returned" && e.At >= from && e.At < to)
                .Select(e => e.TicketNumber)
                .ToListAsync(cancellationToken))
            .Count(numbers.Contains);

        var received = tickets.Where(t => In(t.CreatedAt)).ToList();
        var receivedNumbers = received.Select(t => t.Number).ToHashSet();
        var corrected = (await db.TicketEvents.AsNoTracking()
                .Where(e => e.At >= from && (e.Kind == Recategorised || (e.Kind == Dispatched && e.By != TicketActors.System)))
                .Select(e => e.TicketNumber)
                .Distinct()
                .ToListAsync(cancellationToken))
            .Count(receivedNumbers.Contains);
        var resolved = tickets.Where(t => In(t.ResolvedAt)).ToList();
        var open = tickets.Where(t => OpenStatuses.Contains(t.Status)).ToList();
        var overdue = open.Where(t => t.DueAt < to).OrderBy(t => t.DueAt).ToList();

        return new PeriodFigures(
            from,
            to,
            received.Count,
            resolved.Count,
            resolved.Count(t => t.ResolvedAt <= t.DueAt),
            open.Count,
            overdue.Count,
            returned,
            Median(tickets.Where(t => In(t.AcceptedAt)).Select(t => t.AcceptedAt!.Value - (t.DispatchedAt ?? t.CreatedAt))),
            Median(resolved.Select(t => t.ResolvedAt!.Value - t.CreatedAt)),
            Count(received, t => t.Status),
            Count(received, t => t.Category),
            Count(received, t => t.Department),
            Count(resolved, t => t.Category),
            Count(received, t => t.Reporter),
            overdue)
        {
            Corrected = corrected,
            Feedback = feedback,
            OnTheSpot = onTheSpot,
        };
    }

    /// <summary>回访率 and 满意率 of the tickets in <paramref name="scope"/> resolved in [from, to).</summary>
    public Task<FeedbackFigures> FeedbackAsync(FiguresScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var query = db.Tickets.AsNoTracking().Where(t => t.CreatedAt < to);
        if (scope.Community is { } community)
        {
            query = query.Where(t => t.Community == community);
        }

        if (scope.Department is { } department)
        {
            query = query.Where(t => t.Department == department);
        }

        return FeedbackAsync(query, from, to, cancellationToken);
    }

    private async Task<FeedbackFigures> FeedbackAsync(IQueryable<Ticket> scoped, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // By the 办结 event, not ResolvedAt: a ticket rated 不满意 is reopened (ResolvedAt cleared)
        // but was still resolved and rated in the period.
        var resolvedKind = TicketEventKinds.Resolved;
        var resolvedInPeriod = db.TicketEvents.Where(e => e.Kind == resolvedKind && e.At >= from && e.At < to).Select(e => e.TicketNumber);
        var ratings = await scoped
            .Where(t => resolvedInPeriod.Contains(t.Number))
            .Select(t => t.Satisfaction)
            .ToListAsync(cancellationToken);
        return new FeedbackFigures(
            ratings.Count,
            ratings.Count(r => r is not null),
            ratings.Count(r => r == Satisfactions.Satisfied),
            ratings.Count(r => r == Satisfactions.Basic),
            ratings.Count(r => r == Satisfactions.Unsatisfied));
    }

    /// <summary>"回访率 50%（办结 4 件，评价 2 件）· 满意率 100%", or null when nothing was resolved.</summary>
    public static string? FeedbackLine(FeedbackFigures f) =>
        f.Resolved == 0
            ? null
            : $"回访率 {Rate(f.FeedbackRate)}（办结 {f.Resolved} 件，评价 {f.Rated} 件）· 满意率 {Rate(f.SatisfactionRate)}"
              + (f.Rated == 0 ? "" : $"（满意 {f.Satisfied} · 基本满意 {f.Basic} · 不满意 {f.Unsatisfied}）");

    /// <summary>[start, end) of the period that contains now, in the street's time zone; weeks start on Monday.</summary>
    public (DateTimeOffset From, DateTimeOffset To) PeriodBounds(StatsPeriod period)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), calendar.Zone).DateTime);
        var (first, next) = period switch
        {
            StatsPeriod.Today => (today, today.AddDays(1)),
            StatsPeriod.ThisWeek => (today.AddDays(-(((int)today.DayOfWeek + 6) % 7)), today.AddDays(7 - (((int)today.DayOfWeek + 6) % 7))),
            _ => (new DateOnly(today.Year, today.Month, 1), new DateOnly(today.Year, today.Month, 1).AddMonths(1)),
        };
        return (StartOf(first), StartOf(next));
    }

    /// <summary>Midnight of a street-local day, as an instant.</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, calendar.Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The answer to <c>统计 [今日|本周|本月]</c> for a community, a department or the street.</summary>
    public async Task<string> FormatStatsAsync(FiguresScope scope, StatsPeriod period, CancellationToken cancellationToken)
    {
        var (from, to) = PeriodBounds(period);
        var now = time.GetUtcNow();
        var f = await ComputeAsync(scope, from, now < to ? now : to, cancellationToken);
        var name = scope switch
        {
            { Community: { } c } => config.FindCommunity(c)?.Name ?? c,
            { Department: { } d } => texts.DepartmentName(d),
            _ => config.Street.Name,
        };
        var label = period switch
        {
            StatsPeriod.Today => "今日",
            StatsPeriod.ThisWeek => "本周",
            _ => "本月",
        };
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"**{name}{label}统计**\n")
            .Append(CultureInfo.InvariantCulture, $"受理 {f.Received} · 办结 {f.Resolved} · 在办 {f.Open} · 超时 {f.Overdue}{SettledOnTheSpot(f, " · 自处置 ")}\n")
            .Append(CultureInfo.InvariantCulture, $"按时办结率：{Rate(f.OnTimeRate)}\n")
            .Append(CultureInfo.InvariantCulture, $"签收用时（中位）：{Span(f.MedianToAccept)}；办结用时（中位）：{Span(f.MedianToResolve)}\n");
        if (FeedbackLine(f.Feedback) is { } feedback)
        {
            text.Append(feedback).Append('\n');
        }

        if (f.Returned > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"退回 {f.Returned} 次\n");
        }

        if (f.TriageAccuracy is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"分诊准确率：{Rate(f.TriageAccuracy)}（{f.Received} 件中 {f.Corrected} 件经书记改类或改派）\n");
        }

        if (f.ByStatus.Count > 0)
        {
            text.Append("状态：").Append(string.Join("，", f.ByStatus.Select(p => $"{p.Key.Chinese()} {p.Value}"))).Append('\n');
        }

        if (f.ByCategory.Count > 0)
        {
            text.Append("分类：").Append(string.Join("，", f.ByCategory.Select(p => $"{texts.CategoryName(p.Key)} {p.Value}"))).Append('\n');
        }

        if (scope.Department is null && f.ByDepartment.Count > 0)
        {
            text.Append("承办：").Append(string.Join("，", f.ByDepartment.Select(p => $"{texts.DepartmentName(p.Key)} {p.Value}"))).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>The 自处置 figure after <paramref name="label"/>, or nothing when no 随手办 was recorded.</summary>
    public static string SettledOnTheSpot(PeriodFigures f, string label) =>
        f.OnTheSpot > 0 ? label + f.OnTheSpot.ToString(CultureInfo.InvariantCulture) : "";

    /// <summary>"83%" or "—" when nothing was resolved.</summary>
    public static string Rate(double? rate) =>
        rate is { } r ? Math.Round(r * 100, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture) + "%" : "—";

    /// <summary>A median duration, or "—" when there is none.</summary>
    public static string Span(TimeSpan? span) => span is { } s ? Scheduling.ReminderScan.Duration(s) : "—";

    /// <summary>The median; for an even count the mean of the two middle values.</summary>
    public static TimeSpan? Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static List<KeyValuePair<TKey, int>> Count<TKey>(IEnumerable<Ticket> tickets, Func<Ticket, TKey> key)
        where TKey : notnull =>
        tickets.GroupBy(key)
            .Select(g => new KeyValuePair<TKey, int>(g.Key, g.Count()))
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key.ToString(), StringComparer.Ordinal)
            .ToList();
}
