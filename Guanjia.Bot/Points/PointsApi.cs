using System.Globalization;
using System.Security.Claims;
using System.Text;
using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Bot.Points;

internal static class PointsApi
{
    public static WebApplicationBuilder AddGuanjiaPoints(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<Ledger>();
        builder.Services.AddScoped<PointsService>();
        builder.Services.AddScoped<Settlement>();
        return builder;
    }

    public static RouteGroupBuilder MapPointsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/points/statements", StatementsAsync);
        api.MapPost("/points/statements/{merchant}/{month}/paid", MarkPaidAsync);
        api.MapGet("/points/{userid}", PersonAsync);
        return api;
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

internal sealed record PersonPointsDto(string UserId, string? Name, int Balance, List<MovementDto> Movements, List<VoucherDto> Vouchers);

internal sealed record MovementDto(
    DateTimeOffset At, int Amount, int Balance, string Kind, string Reason, string By, int? Ticket, string? Note, string Key);

internal sealed record VoucherDto(
    string Code, int Points, string State, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string? Merchant, DateTimeOffset? RedeemedAt);

internal sealed record StatementDto(
    string Month, string Merchant, string MerchantName, int Vouchers, int Points, decimal Cny, string Status, DateTimeOffset? PaidAt, string? PaidBy);
