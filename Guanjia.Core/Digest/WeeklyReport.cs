using System.Globalization;
using System.Text;
using Guanjia.Core.Community;
using Guanjia.Core.Outbox;
using Guanjia.Core.Photos;
using Guanjia.Core.Points;
using Guanjia.Core.Reports;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Digest;

/// <summary>
/// The Monday report to the street office: last week (Monday to Sunday, street time) per community
/// and per department, the stewards' reports, and a chart.
/// </summary>
public sealed class WeeklyReport(
    GuanjiaDbContext db, CommunityConfig config, TicketFigures figures, TicketTexts texts, PhotoStore photos, TimeProvider time, OutboxRoutes? routes = null)
{
    public async Task<DigestResult> RunAsync(CancellationToken cancellationToken)
    {
        var to = figures.PeriodBounds(StatsPeriod.ThisWeek).From;
        var from = to.AddDays(-7);
        var key = $"weekly:{from.ToUnixTimeSeconds()}";
        if (config.FindDepartment(config.Street.Office) is not { } office || await db.Outbox.AnyAsync(m => m.Key == key, cancellationToken))
        {
            return new DigestResult(0, 0);
        }

        var report = await ComposeAsync(from, to, cancellationToken);
        var outbox = new OutboxWriter(db, time) { Routes = routes ?? OutboxRoutes.None };
        outbox.ToDepartment(key, office, OutboxKind.Markdown, report.Markdown, null);
        var messages = 1;
        var charts = 0;
        if (await ChartStore.SaveAsync(photos, ChartRenderer.RenderPng(report.Panels), cancellationToken) is { } id)
        {
            outbox.ToDepartment($"{key}:chart", office, OutboxKind.Image, id, null);
            messages++;
            charts++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return new DigestResult(messages, charts);
    }

    /// <summary>The report's markdown and chart panels for [from, to).</summary>
    public async Task<(string Markdown, IReadOnlyList<ChartPanel> Panels)> ComposeAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var all = await figures.ComputeAsync(FiguresScope.All, from, to, cancellationToken);
        var communities = new List<(string Name, PeriodFigures Figures)>();
        foreach (var community in config.Communities)
        {
            communities.Add((community.Name, await figures.ComputeAsync(new FiguresScope(Community: community.Id), from, to, cancellationToken)));
        }

        var departments = new List<(string Name, PeriodFigures Figures)>();
        foreach (var department in config.Departments)
        {
            var f = await figures.ComputeAsync(new FiguresScope(Department: department.Id), from, to, cancellationToken);
            if (f.Received + f.Resolved + f.Open > 0)
            {
                departments.Add((department.Name, f));
            }
        }

        var last = to.AddDays(-1);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"**{config.Street.Name}工单周报** {Day(from)}–{Day(last)}\n")
            .Append(CultureInfo.InvariantCulture, $"全街道：{Line(all)}");
        text.Append("\n**各社区**");
        foreach (var (name, f) in communities)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n> {name}：{Line(f)}");
        }

        text.Append("\n**各承办单位**");
        foreach (var (name, f) in departments)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n> {name}：{Line(f)}");
        }

        // The month's most active stewards by the whole 记录本, not by report count alone.
        var month = TimeZoneInfo.ConvertTime(last, figures.Zone).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var logbook = new Logbook(new PointsBook(db, config, StreetCalendar.For(config), time));
        var active = (await logbook.CommunityMonthAsync(null, month, cancellationToken)).Where(p => p.Activity > 0).Take(10).ToList();
        if (active.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n**{month} 最活跃的管家**（上报·随手办·巡查·任务）\n").Append(string.Join("，", active
                .Select(p => $"{p.Name} {p.Activity}（{p.ReportCount}·{p.OnTheSpot}·{p.Patrols}·{p.Tasks}）")));
        }

        IReadOnlyList<ChartPanel> panels =
        [
            new ChartPanel("各社区受理与办结", communities.Select(c => c.Name).ToList(),
                [("受理", communities.Select(c => (double)c.Figures.Received).ToList()), ("办结", communities.Select(c => (double)c.Figures.Resolved).ToList())]),
            new ChartPanel("各承办单位受理与办结", departments.Count == 0 ? ["无"] : departments.Select(d => d.Name).ToList(),
                [
                    ("受理", departments.Count == 0 ? [0] : departments.Select(d => (double)d.Figures.Received).ToList()),
                    ("办结", departments.Count == 0 ? [0] : departments.Select(d => (double)d.Figures.Resolved).ToList()),
                ]),
        ];
        return (text.ToString(), panels);
    }

    private string Line(PeriodFigures f)
    {
        var top = f.ByCategory.Count == 0 ? "" : " · 主要：" + string.Join("、", f.ByCategory.Take(3).Select(p => texts.CategoryName(p.Key)));
        return $"受理{f.Received} · 办结{f.Resolved}{TicketFigures.SettledOnTheSpot(f, " · 自处置")} · 按时办结率{TicketFigures.Rate(f.OnTimeRate)} · 签收{TicketFigures.Span(f.MedianToAccept)} · 办结用时{TicketFigures.Span(f.MedianToResolve)} · 退回{f.Returned} · 分诊准确率{TicketFigures.Rate(f.TriageAccuracy)} · 回访率{TicketFigures.Rate(f.Feedback.FeedbackRate)} · 满意率{TicketFigures.Rate(f.Feedback.SatisfactionRate)}{top}";
    }

    private string Day(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, figures.Zone).ToString("M月d日", CultureInfo.InvariantCulture);
}
