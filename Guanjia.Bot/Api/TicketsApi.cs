using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Bot.Api;

internal static class TicketsApi
{
    public static RouteGroupBuilder MapTicketsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/tickets", ListAsync);
        api.MapGet("/tickets/{number:int}", GetAsync);
        return api;
    }

    private static async Task<Results<Ok<List<TicketDto>>, ProblemHttpResult>> ListAsync(
        GuanjiaDbContext db,
        StreetCalendar street,
        string? status,
        string? community,
        string? department,
        string? category,
        DateTimeOffset? since,
        int? limit,
        CancellationToken cancellationToken)
    {
        var query = db.Tickets.AsNoTracking().Include(t => t.Photos).Include(t => t.Events).AsSplitQuery().AsQueryable();
        if (status is not null)
        {
            if (!TicketStatusNames.TryParse(status, out var parsed))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Unknown status",
                    detail: "status must be one of new, dispatched, accepted, resolved, closed, returned, cancelled, merged.");
            }

            query = query.Where(t => t.Status == parsed);
        }

        if (community is not null)
        {
            query = query.Where(t => t.Community == community);
        }

        if (department is not null)
        {
            query = query.Where(t => t.Department == department);
        }

        if (category is not null)
        {
            query = query.Where(t => t.Category == category);
        }

        if (since is { } s)
        {
            query = query.Where(t => t.CreatedAt >= s);
        }

        var take = Math.Clamp(limit ?? 200, 1, 1000);
        var tickets = await query.OrderByDescending(t => t.Number).Take(take).ToListAsync(cancellationToken);
        return TypedResults.Ok(tickets.Select(t => t.AsTicketDto(street.Zone)).ToList());
    }

    private static async Task<Results<Ok<TicketDto>, ProblemHttpResult>> GetAsync(
        int number, GuanjiaDbContext db, StreetCalendar street, CancellationToken cancellationToken)
    {
        var ticket = await db.Tickets.AsNoTracking()
            .Include(t => t.Photos).Include(t => t.Events).AsSplitQuery()
            .FirstOrDefaultAsync(t => t.Number == number, cancellationToken);
        return ticket is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Ticket not found", detail: $"There is no ticket #{number}.")
            : TypedResults.Ok(ticket.AsTicketDto(street.Zone));
    }
}
