using Guanjia.Core.Community;
using Guanjia.Core.Digest;
using Guanjia.Core.Reports;
using Guanjia.Core.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Guanjia.Bot.Reports;

/// <summary>One group of a breakdown: its id, the name people read, and how many tickets.</summary>
public sealed record CountDto(string Id, string Name, int Count);

public sealed record OverdueTicketDto(int Number, string Category, string Community, string Department, DateTimeOffset DueAt);

/// <summary>
/// <see cref="PeriodFigures"/> of a period so far (From to the earlier of now and the period's end),
/// in street time, with names and ready-made Chinese texts for the rate and the medians.
/// </summary>
public sealed record FiguresDto(
    string Period,
    string? Community,
    string Scope,
    DateTimeOffset From,
    DateTimeOffset To,
    int Received,
    int Resolved,
    int ResolvedOnTime,
    int Open,
    int Overdue,
    int Returned,
    double? OnTimeRate,
    double? MedianToAcceptMinutes,
    double? MedianToResolveMinutes,
    string OnTimeRateText,
    string MedianToAcceptText,
    string MedianToResolveText,
    IReadOnlyList<CountDto> ByStatus,
    IReadOnlyList<CountDto> ByCategory,
    IReadOnlyList<CountDto> ByDepartment,
    IReadOnlyList<CountDto> ResolvedByCategory,
    IReadOnlyList<CountDto> TopReporters,
    IReadOnlyList<OverdueTicketDto> OverdueTickets)
{
    /// <summary>回访: tickets resolved in the period, how many were rated, and the ratings.</summary>
    public FeedbackDto? Feedback { get; init; }
}

/// <summary>
/// 回访率 (rated / resolved in the period) and 满意率 ((满意 + 基本满意) / rated), null when there is
/// nothing to divide by, with ready-made texts.
/// </summary>
public sealed record FeedbackDto(
    int Resolved, int Rated, int Satisfied, int Basic, int Unsatisfied,
    double? FeedbackRate, double? SatisfactionRate, string FeedbackRateText, string SatisfactionRateText);

/// <summary>
/// The dashboard's 统计: figures from <see cref="TicketFigures"/> and charts drawn by the same code
/// as the digests (today: the community digest's seven-day chart; week and month: the weekly
/// report's comparison of communities and departments).
/// </summary>
internal static class FiguresApi
{
    public static RouteGroupBuilder MapFiguresApi(this RouteGroupBuilder api)
    {
        api.MapGet("/figures", GetAsync);
        api.MapGet("/figures/chart.png", ChartAsync);
        return api;
    }

    private static async Task<Results<Ok<FiguresDto>, ProblemHttpResult>> GetAsync(
        string? period,
        string? community,
        TicketFigures figures,
        CommunityConfig config,
        TicketTexts texts,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (Validate(period, community, config) is { } problem)
        {
            return problem;
        }

        var parsed = Parse(period)!.Value;
        var (from, to) = SoFar(figures, parsed, time);
        var scope = new FiguresScope(Community: community);
        var f = await figures.ComputeAsync(scope, from, to, cancellationToken);
        return TypedResults.Ok(f.AsFiguresDto(PeriodName(parsed), community, config, texts, figures.Zone));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ChartAsync(
        string? period,
        string? community,
        TicketFigures figures,
        DailyDigest digest,
        WeeklyReport weekly,
        CommunityConfig config,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (Validate(period, community, config) is { } problem)
        {
            return problem;
        }

        var parsed = Parse(period)!.Value;
        if (parsed != StatsPeriod.Today && community is not null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Community not supported",
                detail: "The week and month charts compare all communities; community applies only to period=today.");
        }

        IReadOnlyList<ChartPanel> panels;
        if (parsed == StatsPeriod.Today)
        {
            var days = await digest.SevenDaysAsync(new FiguresScope(Community: community), time.GetUtcNow(), cancellationToken);
            panels = digest.SevenDayPanels(days);
        }
        else
        {
            var (from, to) = SoFar(figures, parsed, time);
            panels = (await weekly.ComposeAsync(from, to, cancellationToken)).Panels;
        }

        return TypedResults.File(ChartRenderer.RenderPng(panels), "image/png");
    }

    private static ProblemHttpResult? Validate(string? period, string? community, CommunityConfig config)
    {
        if (Parse(period) is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest, title: "Unknown period", detail: "period must be today, week or month.");
        }

        return community is not null && config.FindCommunity(community) is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown community", detail: $"There is no community '{community}'.")
            : null;
    }

    private static StatsPeriod? Parse(string? period) => period?.ToLowerInvariant() switch
    {
        null or "today" => StatsPeriod.Today,
        "week" => StatsPeriod.ThisWeek,
        "month" => StatsPeriod.ThisMonth,
        _ => null,
    };

    private static string PeriodName(StatsPeriod period) => period switch
    {
        StatsPeriod.Today => "today",
        StatsPeriod.ThisWeek => "week",
        _ => "month",
    };

    // Open and overdue are counted "as of To": for the running period that is now, not its end.
    private static (DateTimeOffset From, DateTimeOffset To) SoFar(TicketFigures figures, StatsPeriod period, TimeProvider time)
    {
        var (from, to) = figures.PeriodBounds(period);
        var now = time.GetUtcNow();
        return (from, now < to ? now : to);
    }

    private static FiguresDto AsFiguresDto(
        this PeriodFigures f, string period, string? community, CommunityConfig config, TicketTexts texts, TimeZoneInfo zone)
    {
        static List<CountDto> Named<TKey>(IEnumerable<KeyValuePair<TKey, int>> counts, Func<TKey, string> id, Func<TKey, string> name) =>
            [.. counts.Select(p => new CountDto(id(p.Key), name(p.Key), p.Value))];

        return new FiguresDto(
            period,
            community,
            community is null ? config.Street.Name : config.FindCommunity(community)?.Name ?? community,
            TimeZoneInfo.ConvertTime(f.From, zone),
            TimeZoneInfo.ConvertTime(f.To, zone),
            f.Received,
            f.Resolved,
            f.ResolvedOnTime,
            f.Open,
            f.Overdue,
            f.Returned,
            f.OnTimeRate,
            f.MedianToAccept?.TotalMinutes,
            f.MedianToResolve?.TotalMinutes,
            TicketFigures.Rate(f.OnTimeRate),
            TicketFigures.Span(f.MedianToAccept),
            TicketFigures.Span(f.MedianToResolve),
            Named(f.ByStatus, s => s.Code(), s => s.Chinese()),
            Named(f.ByCategory, c => c, texts.CategoryName),
            Named(f.ByDepartment, d => d, texts.DepartmentName),
            Named(f.ResolvedByCategory, c => c, texts.CategoryName),
            Named(f.TopReporters, r => r, r => config.FindPerson(r)?.Name ?? r),
            [.. f.OverdueTickets.Select(t => new OverdueTicketDto(t.Number, t.Category, t.Community, t.Department, TimeZoneInfo.ConvertTime(t.DueAt, zone)))])
        {
            Feedback = new FeedbackDto(
                f.Feedback.Resolved, f.Feedback.Rated, f.Feedback.Satisfied, f.Feedback.Basic, f.Feedback.Unsatisfied,
                f.Feedback.FeedbackRate, f.Feedback.SatisfactionRate,
                TicketFigures.Rate(f.Feedback.FeedbackRate), TicketFigures.Rate(f.Feedback.SatisfactionRate)),
        };
    }
}
