namespace Guanjia.Core.Messages;

/// <summary>
/// What people read when a message is not (or not yet) a new ticket: answers to small talk,
/// refusals of senders and places that cannot report, photos waiting for their text, follow-ups.
/// </summary>
public static class MessageTexts
{
    public const string PhotoDownloadFailed = "照片下载失败，请重新发送。";

    public static string Conversation(ConversationKind kind) => kind switch
    {
        ConversationKind.Greeting =>
            "您好！我是小巷管家。发现问题请直接告诉我地点和情况（可附照片），我会登记并派给负责部门。发送“帮助”查看全部命令。",
        ConversationKind.Thanks =>
            "不客气，感谢您对社区的关心！有新问题随时告诉我地点和情况。发送“帮助”查看全部命令。",
        ConversationKind.Test =>
            "小巷管家在线，工作正常。上报问题请写明地点和情况（可附照片）；发送“帮助”查看全部命令。",
        ConversationKind.AboutBot =>
            "我是小巷管家，街道的问题上报助手：把看到的问题（地点+情况，可附照片）发给我，在群里请先 @小巷管家，我会登记成工单派给负责部门并跟进办理。发送“帮助”查看全部命令。",
        ConversationKind.AboutPoints =>
            "积分用法：发送“积分”查看余额和明细；“领券 积分数”把积分换成消费券，到联盟商户出示券码即可使用。发送“帮助”查看全部命令。",
        _ => "好的。有问题随时告诉我地点和情况（可附照片），发送“帮助”查看全部命令。",
    };

    public const string NotOnRoster =
        "您好，您还不在本街道小巷管家名单中，暂时无法受理上报。请联系所在社区工作人员登记后再试。";

    public const string Merchant = "您是联盟商户，请发送“兑换 券码”核销消费券。";

    public const string NotACommunityGroup = "本群尚未登记为社区群，无法受理上报。请联系街道管理员。";

    public const string NoCommunity = "您没有登记所属社区，请在社区群内 @小巷管家 上报问题。";

    public const string Empty = "请用文字描述问题（地点和情况），可附照片。";

    public const string DepartmentHint =
        "本群是承办部门群，不受理上报，请在社区群内上报问题。处理工单请使用命令，如“接单 153”“办结 153 已清理”；发送“帮助”查看全部命令。";

    public static string UnknownCommand(string word) => $"没有“{word}”这个命令。发送“帮助”查看可用的命令。";

    public static string PhotoWaitsForText(int minutes) =>
        $"已收到照片。请在{minutes}分钟内用文字说明地点和问题，我会和照片一起登记成工单。";

    public static string PhotoWaitsForDone(int minutes) =>
        $"已收到照片。如是处理后照片，请在{minutes}分钟内回复“办结 单号”，我会一并转给上报人。";

    public static string AfterPhotoAdded(int number) => $"处理后照片已补充到工单 #{number}。";

    /// <summary>Why some photos of a message could not be kept, and what to do.</summary>
    public static string PhotoFailures(IReadOnlyCollection<string> failures) =>
        failures.Count == 0 ? "" : $"{PhotoDownloadFailed}（{string.Join("；", failures.Distinct())}）";
}
