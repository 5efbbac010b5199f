namespace Guanjia.Core.Tickets;

/// <summary>The kinds of <see cref="TicketEvent"/>, as stored and shown in the API.</summary>
public static class TicketEventKinds
{
    public const string Created = "created";
    public const string Dispatched = "dispatched";
    public const string Recategorised = "recategorised";
    public const string Accepted = "accepted";
    public const string Resolved = "resolved";
    public const string Returned = "returned";
    public const string Closed = "closed";
    public const string Reopened = "reopened";
    public const string Escalated = "escalated";
    public const string Merged = "merged";
    public const string MergedIn = "merged-in";
    public const string Urgent = "urgent";
    public const string Cancelled = "cancelled";
    public const string Overdue = "overdue";
    public const string PhotoAdded = "photo-added";
    public const string PhotoFailed = "photo-failed";
    public const string PossibleDuplicate = "possible-duplicate";
    /// <summary>The reporter (or a secretary) named the place afterwards (补充, or a follow-up message).</summary>
    public const string PlaceAdded = "place-added";
    /// <summary>The reporter (or a secretary) added a detail afterwards.</summary>
    public const string DetailAdded = "detail-added";
    /// <summary>The reporter rated the handling (评价); the note is the rating in Chinese.</summary>
    public const string Rated = "rated";
    /// <summary>A department asked for more time (延期); waits for a secretary.</summary>
    public const string ExtensionRequested = "extension-requested";
    /// <summary>A secretary agreed to an extension: the deadline moved (note: old → new).</summary>
    public const string Extended = "extended";
    /// <summary>A secretary refused an extension; the deadline stays.</summary>
    public const string ExtensionRefused = "extension-refused";
    /// <summary>随手办: the steward settled the problem on the spot; the ticket is born closed.</summary>
    public const string SettledOnTheSpot = "settled-on-the-spot";

    /// <summary>What people read for an event kind (查询).</summary>
    public static string Chinese(string kind) => kind switch
    {
        Created => "上报",
        Dispatched => "派单",
        Recategorised => "改类",
        Accepted => "接单",
        Resolved => "办结",
        Returned => "退回",
        Closed => "确认",
        Reopened => "重办",
        Escalated => "升级",
        Merged => "合并",
        MergedIn => "并入重复单",
        Urgent => "加急",
        Cancelled => "撤销",
        Overdue => "超时",
        PhotoAdded => "补充照片",
        PhotoFailed => "照片未收到",
        PossibleDuplicate => "疑似重复",
        PlaceAdded => "补充地点",
        DetailAdded => "补充说明",
        Rated => "评价",
        ExtensionRequested => "申请延期",
        Extended => "同意延期",
        ExtensionRefused => "不同意延期",
        SettledOnTheSpot => "随手办（当场解决）",
        _ => kind,
    };
}

/// <summary>Who did something when it was no person.</summary>
public static class TicketActors
{
    /// <summary>Guanjia itself: intake's automatic dispatch, the reminder scan's escalation.</summary>
    public const string System = "guanjia";

    /// <summary>How the system actor is shown to people.</summary>
    public const string SystemName = "系统";
}

/// <summary>When a ticket's photo was taken.</summary>
public static class PhotoStages
{
    /// <summary>With the report (or added to it afterwards).</summary>
    public const string Before = "before";

    /// <summary>With 办结: the result of the handling.</summary>
    public const string After = "after";
}
