using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Bot.Api;

/// <summary>A stored callback as the dashboard's 死信 list shows it.</summary>
internal sealed record InboxMessageDto(
    long Id,
    string State,
    string Channel,
    string MessageId,
    string Sender,
    string? SenderName,
    string? ChatId,
    string? Text,
    int Images,
    DateTimeOffset ReceivedAt,
    int Attempts,
    string? LastError,
    DateTimeOffset? DeadAt);

/// <summary><c>GET /api/inbox?state=dead|pending</c> and <c>POST /api/inbox/{id}/retry</c> (dead letters back to pending).</summary>
internal static class InboxApi
{
    private const int Limit = 500;

    public static RouteGroupBuilder MapInboxApi(this RouteGroupBuilder api)
    {
        api.MapGet("/inbox", ListAsync);
        api.MapPost("/inbox/{id:long}/retry", RetryAsync);
        return api;
    }

    private static async Task<Results<Ok<List<InboxMessageDto>>, ProblemHttpResult>> ListAsync(
        GuanjiaDbContext db, StreetCalendar street, CommunityConfig config, string? state, CancellationToken cancellationToken)
    {
        IQueryable<InboxMessage> query;
        switch (state)
        {
            case null or "dead":
                query = InboxRetryPolicy.DeadLetters(db).OrderByDescending(m => m.Id);
                break;
            case "pending":
                query = db.Inbox.Where(m => m.ProcessedAt == null && m.DeadAt == null).OrderBy(m => m.Id);
                break;
            default:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Unknown state",
                    detail: "state must be dead or pending.");
        }

        var rows = await query.AsNoTracking().Take(Limit).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(r => r.AsInboxDto(street.Zone, config)).ToList());
    }

    private static async Task<Results<Ok<InboxMessageDto>, ProblemHttpResult>> RetryAsync(
        long id, GuanjiaDbContext db, StreetCalendar street, CommunityConfig config, CancellationToken cancellationToken)
    {
        switch (await InboxRetryPolicy.RetryAsync(db, id, cancellationToken))
        {
            case InboxRetryResult.NotFound:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Message not found", detail: $"There is no inbox message {id}.");
            case InboxRetryResult.NotDead:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Not a dead letter",
                    detail: $"Inbox message {id} is pending or already processed; only dead letters are retried.");
            default:
                var row = await db.Inbox.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
                return TypedResults.Ok(row.AsInboxDto(street.Zone, config));
        }
    }

    private static InboxMessageDto AsInboxDto(this InboxMessage row, TimeZoneInfo zone, CommunityConfig config)
    {
        var message = row.TryReadPayload();
        return new InboxMessageDto(
            row.Id,
            row.ProcessedAt is not null ? "processed" : row.DeadAt is not null ? "dead" : "pending",
            row.Channel.ToString().ToLowerInvariant(),
            row.MessageId,
            row.SenderId,
            config.FindPerson(row.SenderId)?.Name,
            row.ChatId,
            message?.Text,
            message?.Images.Count ?? 0,
            TimeZoneInfo.ConvertTime(row.ReceivedAt, zone),
            row.Attempts,
            row.LastError,
            row.DeadAt is { } dead ? TimeZoneInfo.ConvertTime(dead, zone) : null);
    }
}
