using System.Globalization;
using Guanjia.Core.Points;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guanjia.Core.Commands;

/// <summary>
/// The points commands (打卡, 审核打卡, 记录, 积分, 审核, 奖励, 申请, 审核申请, 领券, 兑换): thin
/// adapters over the points features, which do every check and answer in Chinese. A refused
/// reply is a refused command; the processor adds the command's usage once.
/// </summary>
public static class PointsCommands
{
    private const string Approve = "通过";
    private const string Refuse = "驳回";

    /// <summary>打卡 [小区]: with a photo (this message's, or one sent just before) it waits for 审核打卡; without, it says how to prove it.</summary>
    public static async Task<CommandResult> PatrolAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var (photos, pending) = await ProofPhotosAsync(context, cancellationToken);
        var reply = await new Patrols(Book(context)).RecordPhotoAsync(
            context.Person, context.Command.Value(0), photos, RequestId(context), cancellationToken);
        return await ConsumeOnSuccessAsync(context, reply, pending, cancellationToken);
    }

    /// <summary>审核打卡 [人] 通过|驳回.</summary>
    public static async Task<CommandResult> PatrolReviewAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var (who, decision) = Decision(context.Command.Value(0), context.Command.Value(1));
        if (decision is null)
        {
            return CommandResult.Refused("请写明 通过 或 驳回。");
        }

        return From(await new Patrols(Book(context)).ReviewAsync(context.Person, who, decision.Value, cancellationToken));
    }

    /// <summary>记录 [YYYY-MM] / 记录 &lt;人&gt; [YYYY-MM].</summary>
    public static async Task<CommandResult> LogbookAsync(CommandContext context, CancellationToken cancellationToken) =>
        From(await new Logbook(Book(context)).ShowAsync(context.Person, context.Command.Value(0), context.Command.Value(1), cancellationToken));

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

        return From(await new BalanceView(Book(context)).ShowAsync(person, who, cancellationToken));
    }

    public static async Task<CommandResult> ReviewAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var number = context.Ticket!.Number;
        var points = new ReportPoints(Book(context));
        var reply = context.Command.Value(1) == Approve
            ? await points.ApproveReportAsync(context.Person, number, cancellationToken)
            : await points.RefuseReportAsync(context.Person, number, cancellationToken);
        return From(reply);
    }

    public static async Task<CommandResult> AwardAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var command = context.Command;
        return From(await new TaskPoints(Book(context)).AwardAsync(
            context.Person, command.Value(0), command.Value(1), command.Value(2), RequestId(context), cancellationToken));
    }

    /// <summary>申请 &lt;任务&gt; &lt;说明&gt; with a photo.</summary>
    public static async Task<CommandResult> ClaimAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var (photos, pending) = await ProofPhotosAsync(context, cancellationToken);
        var reply = await new TaskPoints(Book(context)).ClaimAsync(
            context.Person, context.Command.Value(0), context.Command.Value(1), photos, RequestId(context), cancellationToken);
        return await ConsumeOnSuccessAsync(context, reply, pending, cancellationToken);
    }

    /// <summary>审核申请 &lt;人|编号&gt; 通过|驳回.</summary>
    public static async Task<CommandResult> ClaimReviewAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var (who, decision) = Decision(context.Command.Value(0), context.Command.Value(1));
        if (decision is null || who is null)
        {
            return CommandResult.Refused(decision is null ? "请写明 通过 或 驳回。" : "请写明审核谁的申请或申请编号。");
        }

        return From(await new TaskPoints(Book(context)).ReviewClaimsAsync(context.Person, who, decision.Value, cancellationToken));
    }

    public static async Task<CommandResult> VoucherAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var typed = context.Command.Value(0)!.Normalize(System.Text.NormalizationForm.FormKC);
        if (!int.TryParse(typed, NumberStyles.None, CultureInfo.InvariantCulture, out var points) || points <= 0)
        {
            return CommandResult.Refused($"“{context.Command.Value(0)}”不是积分数，请写正整数，如 领券 5。");
        }

        return From(await new VoucherDesk(Book(context)).IssueVoucherAsync(context.Person, points, RequestId(context), cancellationToken));
    }

    public static async Task<CommandResult> RedeemAsync(CommandContext context, CancellationToken cancellationToken) =>
        From(await new VoucherDesk(Book(context)).RedeemAsync(context.Person, context.Command.Value(0), cancellationToken));

    /// <summary>The points book on the command's own context, so its saves join the command's transaction.</summary>
    internal static PointsBook Book(CommandContext context) =>
        new(context.Db, context.Config, context.Calendar, context.Time, context.Services.GetService<ILogger<PointsBook>>());

    /// <summary>The processor shows the command's usage with any refusal, so the reply's own is not repeated.</summary>
    internal static CommandResult From(PointsReply reply) =>
        reply.Succeeded ? CommandResult.Ok(reply.Text) : CommandResult.Refused(reply.Text);

    /// <summary>"[人] 通过|驳回" in either order: the decision word wherever it is, the other word the person.</summary>
    private static (string? Who, bool? Approve) Decision(string? first, string? second)
    {
        bool? Parse(string? word) => word switch { Approve => true, Refuse => false, _ => null };
        return Parse(second) is { } late ? (first, late)
            : Parse(first) is { } early ? (second, early)
            : (first, null);
    }

    /// <summary>This message's photos and those the sender sent in this chat just before (1:1 chats send them apart).</summary>
    private static async Task<(List<string> Photos, List<Intake.PendingPhoto> Pending)> ProofPhotosAsync(
        CommandContext context, CancellationToken cancellationToken)
    {
        var since = context.Now - context.Settings.MergeWindow;
        var pending = await context.Db.PendingPhotos
            .Where(p => p.SenderId == context.Person.UserId && p.Conversation == context.Conversation && p.TicketNumber == null
                && p.ReceivedAt >= since && p.PhotoId != null)
            .OrderBy(p => p.Id)
            .ToListAsync(cancellationToken);
        return ([.. context.Photos.Select(p => p.Id), .. pending.Select(p => p.PhotoId!)], pending);
    }

    // A photo that proved a patrol or a claim is no longer waiting to become a report.
    private static async Task<CommandResult> ConsumeOnSuccessAsync(
        CommandContext context, PointsReply reply, List<Intake.PendingPhoto> pending, CancellationToken cancellationToken)
    {
        if (reply.Succeeded && pending.Count > 0)
        {
            context.Db.PendingPhotos.RemoveRange(pending);
            await context.Db.SaveChangesAsync(cancellationToken);
        }

        return From(reply);
    }

    // The WeCom message id, per channel: a redelivered or replayed command pays once.
    private static string RequestId(CommandContext context) =>
        $"{context.Message.Channel.ToString().ToLowerInvariant()}:{context.Message.MessageId}";
}
