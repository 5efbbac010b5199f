namespace Guanjia.Core.Scheduling;

/// <summary>
/// One reminder threshold a ticket has passed. The unique (ticket, kind) index is what makes each
/// reminder go out once, however often or concurrently the scan runs.
/// </summary>
public sealed class TicketReminder
{
    public long Id { get; set; }
    public int TicketNumber { get; set; }
    /// <summary>One of <see cref="ReminderKinds"/>.</summary>
    public required string Kind { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>The thresholds of the reminder scan, in the order they are reached.</summary>
public static class ReminderKinds
{
    /// <summary>50% of the time limit used.</summary>
    public const string Half = "half";
    /// <summary>80% of the time limit used.</summary>
    public const string Late = "late";
    /// <summary>Still not 签收 after the acceptance limit.</summary>
    public const string Accept = "accept";
    /// <summary>100%: overdue, told to the department and the community's secretaries.</summary>
    public const string Overdue = "overdue";
    /// <summary>200%: escalated to the street office.</summary>
    public const string Escalated = "escalated";
    /// <summary>A resolved ticket a day old: the reporter is asked to 确认 or 评价.</summary>
    public const string Confirm = "confirm";
    /// <summary>A resolved ticket past <c>street.confirmWithin</c>: closed automatically.</summary>
    public const string AutoClose = "auto-close";
    /// <summary>A returned ticket, in a group message (stored per day as <see cref="ReturnedDay"/>).</summary>
    public const string Returned = "returned";

    /// <summary>The stored kind for the n-th day a ticket has waited in 退回社区 (<c>returned-3</c>).</summary>
    public static string ReturnedDay(int day) => $"{Returned}-{day}";

    public static bool IsReturnedDay(string kind) => kind.StartsWith(Returned + "-", StringComparison.Ordinal);
}
