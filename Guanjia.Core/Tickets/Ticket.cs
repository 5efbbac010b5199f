namespace Guanjia.Core.Tickets;

/// <summary>A steward's report being handled. <see cref="Number"/> is what people type (#153).</summary>
public sealed class Ticket
{
    public int Number { get; set; }
    public TicketStatus Status { get; set; }
    public required string Category { get; set; }
    public bool Urgent { get; set; }
    /// <summary>The triage was unsure: the secretaries were asked to 改类.</summary>
    public bool LowConfidence { get; set; }
    public required string Community { get; set; }
    public string? Compound { get; set; }
    public required string Department { get; set; }
    public required string Reporter { get; set; }
    public required string Text { get; set; }
    /// <summary>Where the report came from: the community group chat id, or the reporter's id in 1:1.</summary>
    public required string Conversation { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>When the ticket was last escalated to the street office (升级).</summary>
    public DateTimeOffset? EscalatedAt { get; set; }
    /// <summary>An earlier open ticket this one may repeat (flagged, never merged automatically).</summary>
    public int? PossibleDuplicateOf { get; set; }
    public int? MergedInto { get; set; }
    /// <summary>回访: the reporter's rating (<see cref="Satisfactions"/>), or null while unrated.</summary>
    public string? Satisfaction { get; set; }
    public DateTimeOffset? RatedAt { get; set; }
    /// <summary>A department's 延期 waiting for a secretary: the extra time (<c>2d</c>, <c>48h</c>, <c>3wd</c>), or null.</summary>
    public string? ExtensionRequest { get; set; }
    /// <summary>随手办: the steward settled it on the spot; born closed, never dispatched, counted as 自处置.</summary>
    public bool OnTheSpot { get; set; }
    /// <summary>
    /// A confidential tip (its category's <c>confidential</c>, or its text): the text, photos and reporter
    /// reach only the department and the community's secretaries; groups see counts.
    /// </summary>
    public bool Confidential { get; set; }

    public List<TicketPhoto> Photos { get; } = [];

    /// <summary>
    /// Attaches a stored photo at <paramref name="stage"/>; false when the ticket already has it. A
    /// before-photo is never attached twice; an after-photo may repeat a before-photo (a department
    /// answering with the steward's own picture) but not another after-photo.
    /// </summary>
    public bool AttachPhoto(string photoId, string stage, int width, int height, long perceptualHash, DateTimeOffset at)
    {
        if (Photos.Any(p => p.PhotoId == photoId && (stage == PhotoStages.Before || p.Stage == stage)))
        {
            return false;
        }

        Photos.Add(new TicketPhoto
        {
            PhotoId = photoId,
            Stage = stage,
            Width = width,
            Height = height,
            PerceptualHash = perceptualHash,
            CreatedAt = at,
        });
        return true;
    }
    public List<TicketEvent> Events { get; } = [];
}

/// <summary>The answers to 评价, as stored and shown in the API.</summary>
public static class Satisfactions
{
    public const string Satisfied = "satisfied";
    public const string Basic = "basic";
    public const string Unsatisfied = "unsatisfied";

    /// <summary>The code for what people type (满意, 基本满意, 不满意), or null.</summary>
    public static string? FromChinese(string? word) => word switch
    {
        "满意" => Satisfied,
        "基本满意" => Basic,
        "不满意" => Unsatisfied,
        _ => null,
    };

    public static string Chinese(string code) => code switch
    {
        Satisfied => "满意",
        Basic => "基本满意",
        Unsatisfied => "不满意",
        _ => code,
    };

    /// <summary>满意 and 基本满意 count as satisfied in 满意率.</summary>
    public static bool IsSatisfied(string? code) => code is Satisfied or Basic;
}

/// <summary>Immutable history entry: who did what, when, from which status to which.</summary>
public sealed class TicketEvent
{
    public long Id { get; set; }
    public int TicketNumber { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Kind { get; set; }
    public required string By { get; set; }
    public TicketStatus? FromStatus { get; set; }
    public TicketStatus? ToStatus { get; set; }
    public string? Note { get; set; }
    /// <summary>Where a command was said (group chat id, or the user's id in 1:1): a later photo there joins it.</summary>
    public string? Conversation { get; set; }
    /// <summary>Photo ids this change added (the after-photos of 办结), `|`-separated.</summary>
    public string? Photos { get; set; }
}

public sealed class TicketPhoto
{
    public long Id { get; set; }
    public int TicketNumber { get; set; }
    /// <summary>Content address of the normalised JPEG in the photo store.</summary>
    public required string PhotoId { get; set; }
    /// <summary>`before` (with the report) or `after` (with 办结).</summary>
    public required string Stage { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public long PerceptualHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
