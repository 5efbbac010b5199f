using System.Globalization;
using System.Security.Claims;
using System.Text;
using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Guanjia.Bot.Points;

internal static class PointsApi
{
    public static WebApplicationBuilder AddGuanjiaPoints(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<Ledger>();
        builder.Services.TryAddScoped(NewBook);
        builder.Services.TryAddScoped<VoucherDesk>();
        builder.Services.AddScoped<Patrols>();
        builder.Services.AddScoped<Logbook>();
        builder.Services.AddScoped<Settlement>();
        return builder;
    }

    public static RouteGroupBuilder MapPointsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/points/statements", StatementsAsync);
        api.MapPost("/points/statements/{merchant}/{month}/paid", MarkPaidAsync);
        api.MapGet("/points/logbook", LogbookAsync);
        api.MapGet("/points/patrols", PatrolsAsync);
        api.MapGet("/points/{userid}", PersonAsync);
        return api;
    }

    /// <summary>The points book of the request's scope, logging its save conflicts.</summary>
    public static PointsBook NewBook(IServiceProvider services) => new(
        services.GetRequiredService<GuanjiaDbContext>(),
        services.GetRequiredService<CommunityConfig>(),
        services.GetRequiredService<StreetCalendar>(),
        services.GetRequiredService<TimeProvider>(),
        services.GetRequiredService<ILogger<PointsBook>>());

    /// <summary>
    /// The 记录本 of a month for the committee's 考核: every steward of the community (or the street),
    /// or one (<c>userid</c>); <c>Accept: text/csv</c> gives CSV.
    /// </summary>
    private static async Task<IResult> LogbookAsync(
        string? month, string? community, string? userid, HttpRequest request, Logbook logbook, CommunityConfig config,
        PointsBook book, CancellationToken cancellationToken)
    {
        var parsed = month is null ? book.ThisMonth : Logbook.ParseMonth(month);
        if (parsed is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad month", detail: "month must be YYYY-MM, e.g. 2026-11.");
        }

        if (community is not null && config.FindCommunity(community) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown community", detail: $"There is no community '{community}'.");
        }

        IReadOnlyList<LogbookMonth> pages;
        if (userid is not null)
        {
            if (config.FindPerson(userid) is not { } steward || !steward.HasRole(Person.StewardRole))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown steward", detail: $"There is no steward '{userid}'.");
            }

            pages = [await logbook.MonthOfAsync(steward, parsed, cancellationToken)];
        }
        else
        {
            pages = await logbook.CommunityMonthAsync(community, parsed, cancellationToken);
        }

        var wantsCsv = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        if (wantsCsv)
        {
            var name = $"logbook-{community ?? userid ?? config.Street.Id}-{parsed}.csv";
            return TypedResults.File(Encoding.UTF8.GetBytes(Logbook.Csv(pages)), "text/csv; charset=utf-8", name);
        }

        return TypedResults.Ok(pages.Select(p => new LogbookDto(
            p.UserId, p.Name, p.Community, p.Month,
            p.Reports.ToDictionary(r => r.Key.Code(), r => r.Value), p.ReportCount, p.OnTheSpot, p.Patrols, p.PatrolsPending,
            p.Tasks, p.ClaimsPending, p.Earned, p.Spent, p.Activity)).ToList());
    }

    /// <summary>A month of patrols (not refused) for the dashboard's per-compound calendar.</summary>
    private static async Task<IResult> PatrolsAsync(
        string? month, string? community, string? userid, Patrols patrols, CommunityConfig config, PointsBook book, CancellationToken cancellationToken)
    {
        var parsed = month is null ? book.ThisMonth : Logbook.ParseMonth(month);
        if (parsed is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad month", detail: "month must be YYYY-MM, e.g. 2026-11.");
        }

        var first = DateOnly.ParseExact(parsed + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rows = await patrols.MonthAsync(community, userid, first, cancellationToken);
        return TypedResults.Ok(new PatrolMonthDto(
            parsed,
            DateTime.DaysInMonth(first.Year, first.Month),
            rows.Select(p => new PatrolDto(
                p.Id, p.UserId, config.FindPerson(p.UserId)?.Name ?? p.UserId, p.Compound, config.FindCompound(p.Compound)?.Name ?? p.Compound,
                p.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.Proof, p.State.ToString().ToLowerInvariant(),
                p.LedgerKey is not null, p.DistanceMetres)).ToList()));
    }

    private static async Task<Results<Ok<PersonPointsDto>, ProblemHttpResult>> PersonAsync(
        string userid, GuanjiaDbContext db, CommunityConfig config, StreetCalendar street, CancellationToken cancellationToken)
    {
        var account = Ledger.PersonAccount(userid);
        var person = config.FindPerson(userid);
        if (person is null && !await db.LedgerAccounts.AnyAsync(a => a.Id == account, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown user", detail: $"There is no person '{userid}'.");
        }

        var movements = await db.LedgerMovements.AsNoTracking().Include(m => m.Transfer)
            .Where(m => m.Account == account).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var running = 0;
        var lines = movements.Select(m =>
        {
            running += m.Amount;
            return new MovementDto(
                TimeZoneInfo.ConvertTime(m.At, street.Zone), m.Amount, running, m.Transfer.Kind, m.Transfer.Reason,
                m.Transfer.By, m.Transfer.TicketNumber, m.Transfer.Note, m.Transfer.Key);
        }).ToList();
        var vouchers = await db.Vouchers.AsNoTracking().Where(v => v.Owner == userid).OrderBy(v => v.Id).ToListAsync(cancellationToken);
        var balance = await db.LedgerAccounts.AsNoTracking().Where(a => a.Id == account).Select(a => a.Balance).FirstOrDefaultAsync(cancellationToken);
        return TypedResults.Ok(new PersonPointsDto(
            userid,
            person?.Name,
            balance,
            lines,
            vouchers.Select(v => new VoucherDto(
                // The code is a bearer token worth money: the API shows only enough to recognise it.
                v.Code[..4] + "-****",
                v.Points,
                v.State.ToString().ToLowerInvariant(),
                TimeZoneInfo.ConvertTime(v.IssuedAt, street.Zone),
                TimeZoneInfo.ConvertTime(v.ExpiresAt, street.Zone),
                v.Merchant,
                v.RedeemedAt is { } r ? TimeZoneInfo.ConvertTime(r, street.Zone) : null)).ToList()));
    }

    private static async Task<IResult> StatementsAsync(
        string? month, HttpRequest request, Settlement settlement, StreetCalendar street, CancellationToken cancellationToken)
    {
        if (!Settlement.TryParseMonth(month, out var parsed))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad month", detail: "month must be YYYY-MM, e.g. 2026-11.");
        }

        var statements = (await settlement.StatementsAsync(parsed, cancellationToken)).Select(s => s.AsDto(street.Zone)).ToList();
        var wantsCsv = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        return wantsCsv
            ? TypedResults.Text(ToCsv(statements), "text/csv; charset=utf-8", Encoding.UTF8)
            : TypedResults.Ok(statements);
    }

    private static async Task<Results<Ok<StatementDto>, ProblemHttpResult>> MarkPaidAsync(
        string merchant, string month, ClaimsPrincipal user, Settlement settlement, StreetCalendar street, CancellationToken cancellationToken)
    {
        var result = await settlement.MarkPaidAsync(merchant, month, user.Identity?.Name ?? "api", cancellationToken);
        return result.Outcome switch
        {
            SettlementOutcome.Paid => TypedResults.Ok(result.Statement!.AsDto(street.Zone)),
            SettlementOutcome.BadMonth => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad month", detail: "month must be YYYY-MM, e.g. 2026-11."),
            SettlementOutcome.UnknownMerchant => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown merchant", detail: $"There is no merchant '{merchant}'."),
            SettlementOutcome.MonthNotOver => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Month not over", detail: $"{month} has not ended in street time; it can be paid from the first day of the next month."),
            SettlementOutcome.AlreadyPaid => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already paid", detail: $"The {month} statement of '{merchant}' was already marked paid."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: "Another change happened at the same time; retry."),
        };
    }

    private static string ToCsv(IEnumerable<StatementDto> statements)
    {
        var csv = new StringBuilder("month,merchant,merchantName,vouchers,points,cny,status,paidAt\r\n");
        foreach (var s in statements)
        {
            csv.AppendJoin(',',
                s.Month,
                Field(s.Merchant),
                Field(s.MerchantName),
                s.Vouchers.ToString(CultureInfo.InvariantCulture),
                s.Points.ToString(CultureInfo.InvariantCulture),
                s.Cny.ToString("0.00", CultureInfo.InvariantCulture),
                s.Status,
                s.PaidAt?.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture) ?? "");
            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static StatementDto AsDto(this MerchantStatementView s, TimeZoneInfo zone) => new(
        s.Month, s.Merchant, s.MerchantName, s.Vouchers, s.Points, s.Cny, s.Paid ? "paid" : "open",
        s.PaidAt is { } p ? TimeZoneInfo.ConvertTime(p, zone) : null, s.PaidBy);
}

internal sealed record LogbookDto(
    string UserId, string Name, string? Community, string Month, Dictionary<string, int> Reports, int ReportCount, int OnTheSpot,
    int Patrols, int PatrolsPending, int Tasks, int ClaimsPending, int Earned, int Spent, int Activity);

internal sealed record PatrolMonthDto(string Month, int Days, List<PatrolDto> Patrols);

internal sealed record PatrolDto(
    long Id, string UserId, string Name, string Compound, string CompoundName, string Day, string Proof, string State, bool Paid, int? DistanceMetres);

internal sealed record PersonPointsDto(string UserId, string? Name, int Balance, List<MovementDto> Movements, List<VoucherDto> Vouchers);

internal sealed record MovementDto(
    DateTimeOffset At, int Amount, int Balance, string Kind, string Reason, string By, int? Ticket, string? Note, string Key);

internal sealed record VoucherDto(
    string Code, int Points, string State, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string? Merchant, DateTimeOffset? RedeemedAt);

internal sealed record StatementDto(
    string Month, string Merchant, string MerchantName, int Vouchers, int Points, decimal Cny, string Status, DateTimeOffset? PaidAt, string? PaidBy);
