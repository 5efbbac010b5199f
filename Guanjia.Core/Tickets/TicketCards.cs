using System.Globalization;
using Guanjia.Core.Commands;
using Guanjia.Core.Community;
using Guanjia.Core.Outbox;

namespace Guanjia.Core.Tickets;

/// <summary>
/// The ticket cards with buttons (where WeCom delivers them) and their wording. Every card says the
/// typed form of its buttons, so the same step can always be typed. Keys are <see cref="CardClicks"/>'.
/// </summary>
public static class TicketCards
{
    /// <summary>The dispatch card to the department's group: 接单 / 退回 / 办结 and a link to the ticket's page.</summary>
    public static OutboxCard Dispatch(TicketTexts texts, Ticket ticket, string reporterLabel, Uri? page) => new()
    {
        TaskId = TaskId(CardKinds.Dispatch, ticket.Number),
        Title = $"新工单 #{ticket.Number}{(ticket.Urgent ? " 紧急" : "")}",
        TitleNote = $"请在 {texts.Time(ticket.DueAt)} 前办结",
        Text = ticket.Text,
        Hint = $"点按钮或回复“接单 {ticket.Number}”“退回 {ticket.Number} 原因”“办结 {ticket.Number}”。",
        Fields =
        [
            new("分类", texts.CategoryName(ticket.Category)),
            new("地点", texts.Place(ticket)),
            new("上报", reporterLabel),
        ],
        Buttons =
        [
            new("接单", Key(CardClicks.Accept, ticket.Number), 1),
            new("退回", Key(CardClicks.Reject, ticket.Number), 2),
            new("办结", Key(CardClicks.Done, ticket.Number), 4),
        ],
        LinkTitle = page is null ? null : "查看工单",
        LinkUrl = page?.ToString(),
    };

    /// <summary>To the reporter on 办结: how was it handled (满意 / 基本满意 / 不满意), or 未解决 重办.</summary>
    public static OutboxCard Rating(TicketTexts texts, Ticket ticket, Uri? page, bool inGroup) => new()
    {
        TaskId = TaskId(CardKinds.Rating, ticket.Number),
        Title = $"工单 #{ticket.Number} 已办结",
        TitleNote = "请评价处理结果",
        Text = $"{texts.CategoryName(ticket.Category)}，{texts.Place(ticket)}。",
        Hint = $"已解决请评价，未解决请点“重办”。也可回复“评价 {ticket.Number} 满意”或“重办 {ticket.Number} 原因”。"
            + (inGroup ? "只有上报人的点击有效。" : ""),
        Buttons =
        [
            new("满意", Key(CardClicks.Rate, ticket.Number, "1"), 4),
            new("基本满意", Key(CardClicks.Rate, ticket.Number, "2"), 1),
            new("不满意", Key(CardClicks.Rate, ticket.Number, "3"), 2),
            new("未解决 重办", Key(CardClicks.Reopen, ticket.Number), 3),
        ],
        LinkTitle = page is null ? null : "查看工单",
        LinkUrl = page?.ToString(),
        Mention = inGroup ? ticket.Reporter : null,
    };

    /// <summary>The line under a 办结 notice when the rating card goes with it.</summary>
    public static string RatingBelow(int number) => $"\n请在下方卡片评价，或回复“评价 {number} 满意|基本满意|不满意”。";

    /// <summary>To the secretaries when triage was unsure: the likeliest categories as buttons.</summary>
    public static OutboxCard Recategorise(TicketTexts texts, Ticket ticket, IReadOnlyList<Category> candidates, Uri? page) => new()
    {
        TaskId = TaskId(CardKinds.Recategorise, ticket.Number),
        Title = $"工单 #{ticket.Number} 分类待定",
        TitleNote = $"已暂交{texts.DepartmentName(ticket.Department)}",
        Text = ticket.Text,
        Hint = $"请选分类，或回复“改类 {ticket.Number} 代码”。",
        Fields = [new("地点", texts.Place(ticket))],
        Buttons = [.. candidates.Take(5).Select(c => new OutboxCardButton(c.Name, Key(CardClicks.Recategorise, ticket.Number, c.Code)))],
        LinkTitle = page is null ? null : "查看工单",
        LinkUrl = page?.ToString(),
    };

    /// <summary>To the community's secretaries on a possible duplicate: 合并 into the earlier ticket, or 不是重复.</summary>
    public static OutboxCard Duplicate(Ticket ticket, int earlier, bool byPhoto, Uri? page) => new()
    {
        TaskId = TaskId(CardKinds.Duplicate, ticket.Number),
        Title = $"工单 #{ticket.Number} 可能重复",
        TitleNote = $"与 #{earlier} {(byPhoto ? "照片相似" : "同小区同类，24小时内")}",
        Text = ticket.Text,
        Hint = $"确属重复请点“合并”，或回复“合并 {ticket.Number} {earlier}”。",
        Buttons =
        [
            new("合并", Key(CardClicks.Merge, ticket.Number, earlier.ToString(CultureInfo.InvariantCulture)), 1),
            new("不是重复", Key(CardClicks.NotDuplicate, ticket.Number), 2),
        ],
        LinkTitle = page is null ? null : "查看工单",
        LinkUrl = page?.ToString(),
    };

    /// <summary>To the secretaries on an extension request: 同意 / 不同意.</summary>
    public static OutboxCard Extension(Ticket ticket, string department, string asked, string reason, Uri? page) => new()
    {
        TaskId = TaskId(CardKinds.Extension, ticket.Number) + "-" + ticket.DueAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        Title = $"工单 #{ticket.Number} 申请延期",
        TitleNote = $"{department}申请延长 {asked}",
        Text = $"原因：{reason}",
        Hint = $"点按钮或回复“同意延期 {ticket.Number}”“不同意延期 {ticket.Number} 原因”。",
        Buttons =
        [
            new("同意", Key(CardClicks.ExtendOk, ticket.Number), 4),
            new("不同意", Key(CardClicks.ExtendNo, ticket.Number), 2),
        ],
        LinkTitle = page is null ? null : "查看工单",
        LinkUrl = page?.ToString(),
    };

    /// <summary>The card a click came from, rebuilt from the ticket when the sent card is not at hand.</summary>
    public static string? KindOf(string action) => action switch
    {
        CardClicks.Accept or CardClicks.Reject or CardClicks.Done => CardKinds.Dispatch,
        CardClicks.Rate or CardClicks.Reopen or CardClicks.Confirm => CardKinds.Rating,
        CardClicks.Recategorise => CardKinds.Recategorise,
        CardClicks.ExtendOk or CardClicks.ExtendNo => CardKinds.Extension,
        CardClicks.Merge or CardClicks.NotDuplicate => CardKinds.Duplicate,
        _ => null,
    };

    public static string Key(string action, int number, string? argument = null) =>
        argument is null
            ? string.Create(CultureInfo.InvariantCulture, $"{action}:{number}")
            : string.Create(CultureInfo.InvariantCulture, $"{action}:{number}:{argument}");

    // task_id: letters, digits, '-', '_' and '@', unique per bot; a card sent again for the same step may share it.
    private static string TaskId(string kind, int number) => string.Create(CultureInfo.InvariantCulture, $"gj-{kind}-{number}");

    public static class CardKinds
    {
        public const string Dispatch = "dispatch";
        public const string Rating = "rating";
        public const string Recategorise = "recat";
        public const string Extension = "extend";
        public const string Duplicate = "dup";
    }
}
