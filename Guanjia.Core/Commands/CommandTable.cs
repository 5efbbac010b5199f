namespace Guanjia.Core.Commands;

/// <summary>
/// Every chat command, once. The parser, the role check and <c>帮助</c> read this table;
/// adding a command is one entry and its handler.
/// </summary>
public static class CommandTable
{
    public const string DoneWord = "办结";

    /// <summary>随手办: intake records it (with its photo) as a closed on-the-spot ticket; see <see cref="Messages.MessageClassifier"/>.</summary>
    public const string OnTheSpotWord = "随手办";

    private const CommandRoles Office = CommandRoles.Secretary | CommandRoles.Admin;

    private static readonly CommandArg Number = new("单号", ArgKind.Ticket);

    public static IReadOnlyList<CommandDefinition> All { get; } =
    [
        new("帮助", ["help", "？", "?"], CommandRoles.Anyone, [], "查看我可以使用的命令", TicketCommands.HelpAsync),
        new("查询", ["show", "查看"], CommandRoles.Anyone, [Number], "查看工单的状态和处理记录", TicketCommands.ShowAsync),
        new("待办", ["todo"], CommandRoles.Anyone, [], "列出我范围内未办结的工单", TicketCommands.TodoAsync),
        new("派单", ["assign"], Office, [Number, new("部门", ArgKind.Word)], "派给或改派给承办部门（编号或名称）", TicketCommands.AssignAsync),
        new("改类", ["recat"], Office, [Number, new("分类", ArgKind.Word)], "更正分类，并按新分类重新派单", TicketCommands.RecategoriseAsync),
        new("接单", ["accept", "签收"], CommandRoles.Department, [Number], "签收派给本部门的工单", TicketCommands.AcceptAsync),
        new(DoneWord, ["done"], CommandRoles.Department, [Number, new("说明", ArgKind.Text, Optional: true)], "处理完毕；同时或随后发送处理后照片", TicketCommands.ResolveAsync),
        new("退回", ["reject"], CommandRoles.Department, [Number, new("原因", ArgKind.Text)], "不属本部门或无法处理，退回社区", TicketCommands.ReturnAsync),
        new("确认", ["verify"], Office | CommandRoles.Reporter, [Number], "核实已解决，结案", TicketCommands.CloseAsync),
        new("重办", ["reopen"], Office | CommandRoles.Reporter, [Number, new("原因", ArgKind.Text)], "未解决，退回原部门重新处理", TicketCommands.ReopenAsync),
        new("升级", ["escalate"], Office, [Number, new("原因", ArgKind.Text, Optional: true)], "上报街道综治中心", TicketCommands.EscalateAsync),
        new("合并", ["merge"], Office, [Number, new("主单号", ArgKind.Ticket)], "重复工单并入另一张未结工单", TicketCommands.MergeAsync),
        new("加急", ["urgent"], Office, [Number], "标为紧急，按紧急时限办理", TicketCommands.MarkUrgentAsync),
        new("补充", ["add"], Office | CommandRoles.Reporter, [Number, new("内容", ArgKind.Text, Optional: true)], "补充地点、说明或照片；新地点会重新派单", TicketCommands.AddAsync),
        new("评价", ["rate"], CommandRoles.Reporter, [Number, new("评价", ArgKind.Choice, Choices: ["满意", "基本满意", "不满意"])], "评价处理结果；满意即结案，不满意退回重办", TicketCommands.RateAsync),
        new("延期", ["extend"], CommandRoles.Department, [Number, new("时长", ArgKind.Word), new("原因", ArgKind.Text)], "申请延长时限（2天、48h、3个工作日），书记同意后生效", TicketCommands.RequestExtensionAsync),
        new("同意延期", ["extend-ok"], Office, [Number], "同意部门的延期申请，时限顺延", TicketCommands.AgreeExtensionAsync),
        new("不同意延期", ["extend-no"], Office, [Number, new("原因", ArgKind.Text, Optional: true)], "不同意延期申请，时限不变", TicketCommands.RefuseExtensionAsync),
        new("撤销", ["cancel"], Office | CommandRoles.Reporter, [Number], "撤销工单（误报或已自行解决）", TicketCommands.CancelAsync),

        new("统计", ["stats"], Office, [new("时段", ArgKind.Choice, Optional: true, Choices: ["今日", "本周", "本月"])], "按状态、分类、部门统计，及按时办结率", StatsCommands.StatsAsync),
        new("打卡", ["patrol"], CommandRoles.Steward, [new("小区", ArgKind.Word, Optional: true)], "记录一次巡查", PointsCommands.PatrolAsync),
        // Anyone sees their own; the service lets only secretaries and admins see others'.
        new("积分", ["points"], CommandRoles.Anyone, [new("人", ArgKind.Word, Optional: true)], "查看积分余额和最近明细", PointsCommands.ShowAsync),
        new("审核", ["approve"], CommandRoles.Secretary, [Number, new("结果", ArgKind.Choice, Choices: ["通过", "驳回"])], "审核上报的积分", PointsCommands.ReviewAsync),
        new("奖励", ["award"], CommandRoles.Secretary, [new("人", ArgKind.Word), new("任务", ArgKind.Word), new("说明", ArgKind.Text, Optional: true)], "按任务奖励积分", PointsCommands.AwardAsync),
        new("领券", ["voucher"], CommandRoles.Steward, [new("积分", ArgKind.Word)], "用积分换取消费券", PointsCommands.VoucherAsync),
        // Text, not Word: a code read aloud is often typed with a space (ABCD EFGH).
        new("兑换", ["redeem"], CommandRoles.Merchant, [new("券码", ArgKind.Text)], "核销消费券", PointsCommands.RedeemAsync),
        // 通过|驳回 may come before or after the person, so both are words the handler sorts out.
        new("审核打卡", ["patrol-review"], Office, [new("人", ArgKind.Word, Optional: true), new("通过|驳回", ArgKind.Word, Optional: true)], "审核带照片的巡查打卡，通过后加分", PointsCommands.PatrolReviewAsync),
        new("记录", ["log"], CommandRoles.Steward | Office, [new("人", ArgKind.Word, Optional: true), new("月份", ArgKind.Word, Optional: true)], "记录本：本月上报、随手办、巡查、任务和积分（书记可查本社区管家）", PointsCommands.LogbookAsync),
        new(OnTheSpotWord, ["onspot"], CommandRoles.Steward, [new("说明", ArgKind.Text)], "附现场照片记录当场解决的问题（自处置），审核后计分", OnTheSpotCommand.ElsewhereAsync),
        new("申请", ["claim"], CommandRoles.Steward, [new("任务", ArgKind.Word), new("说明", ArgKind.Text)], "附照片申请任务积分，书记审核后加分", PointsCommands.ClaimAsync),
        new("审核申请", ["claim-review"], Office, [new("人或编号", ArgKind.Word), new("通过|驳回", ArgKind.Word, Optional: true)], "审核管家的任务积分申请", PointsCommands.ClaimReviewAsync),
    ];
}
