using System.Globalization;

namespace Guanjia.Core.Commands;

/// <summary>
/// A card button's event key (<c>&lt;action&gt;:&lt;n&gt;[:&lt;argument&gt;]</c>, contract "Cards") as the command
/// the clicker could have typed, and the outcome a card shows once the command ran.
/// </summary>
public static class CardClicks
{
    public const string Accept = "accept";
    public const string Reject = "reject";
    public const string Done = "done";
    public const string Confirm = "confirm";
    public const string Reopen = "reopen";
    public const string Rate = "rate";
    public const string Recategorise = "recat";
    public const string Merge = "merge";
    public const string NotDuplicate = "notdup";
    public const string ExtendOk = "extend-ok";
    public const string ExtendNo = "extend-no";

    /// <summary>The 评价 words of <c>rate:&lt;n&gt;:1|2|3</c>.</summary>
    public static readonly IReadOnlyList<string> Ratings = ["满意", "基本满意", "不满意"];

    /// <summary>
    /// The command said by the clicker, e.g. <c>accept:12</c> → <c>接单 12</c>, <c>rate:12:1</c> → <c>评价 12 满意</c>;
    /// null for a key that names no command (an unknown action, a rating outside 1–3, a missing argument).
    /// 退回 needs a reason the card cannot give: see <see cref="NeedsTyping"/>.
    /// </summary>
    public static string? CommandText(string action, int number, string? argument)
    {
        var n = number.ToString(CultureInfo.InvariantCulture);
        return action switch
        {
            Accept when argument is null => $"接单 {n}",
            Reject => $"退回 {n}",
            Done when argument is null => $"办结 {n}",
            Confirm when argument is null => $"确认 {n}",
            Reopen when argument is null => $"重办 {n} 未解决",
            Rate when argument is "1" or "2" or "3" => $"评价 {n} {Ratings[argument[0] - '1']}",
            Recategorise when argument is { Length: > 0 } code => $"改类 {n} {code}",
            Merge when argument is { } main && int.TryParse(main, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m > 0 => $"合并 {n} {m}",
            ExtendOk when argument is null => $"同意延期 {n}",
            ExtendNo when argument is null => $"不同意延期 {n}",
            _ => null,
        };
    }

    /// <summary>What a click cannot finish by itself: the clicker is asked to type the rest (退回 needs a reason).</summary>
    public static string? NeedsTyping(string action, int number) => action switch
    {
        Reject => $"请回复“退回 {number} 原因”，说明退回的原因，工单会转回社区。",
        _ => null,
    };

    /// <summary>"不是重复" keeps both tickets: nothing changes, the card just says so.</summary>
    public static bool ChangesNothing(string action) => action == NotDuplicate;

    /// <summary>What the card shows everyone once the click's command ran.</summary>
    public static string Outcome(string action, string? argument) => action switch
    {
        Accept => "已接单",
        Done => "已办结",
        Confirm => "已确认",
        Reopen => "已退回重办",
        Rate when argument is "1" or "2" or "3" => $"已评价：{Ratings[argument[0] - '1']}",
        Recategorise => "已改类",
        Merge => "已合并",
        NotDuplicate => "不是重复，两单都保留",
        ExtendOk => "已同意延期",
        ExtendNo => "已不同意延期",
        _ => "已处理",
    };

    /// <summary>Who did it, under the outcome: "已由 张三 接单".</summary>
    public static string DoneBy(string action, string? argument, string name) => action switch
    {
        Accept => $"已由 {name} 接单",
        Done => $"已由 {name} 办结",
        Confirm => $"已由 {name} 确认",
        Reopen => $"已由 {name} 退回重办",
        Rate when argument is "1" or "2" or "3" => $"已由 {name} 评价",
        Recategorise => $"已由 {name} 改类",
        Merge => $"已由 {name} 合并",
        NotDuplicate => $"已由 {name} 确认",
        ExtendOk => $"已由 {name} 同意",
        ExtendNo => $"已由 {name} 驳回",
        _ => $"已由 {name} 处理",
    };

    /// <summary>A click on a button whose key Guanjia does not know (an old card): type instead.</summary>
    public const string UnknownButton = "这个按钮已失效，请直接回复命令（发送“帮助”查看用法）。";

    public const string SecretariesOnly = "只有社区书记或街道管理员可以处理疑似重复。";

    /// <summary>The command behind the button is not available yet.</summary>
    public const string NotYetAvailable = "这个功能还没有开通，请直接联系社区。";
}
