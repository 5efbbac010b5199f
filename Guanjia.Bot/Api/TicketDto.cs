using Guanjia.Core.Tickets;

namespace Guanjia.Bot.Api;

public sealed record TicketPhotoDto(string Id, string Stage, string Url, string ThumbUrl, int Width, int Height);

/// <summary>A history entry; <see cref="Photos"/> are the photo ids the change added (办结's after-photos).</summary>
public sealed record TicketEventDto(DateTimeOffset At, string Kind, string By, string? From, string? To, string? Note, IReadOnlyList<string> Photos);

public sealed record TicketDto(
    int Number,
    string Status,
    string Category,
    bool Urgent,
    bool LowConfidence,
    string Community,
    string? Compound,
    string Department,
    string Reporter,
    string Text,
    IReadOnlyList<TicketPhotoDto> Photos,
    DateTimeOffset CreatedAt,
    DateTimeOffset DueAt,
    DateTimeOffset? DispatchedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClosedAt,
    DateTimeOffset? EscalatedAt,
    int? PossibleDuplicateOf,
    int? MergedInto,
    IReadOnlyList<TicketEventDto> Events)
{
    /// <summary>回访: <c>satisfied</c>, <c>basic</c>, <c>unsatisfied</c>, or null while unrated.</summary>
    public string? Satisfaction { get; init; }

    public DateTimeOffset? RatedAt { get; init; }

    /// <summary>A 延期 waiting for a secretary (<c>2d</c>, <c>48h</c>, <c>3wd</c>), or null.</summary>
    public string? ExtensionRequest { get; init; }

    /// <summary>随手办: settled on the spot by the steward, born closed, never dispatched.</summary>
    public bool OnTheSpot { get; init; }

    /// <summary>A confidential tip: its text reaches only the department and the community's secretaries.</summary>
    public bool Confidential { get; init; }
}

internal static class TicketMapping
{
    public static TicketDto AsTicketDto(this Ticket ticket, TimeZoneInfo zone)
    {
        DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, zone);
        DateTimeOffset? LocalOrNull(DateTimeOffset? instant) => instant is { } i ? Local(i) : null;

        return new TicketDto(
            ticket.Number,
            ticket.Status.Code(),
            ticket.Category,
            ticket.Urgent,
            ticket.LowConfidence,
            ticket.Community,
            ticket.Compound,
            ticket.Department,
            ticket.Reporter,
            ticket.Text,
            [.. ticket.Photos.OrderBy(p => p.Id).Select(p => new TicketPhotoDto(
                p.PhotoId, p.Stage, $"/api/media/{p.PhotoId}", $"/api/media/{p.PhotoId}?size=thumb", p.Width, p.Height))],
            Local(ticket.CreatedAt),
            Local(ticket.DueAt),
            LocalOrNull(ticket.DispatchedAt),
            LocalOrNull(ticket.AcceptedAt),
            LocalOrNull(ticket.ResolvedAt),
            LocalOrNull(ticket.ClosedAt),
            LocalOrNull(ticket.EscalatedAt),
            ticket.PossibleDuplicateOf,
            ticket.MergedInto,
            [.. ticket.Events.OrderBy(e => e.Id).Select(e => new TicketEventDto(
                Local(e.At), e.Kind, e.By, e.FromStatus?.Code(), e.ToStatus?.Code(), e.Note,
                e.Photos is { Length: > 0 } photos ? photos.Split('|') : []))])
        {
            Satisfaction = ticket.Satisfaction,
            RatedAt = LocalOrNull(ticket.RatedAt),
            ExtensionRequest = ticket.ExtensionRequest,
            OnTheSpot = ticket.OnTheSpot,
            Confidential = ticket.Confidential,
        };
    }
}
