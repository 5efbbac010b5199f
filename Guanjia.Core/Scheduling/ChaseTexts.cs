using Guanjia.Core.Community;
using Guanjia.Core.Tickets;

namespace Guanjia.Core.Scheduling;

/// <summary>What the reminder scan says when it chases tickets that wait for people (回访, 退回).</summary>
public static class ChaseTexts
{
    /// <summary>To the reporter, a day after 办结.</summary>
    public static string ConfirmReminder(Ticket ticket, TicketTexts texts, DateTimeOffset closesAt) =>
        $"您上报的工单 #{ticket.Number}（{texts.CategoryName(ticket.Category)}，{texts.Place(ticket)}）已办结，请核实：" +
        $"\n已解决请回复“确认 {ticket.Number}”，或评价“评价 {ticket.Number} 满意|基本满意|不满意”；未解决请回复“重办 {ticket.Number} 原因”。" +
        $"\n{texts.Time(closesAt)} 前未答复将自动结案。";

    /// <summary>The note of the automatic 结案 event.</summary>
    public static string AutoCloseNote(TimeLimit confirmWithin) => $"办结后{Describe(confirmWithin)}未确认，自动结案";

    /// <summary>To the reporter when the ticket was closed without their answer.</summary>
    public static string AutoClosed(Ticket ticket, TicketTexts texts) =>
        $"您上报的工单 #{ticket.Number}（{texts.CategoryName(ticket.Category)}）办结后未收到您的确认，已自动结案。" +
        $"\n仍可评价：评价 {ticket.Number} 满意|基本满意|不满意；问题如仍存在，请重新上报。";

    /// <summary>One line of the secretaries' daily reminder about a returned ticket.</summary>
    public static string ReturnedLine(Ticket ticket, TicketTexts texts, TimeSpan? waited) =>
        $"> #{ticket.Number} {texts.CategoryName(ticket.Category)} · {texts.Place(ticket)} · {texts.DepartmentName(ticket.Department)}退回"
        + (waited is { } w ? $" · 已等{ReminderScan.Duration(w)}" : "");

    private static string Describe(TimeLimit limit) => limit.Unit switch
    {
        TimeLimitUnit.WorkingDays => $"{limit.Amount}个工作日",
        TimeLimitUnit.Days => $"{limit.Amount}天",
        TimeLimitUnit.Hours => $"{limit.Amount}小时",
        TimeLimitUnit.Minutes => $"{limit.Amount}分钟",
        _ => $"{limit.Amount}秒",
    };
}
