namespace Guanjia.Core.Tickets;

/// <summary>What can be done to a ticket. Each action has one row in <see cref="TicketLifecycle"/>.</summary>
public enum TicketAction
{
    Dispatch,
    Recategorise,
    Accept,
    Resolve,
    Return,
    Close,
    Reopen,
    Escalate,
    Merge,
    MarkUrgent,
    Cancel,
}

/// <summary>
/// The allowed transitions (受理 → 派单 → 签收 → 办结 → 确认, with 退回, 重办, 撤销, 合并) and the
/// one place that changes a ticket's status: every change appends an immutable event.
/// </summary>
public static class TicketLifecycle
{
    private static readonly TicketStatus[] Open =
        [TicketStatus.New, TicketStatus.Dispatched, TicketStatus.Accepted, TicketStatus.Returned];

    private static readonly Dictionary<TicketAction, Transition> Table = new()
    {
        [TicketAction.Dispatch] = new(Open, TicketStatus.Dispatched, TicketEventKinds.Dispatched),
        [TicketAction.Recategorise] = new(Open, null, TicketEventKinds.Recategorised),
        [TicketAction.Accept] = new([TicketStatus.Dispatched], TicketStatus.Accepted, TicketEventKinds.Accepted),
        [TicketAction.Resolve] = new([TicketStatus.Dispatched, TicketStatus.Accepted], TicketStatus.Resolved, TicketEventKinds.Resolved),
        [TicketAction.Return] = new([TicketStatus.Dispatched, TicketStatus.Accepted], TicketStatus.Returned, TicketEventKinds.Returned),
        [TicketAction.Close] = new([TicketStatus.Resolved], TicketStatus.Closed, TicketEventKinds.Closed),
        [TicketAction.Reopen] = new([TicketStatus.Resolved], TicketStatus.Dispatched, TicketEventKinds.Reopened),
        [TicketAction.Escalate] = new(Open, null, TicketEventKinds.Escalated),
        [TicketAction.Merge] = new(Open, TicketStatus.Merged, TicketEventKinds.Merged),
        [TicketAction.MarkUrgent] = new(Open, null, TicketEventKinds.Urgent),
        [TicketAction.Cancel] = new(Open, TicketStatus.Cancelled, TicketEventKinds.Cancelled),
    };

    /// <summary>
    /// Records the birth of a ticket (受理) and, in the same step, dispatches it to its
    /// <see cref="Ticket.Department"/> as the system. The ticket must be new and have no history.
    /// </summary>
    public static void Create(Ticket ticket, DateTimeOffset now, string? createdNote, string? dispatchNote)
    {
        if (ticket.Status != TicketStatus.New || ticket.Events.Count > 0)
        {
            throw new InvalidOperationException("Only a new ticket without history can be created.");
        }

        ticket.CreatedAt = now;
        ticket.Events.Add(new TicketEvent
        {
            At = now,
            Kind = TicketEventKinds.Created,
            By = ticket.Reporter,
            ToStatus = TicketStatus.New,
            Note = createdNote,
        });
        Apply(ticket, TicketAction.Dispatch, TicketActors.System, now, dispatchNote);
    }

    /// <summary>
    /// Records the birth of a problem the steward settled on the spot (随手办): created and closed in
    /// one step by the reporter, never dispatched. The ticket must be new and have no history.
    /// </summary>
    public static void CreateSettled(Ticket ticket, DateTimeOffset now, string? note)
    {
        if (ticket.Status != TicketStatus.New || ticket.Events.Count > 0)
        {
            throw new InvalidOperationException("Only a new ticket without history can be created.");
        }

        ticket.CreatedAt = now;
        ticket.OnTheSpot = true;
        ticket.DueAt = now;
        ticket.ResolvedAt = now;
        ticket.ClosedAt = now;
        ticket.Events.Add(new TicketEvent { At = now, Kind = TicketEventKinds.Created, By = ticket.Reporter, ToStatus = TicketStatus.New });
        ticket.Status = TicketStatus.Closed;
        ticket.Events.Add(new TicketEvent
        {
            At = now,
            Kind = TicketEventKinds.SettledOnTheSpot,
            By = ticket.Reporter,
            FromStatus = TicketStatus.New,
            ToStatus = TicketStatus.Closed,
            Note = note is { Length: > 2000 } ? note[..2000] : note,
        });
    }

    /// <summary>Escalation to the street office (升级), by a person or by the reminder scan as <see cref="TicketActors.System"/>.</summary>
    public static TicketEvent Escalate(Ticket ticket, string by, DateTimeOffset now, string? note = null, string? conversation = null) =>
        Apply(ticket, TicketAction.Escalate, by, now, note, conversation);

    /// <summary>
    /// A history entry that changes no status (a photo or a place added, a possible duplicate).
    /// </summary>
    public static TicketEvent Record(
        Ticket ticket, string kind, string by, DateTimeOffset now,
        string? note = null, string? conversation = null, IReadOnlyCollection<string>? photos = null)
    {
        var entry = new TicketEvent
        {
            At = now,
            Kind = kind,
            By = by,
            Note = note is { Length: > 2000 } ? note[..2000] : note,
            Conversation = conversation,
            Photos = photos is { Count: > 0 } ? string.Join('|', photos) : null,
        };
        ticket.Events.Add(entry);
        return entry;
    }

    /// <summary>
    /// Whether the reporter may rate now: a resolved or closed ticket not rated yet, or one rated
    /// 不满意 that has been resolved again since.
    /// </summary>
    public static bool CanRate(Ticket ticket) =>
        ticket.Status is TicketStatus.Resolved or TicketStatus.Closed
        && (ticket.Satisfaction is null || (ticket.Status == TicketStatus.Resolved && ticket.Satisfaction == Satisfactions.Unsatisfied));

    /// <summary>
    /// 评价: stores the rating with a <see cref="TicketEventKinds.Rated"/> event. On a resolved ticket
    /// 满意 and 基本满意 also close it, 不满意 reopens it to the same department.
    /// </summary>
    public static TicketEvent Rate(Ticket ticket, string satisfaction, string by, DateTimeOffset now, string? conversation = null)
    {
        if (!CanRate(ticket))
        {
            throw new InvalidOperationException($"Ticket #{ticket.Number} cannot be rated now.");
        }

        ticket.Satisfaction = satisfaction;
        ticket.RatedAt = now;
        var rated = Record(ticket, TicketEventKinds.Rated, by, now, Satisfactions.Chinese(satisfaction), conversation);
        if (ticket.Status == TicketStatus.Resolved)
        {
            var satisfied = Satisfactions.IsSatisfied(satisfaction);
            Apply(ticket, satisfied ? TicketAction.Close : TicketAction.Reopen, by, now,
                satisfied ? $"评价{Satisfactions.Chinese(satisfaction)}" : "评价不满意，重办", conversation);
        }

        return rated;
    }

    /// <summary>延期 may be asked while the department holds the ticket, one request at a time.</summary>
    public static bool CanRequestExtension(Ticket ticket) =>
        ticket.Status is TicketStatus.Dispatched or TicketStatus.Accepted && ticket.ExtensionRequest is null;

    /// <summary>Records a department's 延期 request (<paramref name="extra"/>, e.g. <c>2d</c>); the deadline waits for a secretary.</summary>
    public static TicketEvent RequestExtension(Ticket ticket, string extra, string by, DateTimeOffset now, string note, string? conversation = null)
    {
        if (!CanRequestExtension(ticket))
        {
            throw new InvalidOperationException($"Ticket #{ticket.Number} cannot take an extension request now.");
        }

        ticket.ExtensionRequest = extra;
        return Record(ticket, TicketEventKinds.ExtensionRequested, by, now, note, conversation);
    }

    /// <summary>
    /// Decides the pending 延期: agreed moves the deadline to <paramref name="newDue"/> (an
    /// <see cref="TicketEventKinds.Extended"/> event), refused leaves it. Either way the request is settled.
    /// </summary>
    public static TicketEvent DecideExtension(Ticket ticket, bool agreed, DateTimeOffset newDue, string by, DateTimeOffset now, string note, string? conversation = null)
    {
        if (ticket.ExtensionRequest is null)
        {
            throw new InvalidOperationException($"Ticket #{ticket.Number} has no pending extension request.");
        }

        ticket.ExtensionRequest = null;
        if (agreed)
        {
            ticket.DueAt = newDue;
        }

        return Record(ticket, agreed ? TicketEventKinds.Extended : TicketEventKinds.ExtensionRefused, by, now, note, conversation);
    }

    public static bool CanApply(TicketStatus status, TicketAction action) => Table[action].From.Contains(status);

    /// <summary>The statuses the action may start from (for the refusal message).</summary>
    public static IReadOnlyList<TicketStatus> From(TicketAction action) => Table[action].From;

    /// <summary>The event kind the action records.</summary>
    public static string Kind(TicketAction action) => Table[action].Kind;

    /// <summary>
    /// Applies <paramref name="action"/>: status, the clock it starts or stops, and the event.
    /// Callers check <see cref="CanApply"/> first; applying a forbidden action is a bug.
    /// </summary>
    public static TicketEvent Apply(
        Ticket ticket, TicketAction action, string by, DateTimeOffset now,
        string? note = null, string? conversation = null, IReadOnlyCollection<string>? photos = null)
    {
        var row = Table[action];
        if (!row.From.Contains(ticket.Status))
        {
            throw new InvalidOperationException($"Ticket #{ticket.Number}: {action} is not allowed from {ticket.Status}.");
        }

        var from = ticket.Status;
        switch (action)
        {
            case TicketAction.Dispatch:
            case TicketAction.Reopen:
                // 签收 and 办结 are measured again from the new dispatch.
                ticket.DispatchedAt = now;
                ticket.AcceptedAt = null;
                ticket.ResolvedAt = null;
                break;
            case TicketAction.Accept:
                ticket.AcceptedAt = now;
                break;
            case TicketAction.Resolve:
                ticket.ResolvedAt = now;
                break;
            case TicketAction.Close:
                ticket.ClosedAt = now;
                break;
            case TicketAction.Escalate:
                ticket.EscalatedAt = now;
                break;
            case TicketAction.MarkUrgent:
                ticket.Urgent = true;
                break;
        }

        if (action is TicketAction.Dispatch or TicketAction.Reopen || row.To is not (null or TicketStatus.Dispatched or TicketStatus.Accepted))
        {
            // A pending 延期 is for the department holding the ticket now; any move settles it.
            ticket.ExtensionRequest = null;
        }

        if (row.To is { } to)
        {
            ticket.Status = to;
        }

        var entry = new TicketEvent
        {
            At = now,
            Kind = row.Kind,
            By = by,
            FromStatus = from,
            ToStatus = row.To,
            Note = note is { Length: > 2000 } ? note[..2000] : note,
            Conversation = conversation,
            Photos = photos is { Count: > 0 } ? string.Join('|', photos) : null,
        };
        ticket.Events.Add(entry);
        return entry;
    }

    private sealed record Transition(TicketStatus[] From, TicketStatus? To, string Kind);
}
