using System.Globalization;
using System.Text;
using Guanjia.Core.Community;
using Guanjia.Core.Outbox;
using Guanjia.Core.Photos;
using Guanjia.Core.Reports;
using Guanjia.Core.Scheduling;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Digest;

/// <summary>What a digest or report run enqueued.</summary>
public sealed record DigestResult(int Messages, int Charts);

/// <summary>
/// The evening digest to each community group (the 24 hours up to the run, then a chart of the last
/// seven such days) and the morning list of overdue tickets to each department that has any.
/// </summary>
public sealed class DailyDigest(
    GuanjiaDbContext db, CommunityConfig config, TicketFigures figures, TicketTexts texts, PhotoStore photos, TimeProvider time, OutboxRoutes? routes = null)
{
    public async Task<DigestResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stamp = texts.Time(now);
        var outbox = new OutboxWriter(db, time) { Routes = routes ?? OutboxRoutes.None };
        var messages = 0;
        var charts = 0;
        foreach (var community in config.Communities)
        {
            var key = $"digest:{community.Id}:{now.ToUnixTimeSeconds() / 60}";
            if (await db.Outbox.AnyAsync(m => m.Key == key, cancellationToken))
            {
                continue;
            }

            var days = await SevenDaysAsync(new FiguresScope(Community: community.Id), now, cancellationToken);
            // A day is too short for 回访 (reporters rate days after 办结): the digest shows the last 30 days.
            var feedback = await figures.FeedbackAsync(new FiguresScope(Community: community.Id), now - FeedbackWindow, now, cancellationToken);
            outbox.ToCommunity(key, community, Summary(community, days[^1], stamp, feedback), null, config);
            messages++;

            var png = ChartRenderer.RenderPng(SevenDayPanels(days));
            if (await ChartStore.SaveAsync(photos, png, cancellationToken) is { } id)
            {
                outbox.ToCommunity($"{key}:chart", community, id, null, config, OutboxKind.Image);
                messages++;
                charts++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return new DigestResult(messages, charts);
    }

    /// <summary>Each department with open overdue tickets gets one list of them.</summary>
    public async Task<DigestResult> SendOverdueListsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var overdue = (await figures.ComputeAsync(FiguresScope.All, now, now, cancellationToken)).OverdueTickets;
        var outbox = new OutboxWriter(db, time) { Routes = routes ?? OutboxRoutes.None };
        var messages = 0;
        foreach (var group in overdue.GroupBy(t => t.Department, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var key = $"overdue-list:{group.Key}:{now.ToUnixTimeSeconds() / 60}";
            if (config.FindDepartment(group.Key) is not { } department || await db.Outbox.AnyAsync(m => m.Key == key, cancellationToken))
            {
                continue;
            }

            var text = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"**超时工单提醒** {texts.Time(now)}\n{department.Name}尚有 {group.Count()} 件超时未办结：");
            foreach (var t in group.OrderBy(t => t.DueAt))
            {
                text.Append('\n').Append(OverdueLine(t, now, withParty: false));
            }

            text.Append("\n请尽快处置，办结后回复“办结 单号”。");
            outbox.ToDepartment(key, department, OutboxKind.Markdown, text.ToString(), null);
            messages++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return new DigestResult(messages, 0);
    }

    /// <summary>The markdown of a community's digest.</summary>
    public string Summary(CommunityInfo community, PeriodFigures day, string stamp, FeedbackFigures? feedback = null)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"**{community.Name}工单日报** {stamp}\n")
            .Append(CultureInfo.InvariantCulture, $"今日新增 {day.Received} · 今日办结 {day.Resolved} · 仍在办理 {day.Open} · 超时 {day.Overdue}{TicketFigures.SettledOnTheSpot(day, " · 今日自处置 ")}");
        if (day.OverdueTickets.Count > 0)
        {
            text.Append("\n<font color=\"warning\">超时工单</font>");
            foreach (var t in day.OverdueTickets.Where(t => !t.Confidential))
            {
                text.Append('\n').Append(OverdueLine(t, day.To, withParty: true));
            }

            // The group reads how many confidential tips are late, never which.
            if (day.OverdueTickets.Count(t => t.Confidential) is > 0 and var hidden)
            {
                text.Append('\n').Append(ConfidentialCountLine(hidden));
            }
        }

        if (feedback is not null && TicketFigures.FeedbackLine(feedback) is { } line)
        {
            text.Append("\n近30日").Append(line);
        }

        if (day.ByCategory.Count > 0)
        {
            text.Append("\n分类：").Append(string.Join("，", day.ByCategory.Select(p => $"{texts.CategoryName(p.Key)} {p.Value}")));
        }

        if (day.TopReporters.Count > 0)
        {
            text.Append("\n今日管家之星：").Append(string.Join("，", day.TopReporters.Take(3).Select(p => $"{PersonName(p.Key)} {p.Value}件")));
        }

        return text.ToString();
    }

    /// <summary>How far back the digest's 回访率 and 满意率 look.</summary>
    public static TimeSpan FeedbackWindow { get; } = TimeSpan.FromDays(30);
    /// <summary>Confidential tips in a group's list: a count, never the tickets.</summary>
    public static string ConfidentialCountLine(int count) => $"> 保密线索 {count} 件（详情不在群内列出，书记可私聊小巷管家查看）";

    internal string OverdueLine(Ticket t, DateTimeOffset at, bool withParty)
    {
        var place = t.Compound is { } c && config.FindCompound(c) is { } compound ? compound.Name : "未注明小区";
        var party = withParty ? $" · {texts.DepartmentName(t.Department)}" : "";
        return $"> #{t.Number} {texts.CategoryName(t.Category)} · {place}{party} · 超时{ReminderScan.Duration(at - t.DueAt)}";
    }

    private string PersonName(string userId) => config.FindPerson(userId)?.Name ?? userId;

    /// <summary>Figures of the seven 24-hour days ending at <paramref name="end"/>, oldest first.</summary>
    public async Task<IReadOnlyList<PeriodFigures>> SevenDaysAsync(FiguresScope scope, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var days = new List<PeriodFigures>();
        for (var i = 6; i >= 0; i--)
        {
            days.Add(await figures.ComputeAsync(scope, end.AddDays(-i - 1), end.AddDays(-i), cancellationToken));
        }

        return days;
    }

    /// <summary>The digest's chart: new and resolved per day, then per category, over <paramref name="days"/>.</summary>
    public IReadOnlyList<ChartPanel> SevenDayPanels(IReadOnlyList<PeriodFigures> days)
    {
        var labels = days.Select(d => texts.Time(d.To)[..texts.Time(d.To).IndexOf(' ', StringComparison.Ordinal)]).ToList();
        var perDay = new ChartPanel(
            "近7日新增与办结",
            labels,
            [("新增", days.Select(d => (double)d.Received).ToList()), ("办结", days.Select(d => (double)d.Resolved).ToList())]);
        var categories = days.SelectMany(d => d.ByCategory).GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(g => (Code: g.Key, Count: g.Sum(p => p.Value)))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Code, StringComparer.Ordinal)
            .Take(8)
            .ToList();
        var resolved = days.SelectMany(d => d.ResolvedByCategory).GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Value), StringComparer.Ordinal);
        var byCategory = new ChartPanel(
            "近7日分类",
            categories.Count == 0 ? ["无"] : categories.Select(c => texts.CategoryName(c.Code)).ToList(),
            [
                ("新增", categories.Count == 0 ? [0] : categories.Select(c => (double)c.Count).ToList()),
                ("办结", categories.Count == 0 ? [0] : categories.Select(c => (double)resolved.GetValueOrDefault(c.Code)).ToList()),
            ]);
        return [perDay, byCategory];
    }
}

/// <summary>Charts go to the photo store so the outbox can send them like photos (by id, base64 + md5).</summary>
public static class ChartStore
{
    /// <summary>WeCom's limit for a robot image message.</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    /// <summary>Stores the PNG and returns its id, or null when it is too large to send.</summary>
    public static async Task<string?> SaveAsync(PhotoStore photos, byte[] png, CancellationToken cancellationToken)
    {
        if (png.Length > MaxBytes)
        {
            return null;
        }

        var id = PhotoStore.ComputeId(png);
        await photos.SaveAsync(id, png, png, cancellationToken);
        return id;
    }
}
