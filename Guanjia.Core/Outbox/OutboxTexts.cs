namespace Guanjia.Core.Outbox;

/// <summary>What the outbox itself tells people when WeCom will not take a message.</summary>
public static class OutboxTexts
{
    public static string RobotRemoved(string groupName, int held) =>
        $"【小巷管家】“{groupName}”群的机器人已被移除，发往该群的 {held} 条消息已暂停保存，没有丢失。"
        + "请在该群重新添加机器人，把新的 Webhook 地址交给管理员更新配置，暂停的消息会再发出。";

    public static string Dropped(int? ticket, string groupName, int code) =>
        (ticket is { } n ? $"【小巷管家】工单 #{n} 发往“{groupName}”的一条消息未能送达" : $"【小巷管家】发往“{groupName}”的一条消息未能送达")
        + $"（企业微信错误 {code}）。请在后台查看，并电话或当面通知对方。";

    /// <summary>The bot's markdown with the person mentioned first (<c>&lt;@userid&gt;</c>), e.g. a reply posted in the group.</summary>
    public static string MentionReply(string userId, string markdown) => $"<@{userId}> {markdown}";
}
