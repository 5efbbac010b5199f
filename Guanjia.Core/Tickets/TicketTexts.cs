using System.Globalization;
using System.Text;
using Guanjia.Core.Community;

namespace Guanjia.Core.Tickets;

/// <summary>The Chinese messages people read about tickets.</summary>
public sealed class TicketTexts(CommunityConfig config, TimeZoneInfo zone)
{
    public string Time(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("M月d日 HH:mm", CultureInfo.InvariantCulture);

    public string CategoryName(string code) => config.FindCategory(code)?.Name ?? code;

    public string DepartmentName(string id) => config.FindDepartment(id)?.Name ?? id;

    public string Place(Ticket ticket)
    {
        var community = config.FindCommunity(ticket.Community)?.Name ?? ticket.Community;
        return ticket.Compound is { } c && config.FindCompound(c) is { } compound
            ? $"{community} · {compound.Name}"
            : $"{community}（未注明小区）";
    }

    /// <summary>The line an urgent report's reader needs before anything else.</summary>
    public const string GeneralSafety = "注意自身安全，远离危险；情况紧急请直接拨打110、119或120。";

    /// <summary>
    /// Safety first: the category's <c>advice</c> (e.g. gas, fire), or for any other urgent report a
    /// short general line; null when neither applies.
    /// </summary>
    public string? SafetyLine(Ticket ticket) =>
        config.FindCategory(ticket.Category)?.Advice is { Length: > 0 } advice ? advice
        : ticket.Urgent ? GeneralSafety
        : null;

    public string Acknowledgement(Ticket ticket, IReadOnlyList<string> photoFailures)
    {
        var text = new StringBuilder();
        if (SafetyLine(ticket) is { } safety)
        {
            text.Append(CultureInfo.InvariantCulture, $"**{safety}**\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"**已受理 #{ticket.Number}**{(ticket.Urgent ? "（紧急）" : "")}\n")
            .Append(CultureInfo.InvariantCulture, $"分类：{CategoryName(ticket.Category)}{(ticket.LowConfidence ? "（待社区确认）" : "")}\n")
            .Append(CultureInfo.InvariantCulture, $"地点：{Place(ticket)}\n")
            .Append(CultureInfo.InvariantCulture, $"承办：{DepartmentName(ticket.Department)}\n")
            .Append(CultureInfo.InvariantCulture, $"时限：{Time(ticket.DueAt)} 前");
        if (ticket.Compound is null)
        {
            text.Append("\n请补充具体小区或楼院（如“74号院”），方便尽快处理。");
        }

        if (photoFailures.Count > 0)
        {
            // Never "已收到照片" for a photo that did not arrive: say so, and what to do.
            text.Append(CultureInfo.InvariantCulture, $"\n照片下载失败，请重新发送（{string.Join("；", photoFailures.Distinct())}）。");
        }

        return text.ToString();
    }

    /// <summary>What a group reads when a confidential tip was filed there: the safety line, never the text.</summary>
    public string ConfidentialAcknowledgement(Ticket ticket)
    {
        var safety = SafetyLine(ticket) is { } line ? $"**{line}**\n" : "";
        return ticket.OnTheSpot
            ? $"{safety}已收到，已记录。单号 #{ticket.Number}"
            : $"{safety}{ConfidentialReceived}。单号 #{ticket.Number}";
    }

    /// <summary>The only words a community group reads about a confidential tip.</summary>
    public const string ConfidentialReceived = "已收到，已转有关部门处理";

    /// <summary>After a confidential tip in a group, to the reporter alone.</summary>
    public const string ConfidentialHint =
        "这条线索涉及他人，群里只显示“已收到”。下次遇到治安、出租房等线索，请直接私聊小巷管家上报。";

    /// <summary>The full tip, to each of the community's secretaries in their 1:1 chat.</summary>
    public string ConfidentialCopy(Ticket ticket, string reporterName) =>
        new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"**保密线索 #{ticket.Number}**（请勿转发到群里）\n")
            .Append(CultureInfo.InvariantCulture, $"> 分类：{CategoryName(ticket.Category)}\n")
            .Append(CultureInfo.InvariantCulture, $"> 地点：{Place(ticket)}\n")
            .Append(CultureInfo.InvariantCulture, $"> 内容：{MarkdownText.Inert(ticket.Text)}\n")
            .Append(CultureInfo.InvariantCulture, $"> 上报：{MarkdownText.Inert(reporterName)}\n")
            .Append(ticket.OnTheSpot
                ? $"管家已当场处理（随手办）。核实后可回复“审核 {ticket.Number} 通过”。"
                : $"已派{DepartmentName(ticket.Department)}处理，群里只显示“{ConfidentialReceived}”。")
            .ToString();

    /// <summary>随手办 recorded: what the steward reads.</summary>
    public string OnTheSpotAcknowledgement(Ticket ticket, IReadOnlyList<string> photoFailures)
    {
        var text = new StringBuilder();
        if (SafetyLine(ticket) is { } safety)
        {
            text.Append(CultureInfo.InvariantCulture, $"**{safety}**\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"**已记录随手办 #{ticket.Number}**（当场解决，已结案）\n")
            .Append(CultureInfo.InvariantCulture, $"分类：{CategoryName(ticket.Category)}\n")
            .Append(CultureInfo.InvariantCulture, $"地点：{Place(ticket)}\n")
            .Append(CultureInfo.InvariantCulture, $"照片：{ticket.Photos.Count} 张\n")
            .Append("不派单，计入自处置；社区书记审核通过后按分类计积分。");
        if (photoFailures.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n照片下载失败，请重新发送（{string.Join("；", photoFailures.Distinct())}）。");
        }

        return text.ToString();
    }

    /// <summary>随手办 without a photo: nothing is recorded yet.</summary>
    public static string OnTheSpotNeedsPhoto(int minutes) =>
        $"随手办需要一张现场照片作为凭证（处理前、处理后各一张更好）。请在{minutes}分钟内发送照片，我会和这段说明一起记录。";

    /// <summary>A further photo joined a 随手办 just recorded.</summary>
    public static string OnTheSpotPhotoAdded(int number) => $"照片已补充到随手办 #{number}。";

    public string Dispatch(Ticket ticket, string reporterLabel) =>
        new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"**新工单 #{ticket.Number}**{(ticket.Urgent ? " <font color=\"warning\">紧急</font>" : "")}\n")
            .Append(CultureInfo.InvariantCulture, $"> 分类：{CategoryName(ticket.Category)}\n")
            .Append(CultureInfo.InvariantCulture, $"> 地点：{Place(ticket)}\n")
            .Append(CultureInfo.InvariantCulture, $"> 内容：{MarkdownText.Inert(ticket.Text)}\n")
            .Append(CultureInfo.InvariantCulture, $"> 时限：{Time(ticket.DueAt)} 前\n")
            .Append(CultureInfo.InvariantCulture, $"> 上报：{MarkdownText.Inert(reporterLabel)}\n")
            .Append(CultureInfo.InvariantCulture, $"请回复“接单 {ticket.Number}”签收，处理完毕回复“办结 {ticket.Number}”并附处理后照片。")
            .ToString();

    public string UrgentMention(Ticket ticket) =>
        $"紧急工单 #{ticket.Number}：{CategoryName(ticket.Category)}，{Place(ticket)}。请立即处置，{Time(ticket.DueAt)} 前办结。";

    /// <summary>
    /// To the secretaries when triage was unsure: the likeliest categories with their codes, so one
    /// reply (改类 12 fire) settles it.
    /// </summary>
    public string AskRecategorise(Ticket ticket, IReadOnlyList<Category> candidates)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"工单 #{ticket.Number} 分类待定，已暂交{DepartmentName(ticket.Department)}。");
        if (candidates.Count > 0)
        {
            text.Append("可能是：")
                .Append(string.Join("、", candidates.Select(c => $"{c.Name}（{c.Code}）")))
                .Append(CultureInfo.InvariantCulture, $"。\n请回复“改类 {ticket.Number} 代码”，如“改类 {ticket.Number} {candidates[0].Code}”。");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"请核实后回复“改类 {ticket.Number} 分类”（如“改类 {ticket.Number} garbage”）。");
        }

        return text.ToString();
    }

    public static string PossibleDuplicate(Ticket ticket, int earlier, bool byPhoto) =>
        $"工单 #{ticket.Number} 可能与 #{earlier} 重复（{(byPhoto ? "照片相似" : "同一小区同类问题，24小时内")}）。请核实，如确属重复请回复“合并 {ticket.Number} {earlier}”。";
}
