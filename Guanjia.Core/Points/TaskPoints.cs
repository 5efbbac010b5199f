using Guanjia.Core.Community;
using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Points;

/// <summary>
/// Tasks from points.tasks: a secretary's 奖励, a steward's 申请 with a line and a photo, and the
/// secretary's 审核申请 that pays it like any task. The wording people read is here.
/// </summary>
public sealed class TaskPoints(PointsBook book)
{
    private GuanjiaDbContext Db => book.Db;

    /// <summary>
    /// 奖励 &lt;人&gt; &lt;任务&gt; [说明]: pays a task from points.tasks. <paramref name="requestId"/>
    /// (e.g. the chat message id) makes a redelivered command pay once.
    /// </summary>
    public async Task<PointsReply> AwardAsync(
        Person actor, string? personIdOrName, string? taskCodeOrName, string? note, string? requestId = null, CancellationToken cancellationToken = default)
    {
        if (!PointsBook.IsOffice(actor))
        {
            return PointsReply.Refused("只有社区书记可以奖励积分。");
        }

        if (string.IsNullOrWhiteSpace(personIdOrName) || string.IsNullOrWhiteSpace(taskCodeOrName))
        {
            return PointsReply.Refused("请写明奖励谁、哪项任务。", PointsUsage.Award);
        }

        var target = book.FindPerson(personIdOrName);
        if (target is null)
        {
            return PointsReply.Refused($"找不到「{personIdOrName.Trim()}」。", PointsUsage.Award);
        }

        if (target.UserId == actor.UserId)
        {
            return PointsReply.Refused("不能给自己奖励积分，请其他书记奖励。");
        }

        if (!target.HasRole(Person.StewardRole))
        {
            return PointsReply.Refused($"{target.Name} 不是小巷管家，不能奖励积分。");
        }

        if (!actor.HasRole(Person.AdminRole) && target.CommunityId != actor.CommunityId)
        {
            return PointsReply.Refused($"{target.Name} 不在你的社区，不能奖励。");
        }

        var (task, refusal) = Payable(taskCodeOrName, PointsUsage.Award);
        if (refusal is not null)
        {
            return refusal;
        }

        var done = await book.TaskCountTodayAsync(target.UserId, task!.Code, cancellationToken);
        if (task.PerDay is { } perDay && done >= perDay)
        {
            return PointsReply.Refused($"{target.Name} 今天的「{task.Name}」已记过 {done} 次（每天限 {perDay} 次）。");
        }

        var key = requestId is null ? $"award:{Guid.NewGuid():N}" : $"award:{requestId}";
        if (requestId is not null && await book.Ledger.HasTransferAsync(key, cancellationToken))
        {
            return PointsReply.Refused("这条奖励已经记过了。");
        }

        return await book.PayTaskAsync(actor.UserId, target, task, key, note, $"奖励 {target.Name}「{task.Name}」", cancellationToken);
    }

    /// <summary>申请 &lt;任务&gt; &lt;说明&gt; with a photo: a steward's claim, paid after 审核申请 通过.</summary>
    public async Task<PointsReply> ClaimAsync(
        Person actor, string? taskCodeOrName, string? note, IReadOnlyList<string> photoIds, string requestId, CancellationToken cancellationToken = default)
    {
        if (!actor.HasRole(Person.StewardRole) || actor.CommunityId is null)
        {
            return PointsReply.Refused("只有小巷管家可以申请任务积分。");
        }

        if (string.IsNullOrWhiteSpace(taskCodeOrName))
        {
            return PointsReply.Refused("请写明申请哪项任务。", PointsUsage.Claim);
        }

        var (task, refusal) = Payable(taskCodeOrName, PointsUsage.Claim);
        if (refusal is not null)
        {
            return refusal;
        }

        if (task!.Code == PointsBook.PatrolTask)
        {
            return PointsReply.Refused("巡查不用申请：在小区里发送位置，或 打卡 <小区> 并附照片。");
        }

        if (string.IsNullOrWhiteSpace(note))
        {
            return PointsReply.Refused($"请用一句话说明做了什么，如 申请 {task!.Name} 3栋两户漏水纠纷已调解。", PointsUsage.Claim);
        }

        if (photoIds.Count == 0)
        {
            return PointsReply.Refused("申请任务积分要附一张现场照片作证明，请和文字一起发送（或先发照片再发文字）。", PointsUsage.Claim);
        }

        if (await Db.TaskClaims.AnyAsync(c => c.RequestId == requestId, cancellationToken))
        {
            return PointsReply.Refused("这条申请已经提交过了。");
        }

        var claim = new TaskClaim
        {
            UserId = actor.UserId,
            Community = actor.CommunityId,
            Task = task!.Code,
            Note = PointsBook.Clip(note),
            PhotoId = photoIds[0],
            At = book.Now,
            State = ProofState.Pending,
            RequestId = requestId,
        };
        Db.TaskClaims.Add(claim);
        if (!await book.TrySaveAsync("claim", cancellationToken))
        {
            return PointsBook.Conflict();
        }

        return PointsReply.Done($"已提交申请 {claim.Id} 号「{task.Name}」，书记审核通过后加 {task.Points} 分。");
    }

    /// <summary>审核申请 &lt;人|编号&gt; 通过|驳回: decides one claim (by number) or every pending claim of a person.</summary>
    public async Task<PointsReply> ReviewClaimsAsync(Person actor, string? target, bool approve, CancellationToken cancellationToken = default)
    {
        if (!PointsBook.IsOffice(actor))
        {
            return PointsReply.Refused("只有社区书记可以审核申请。");
        }

        if (string.IsNullOrWhiteSpace(target))
        {
            return PointsReply.Refused("请写明审核谁的申请或申请编号。", PointsUsage.ClaimReview);
        }

        var query = Db.TaskClaims.Where(c => c.State == ProofState.Pending);
        var typed = target.Trim().TrimStart('#', '＃').Normalize(System.Text.NormalizationForm.FormKC);
        if (long.TryParse(typed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            query = query.Where(c => c.Id == id);
        }
        else if (book.FindPerson(target) is { } person)
        {
            query = query.Where(c => c.UserId == person.UserId);
        }
        else
        {
            return PointsReply.Refused($"找不到「{target.Trim()}」。", PointsUsage.ClaimReview);
        }

        if (!actor.HasRole(Person.AdminRole))
        {
            query = query.Where(c => c.Community == actor.CommunityId);
        }

        var claims = await query.OrderBy(c => c.Id).ToListAsync(cancellationToken);
        if (claims.Count == 0)
        {
            return PointsReply.Refused("没有待审核的申请（只能审核本社区的）。");
        }

        if (claims.Any(c => c.UserId == actor.UserId))
        {
            return PointsReply.Refused("不能审核自己的申请，请其他书记审核。");
        }

        var now = book.Now;
        var lines = new List<string>();
        var total = 0;
        foreach (var claim in claims)
        {
            claim.State = approve ? ProofState.Approved : ProofState.Refused;
            claim.ReviewedBy = actor.UserId;
            claim.ReviewedAt = now;
            var task = book.FindTask(claim.Task);
            var steward = book.Config.FindPerson(claim.UserId);
            var what = $"{claim.Id} 号 {book.NameOf(claim.UserId)}「{task?.Name ?? claim.Task}」";
            if (!approve)
            {
                lines.Add($"{what} 已驳回");
                continue;
            }

            if (task?.Points is not > 0 || steward is null)
            {
                lines.Add($"{what} 已通过（该任务现在没有积分）");
                continue;
            }

            var key = $"claim:{claim.Id}";
            claim.LedgerKey = key;
            var paid = await book.PayTaskAsync(actor.UserId, steward, task, key, claim.Note, $"申请「{task.Name}」通过", cancellationToken);
            if (!paid.Succeeded)
            {
                claim.LedgerKey = null;
            }

            total += paid.Points;
            lines.Add(paid.Succeeded ? $"{what} +{paid.Points} 分" : $"{what} 已通过（{paid.Text}）");
        }

        return await book.TrySaveAsync("claim-review", cancellationToken)
            ? PointsReply.Done($"审核申请：{string.Join("；", lines)}。", total)
            : PointsBook.Conflict();
    }

    /// <summary>A task that a secretary may pay directly (not the category-priced report, not the proven patrol).</summary>
    private (PointsTask? Task, PointsReply? Refusal) Payable(string codeOrName, string usage)
    {
        var task = book.FindTask(codeOrName);
        if (task is null)
        {
            var choices = string.Join("、", book.Scheme.Tasks.Where(t => !t.PointsFromCategory && t.Code != PointsBook.PatrolTask).Select(t => t.Name));
            return (null, PointsReply.Refused($"没有「{codeOrName.Trim()}」这项任务。可选：{choices}。", usage));
        }

        if (task.PointsFromCategory || task.Points is not > 0)
        {
            return (null, PointsReply.Refused($"「{task.Name}」不能这样记分：上报线索请用 审核 <单号> 通过。"));
        }

        return (task, null);
    }
}
