using System.Globalization;
using System.Text;
using Guanjia.Core.Community;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Points;

/// <summary>One steward's month in the 记录本.</summary>
public sealed record LogbookMonth(
    string UserId,
    string Name,
    string? Community,
    string Month,
    IReadOnlyDictionary<TicketStatus, int> Reports,
    int OnTheSpot,
    int Patrols,
    int PatrolsPending,
    int Tasks,
    int ClaimsPending,
    int Earned,
    int Spent)
{
    public int ReportCount => Reports.Values.Sum();

    /// <summary>What the committee's 考核 weighs: every report, fix, patrol and task, not reports alone.</summary>
    public int Activity => ReportCount + OnTheSpot + Patrols + Tasks;
}

/// <summary>
/// The 记录本: a steward's month of reports (by status), on-the-spot fixes, patrols, tasks and
/// points earned and spent; the same per community for the committee's 考核 (and as CSV). The
/// wording people read is here.
/// </summary>
public sealed class Logbook(PointsBook book)
{
    private GuanjiaDbContext Db => book.Db;

    /// <summary>记录 [YYYY-MM] (own), or 记录 &lt;人&gt; [YYYY-MM] for a secretary or admin.</summary>
    public async Task<PointsReply> ShowAsync(Person actor, string? first, string? second, CancellationToken cancellationToken = default)
    {
        string? who = null;
        string? month = null;
        foreach (var word in new[] { first, second }.Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => w!.Trim()))
        {
            if (ParseMonth(word) is { } m)
            {
                month = m;
            }
            else if (who is null)
            {
                who = word;
            }
            else
            {
                return PointsReply.Refused($"“{word}”不是月份，请写成 2026-11。", PointsUsage.Logbook);
            }
        }

        var target = actor;
        if (who is not null)
        {
            target = book.FindPerson(who)!;
            if (target is null)
            {
                return PointsReply.Refused($"找不到「{who}」，月份请写成 2026-11。", PointsUsage.Logbook);
            }
        }

        if (!PointsBook.MaySee(actor, target))
        {
            return PointsReply.Refused("只能查看自己的记录本；书记可查看本社区的管家。");
        }

        if (!target.HasRole(Person.StewardRole))
        {
            return PointsReply.Refused($"{target.Name} 不是小巷管家，没有记录本。书记请用 记录 <人> [月] 查看管家的记录。");
        }

        var page = await MonthOfAsync(target, month ?? book.ThisMonth, cancellationToken);
        return PointsReply.Done(Texts.Page(page), page.Earned);
    }

    /// <summary>One steward's month; <paramref name="month"/> is <c>YYYY-MM</c> in street time.</summary>
    public async Task<LogbookMonth> MonthOfAsync(Person steward, string month, CancellationToken cancellationToken = default)
    {
        var (from, to) = book.MonthRange(month) ?? throw new ArgumentException($"'{month}' is not a month (YYYY-MM).", nameof(month));
        var userId = steward.UserId;

        var onTheSpot = await OnTheSpotFixesAsync(userId, from, to, cancellationToken);
        var tickets = Db.Tickets.Where(t => t.Reporter == userId && t.CreatedAt >= from && t.CreatedAt < to && !t.OnTheSpot);

        var reports = (await tickets.GroupBy(t => t.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(g => g.Key, g => g.Count);

        var firstDay = DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var lastDay = firstDay.AddMonths(1);
        var patrols = await Db.Patrols.Where(p => p.UserId == userId && p.Day >= firstDay && p.Day < lastDay)
            .GroupBy(p => p.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);

        var account = Ledger.PersonAccount(userId);
        var patrolKind = TransferKinds.Task(PointsBook.PatrolTask);
        var movements = await Db.LedgerMovements.Where(m => m.Account == account && m.At >= from && m.At < to)
            .Select(m => new { m.Amount, m.Transfer.Kind }).ToListAsync(cancellationToken);
        var tasks = movements.Count(m => m.Amount > 0 && m.Kind.StartsWith(TransferKinds.TaskPrefix, StringComparison.Ordinal) && m.Kind != patrolKind);
        var earned = movements.Where(m => m.Kind == TransferKinds.Report || m.Kind.StartsWith(TransferKinds.TaskPrefix, StringComparison.Ordinal)).Sum(m => m.Amount)
            + movements.Where(m => m.Kind == TransferKinds.Reversal).Sum(m => m.Amount);
        var spent = -movements.Where(m => m.Kind is TransferKinds.VoucherIssue or TransferKinds.VoucherExpire).Sum(m => m.Amount);
        var claimsPending = await Db.TaskClaims.CountAsync(c => c.UserId == userId && c.State == ProofState.Pending, cancellationToken);

        return new LogbookMonth(
            userId,
            steward.Name,
            steward.CommunityId,
            month,
            reports,
            onTheSpot,
            patrols.Where(p => p.Key == ProofState.Approved).Sum(p => p.Count),
            patrols.Where(p => p.Key == ProofState.Pending).Sum(p => p.Count),
            tasks,
            claimsPending,
            earned,
            Math.Max(0, spent));
    }

    /// <summary>Every steward of a community (or of the street) for the month, most active first.</summary>
    public async Task<IReadOnlyList<LogbookMonth>> CommunityMonthAsync(string? community, string month, CancellationToken cancellationToken = default)
    {
        var pages = new List<LogbookMonth>();
        foreach (var steward in book.Config.People.Where(p => p.HasRole(Person.StewardRole) && (community is null || p.CommunityId == community)))
        {
            pages.Add(await MonthOfAsync(steward, month, cancellationToken));
        }

        return [.. pages.OrderByDescending(p => p.Activity).ThenByDescending(p => p.Earned).ThenBy(p => p.UserId, StringComparer.Ordinal)];
    }

    /// <summary>The committee's 考核 table as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese).</summary>
    public static string Csv(IReadOnlyList<LogbookMonth> pages)
    {
        var csv = new StringBuilder("\uFEFF月份,管家,账号,社区,上报,已办结,处理中,已撤销,随手办,巡查,待审巡查,任务,获得积分,使用积分\r\n");
        foreach (var p in pages)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{p.Month},{Cell(p.Name)},{Cell(p.UserId)},{Cell(p.Community ?? "")},{p.ReportCount},{Done(p)},{Open(p)},{Count(p, TicketStatus.Cancelled)},{p.OnTheSpot},{p.Patrols},{p.PatrolsPending},{p.Tasks},{p.Earned},{p.Spent}\r\n");
        }

        return csv.ToString();
    }

    public static string? ParseMonth(string text) =>
        DateOnly.TryParseExact(text.Normalize(NormalizationForm.FormKC) + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day.ToString("yyyy-MM", CultureInfo.InvariantCulture)
            : null;

    internal static int Done(LogbookMonth p) => Count(p, TicketStatus.Resolved) + Count(p, TicketStatus.Closed);

    internal static int Open(LogbookMonth p) =>
        Count(p, TicketStatus.New) + Count(p, TicketStatus.Dispatched) + Count(p, TicketStatus.Accepted) + Count(p, TicketStatus.Returned);

    private static int Count(LogbookMonth p, TicketStatus status) => p.Reports.TryGetValue(status, out var n) ? n : 0;

    // Keeps a cell from starting a spreadsheet formula and escapes quotes.
    private static string Cell(string text)
    {
        var safe = text.Length > 0 && "=+-@".Contains(text[0], StringComparison.Ordinal) ? "'" + text : text;
        return safe.Contains(',', StringComparison.Ordinal) || safe.Contains('"', StringComparison.Ordinal) ? $"\"{safe.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : safe;
    }

    /// <summary>随手办 fixes of the month: tickets settled on the spot.</summary>
    private Task<int> OnTheSpotFixesAsync(string userId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Db.Tickets.CountAsync(t => t.Reporter == userId && t.CreatedAt >= from && t.CreatedAt < to && t.OnTheSpot, cancellationToken);

    /// <summary>What stewards and secretaries read in the 记录本.</summary>
    internal static class Texts
    {
        public static string Page(LogbookMonth p)
        {
            var lines = new List<string> { $"{p.Name} {p.Month} 记录本：" };
            var byStatus = p.Reports.Count == 0
                ? ""
                : "（" + string.Join("，", p.Reports.OrderBy(r => r.Key).Select(r => $"{r.Key.Chinese()} {r.Value}")) + "）";
            lines.Add($"上报问题 {p.ReportCount} 件{byStatus}");
            lines.Add($"随手办（当场解决）{p.OnTheSpot} 件");
            lines.Add(p.PatrolsPending > 0 ? $"巡查打卡 {p.Patrols} 次，待审核 {p.PatrolsPending} 次" : $"巡查打卡 {p.Patrols} 次");
            lines.Add(p.ClaimsPending > 0 ? $"任务 {p.Tasks} 项，待审核申请 {p.ClaimsPending} 项" : $"任务 {p.Tasks} 项");
            lines.Add($"积分：获得 {p.Earned} 分，使用 {p.Spent} 分");
            return string.Join("\n", lines);
        }
    }
}
