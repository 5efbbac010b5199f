namespace Guanjia.Core.Tickets;

/// <summary>Lifecycle of a ticket: 受理 → 派单 → 签收 → 办结 → 确认, with 退回, 撤销 and 合并.</summary>
public enum TicketStatus
{
    New,
    Dispatched,
    Accepted,
    Resolved,
    Closed,
    Returned,
    Cancelled,
    Merged,
}

public static class TicketStatusNames
{
    /// <summary>The wire code used in the API (`dispatched`).</summary>
    public static string Code(this TicketStatus status) => status switch
    {
        TicketStatus.New => "new",
        TicketStatus.Dispatched => "dispatched",
        TicketStatus.Accepted => "accepted",
        TicketStatus.Resolved => "resolved",
        TicketStatus.Closed => "closed",
        TicketStatus.Returned => "returned",
        TicketStatus.Cancelled => "cancelled",
        TicketStatus.Merged => "merged",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>What people read in chat.</summary>
    public static string Chinese(this TicketStatus status) => status switch
    {
        TicketStatus.New => "受理",
        TicketStatus.Dispatched => "已派单",
        TicketStatus.Accepted => "处置中",
        TicketStatus.Resolved => "已办结，待确认",
        TicketStatus.Closed => "已确认",
        TicketStatus.Returned => "退回社区",
        TicketStatus.Cancelled => "已撤销",
        TicketStatus.Merged => "重复，已合并",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? code, out TicketStatus status)
    {
        foreach (var candidate in Enum.GetValues<TicketStatus>())
        {
            if (string.Equals(candidate.Code(), code, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    public static bool IsOpen(this TicketStatus status) =>
        status is TicketStatus.New or TicketStatus.Dispatched or TicketStatus.Accepted or TicketStatus.Returned;
}
