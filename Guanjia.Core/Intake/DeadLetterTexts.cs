namespace Guanjia.Core.Intake;

/// <summary>What people read about dead letters (never the resident's text).</summary>
public static class DeadLetterTexts
{
    public static string Notice(string senderName, DateTimeOffset receivedLocal, long inboxId) =>
        $"{senderName} 于 {receivedLocal:MM-dd HH:mm} 发来的一条消息多次自动处理失败（编号 {inboxId}），尚未受理，请在看板处理（「死信」中可查看并重试，或联系发送人）。";
}
