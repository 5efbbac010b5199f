using Guanjia.Core.Outbox;

namespace Guanjia.Core.Tickets;

/// <summary>Moving a ticket to another department: the status change through <see cref="TicketLifecycle"/>, then the messages.</summary>
public static class TicketRouting
{
    /// <summary>
    /// Sets the department and dispatches: the new party gets the dispatch (with the photos), the
    /// old one, if it had the ticket, is told it no longer needs to act. Callers check
    /// <see cref="TicketLifecycle.CanApply"/> for <see cref="TicketAction.Dispatch"/> first.
    /// </summary>
    public static void Redispatch(
        Ticket ticket, string departmentId, string by, DateTimeOffset now, string note, string? conversation,
        OutboxWriter outbox, TicketNotices notices, TicketTexts texts, string key)
    {
        var previous = ticket.Department;
        var previousHadIt = ticket.Status is TicketStatus.Dispatched or TicketStatus.Accepted;
        ticket.Department = departmentId;
        TicketLifecycle.Apply(ticket, TicketAction.Dispatch, by, now, note, conversation);
        notices.Dispatch(outbox, $"{key}:ticket:{ticket.Number}", ticket);
        if (previousHadIt && previous != departmentId)
        {
            notices.ToDepartment(outbox, $"{key}:taken-away", previous,
                $"工单 #{ticket.Number} 已改派给{texts.DepartmentName(departmentId)}，贵单位无需再处理。", ticket.Number);
        }
    }
}
