using System.Globalization;
using Guanjia.Core.Points;

namespace Guanjia.Core.Commands;

/// <summary>
/// The points commands (打卡, 积分, 审核, 奖励, 领券, 兑换): thin adapters over
/// <see cref="PointsService"/>, which does every check and answers in Chinese.
/// </summary>
public static class PointsCommands
{
    private const string UsagePrefix = "用法：";

    public static async Task<CommandResult> PatrolAsync(CommandContext context, CancellationToken cancellationToken) =>
        From(await Service(context).PatrolAsync(context.Person, context.Command.Value(0), cancellationToken));

    public static async Task<CommandResult> ShowAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var person = context.Person;
        var who = context.Command.Value(0);
        // Department members are not on the roster of people: they have no points of their own.
        if (who is null && person.Roles.Count == 0 && context.Config.MerchantOf(person.UserId) is null
            && context.Config.DepartmentsOf(person.UserId).Count > 0)
        {
            return CommandResult.Ok("积分只记给小巷管家；承办部门成员没有积分账户。");
        }

        return From(await Service(context).ShowAsync(person, who, cancellationToken));
    }

    public static async Task<CommandResult> ReviewAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var number = context.Ticket!.Number;
        var points = Service(context);
        var reply = context.Command.Value(1) == "通过"
            ? await points.ApproveReportAsync(context.Person, number, cancellationToken)
            : await points.RefuseReportAsync(context.Person, number, cancellationToken);
        return From(reply);
    }

    public static async Task<CommandResult> AwardAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var command = context.Command;
        return From(await Service(context).AwardAsync(
            context.Person, command.Value(0), command.Value(1), command.Value(2), RequestId(context), cancellationToken));
    }

    public static async Task<CommandResult> VoucherAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var typed = context.Command.Value(0)!.Normalize(System.Text.NormalizationForm.FormKC);
        if (!int.TryParse(typed, NumberStyles.None, CultureInfo.InvariantCulture, out var points) || points <= 0)
        {
            return CommandResult.Refused($"“{context.Command.Value(0)}”不是积分数，请写正整数，如 领券 5。");
        }

        return From(await Service(context).IssueVoucherAsync(context.Person, points, RequestId(context), cancellationToken));
    }

    public static async Task<CommandResult> RedeemAsync(CommandContext context, CancellationToken cancellationToken) =>
        From(await Service(context).RedeemAsync(context.Person, context.Command.Value(0), cancellationToken));

    /// <summary>The points service on the command's own context, so its saves join the command's transaction.</summary>
    internal static PointsService Service(CommandContext context) =>
        new(context.Db, context.Config, context.Calendar, context.Time);

    /// <summary>
    /// A refused <see cref="PointsReply"/> is a refusal of the command, so the processor adds the
    /// usage once (the service's own "用法：" line is dropped).
    /// </summary>
    internal static CommandResult From(PointsReply reply)
    {
        if (reply.Succeeded)
        {
            return CommandResult.Ok(reply.Text);
        }

        var usage = reply.Text.IndexOf(UsagePrefix, StringComparison.Ordinal);
        var reason = usage > 0 ? reply.Text[..usage].TrimEnd() : reply.Text;
        return CommandResult.Refused(reason);
    }

    // The WeCom message id, per channel: a redelivered or replayed command pays once.
    private static string RequestId(CommandContext context) =>
        $"{context.Message.Channel.ToString().ToLowerInvariant()}:{context.Message.MessageId}";
}
