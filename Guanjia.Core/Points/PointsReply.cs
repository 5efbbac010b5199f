namespace Guanjia.Core.Points;

/// <summary>
/// The answer of a points operation: <see cref="Text"/> is the Chinese reply for the chat. A refusal
/// (<see cref="Succeeded"/> false) changed nothing in the ledger; <see cref="Usage"/> is the usage
/// line it suggests, kept apart so a chat command shows it once (the command table's own line).
/// </summary>
public sealed record PointsReply(bool Succeeded, string Text, int Points = 0, string? VoucherCode = null, string? Usage = null)
{
    public static PointsReply Done(string text, int points = 0, string? voucherCode = null) => new(true, text, points, voucherCode);

    public static PointsReply Refused(string text, string? usage = null) => new(false, text, Usage: usage);
}

/// <summary>The usage lines a refusal suggests.</summary>
public static class PointsUsage
{
    public const string Review = "用法：审核 <单号> 通过|驳回";
    public const string Award = "用法：奖励 <人> <任务> [说明]";
    public const string Patrol = "用法：在应用里发送位置，或 打卡 <小区> 并附现场照片";
    public const string PatrolReview = "用法：审核打卡 [人] 通过|驳回";
    public const string Claim = "用法：申请 <任务> <说明>，并附照片";
    public const string ClaimReview = "用法：审核申请 <人|编号> 通过|驳回";
    public const string Logbook = "用法：记录 [YYYY-MM]；书记：记录 <人> [YYYY-MM]";
    public const string Voucher = "用法：领券 <积分>";
    public const string Redeem = "用法：兑换 <券码>";
    public const string Show = "用法：积分 [人]";
}

/// <summary>Transfer kinds.</summary>
public static class TransferKinds
{
    public const string Report = "report";
    public const string TaskPrefix = "task:";
    public const string VoucherIssue = "voucher-issue";
    public const string VoucherRedeem = "voucher-redeem";
    public const string VoucherExpire = "voucher-expire";
    public const string Settlement = "settlement";
    public const string Reversal = "reversal";

    public static string Task(string code) => TaskPrefix + code;
}
