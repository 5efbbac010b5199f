using Guanjia.Core.Community;
using Guanjia.Core.Messages;
using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Points;

/// <summary>
/// 巡查打卡 with proof. A location message (app 1:1) within points.patrolRadius of a compound of the
/// steward's own community records the patrol and pays at once; <c>打卡 &lt;小区&gt;</c> with a
/// photo is recorded pending and paid after <c>审核打卡</c>; no proof, or a compound of another
/// community, pays nothing. The wording people read is here.
/// </summary>
public sealed class Patrols(PointsBook book)
{
    private GuanjiaDbContext Db => book.Db;

    private PointsConfig Scheme => book.Scheme;

    /// <summary>A location message from <paramref name="actor"/>: the patrol of the nearest own compound within the radius.</summary>
    public async Task<PointsReply> RecordLocationAsync(
        Person actor, double latitude, double longitude, string requestId, CancellationToken cancellationToken = default)
    {
        if (Refusal(actor) is { } refused)
        {
            return refused;
        }

        if (await Db.Patrols.AnyAsync(p => p.RequestId == requestId, cancellationToken))
        {
            return PointsReply.Refused("这次打卡已经记过了。");
        }

        var here = new GeoPoint(latitude, longitude);
        var nearby = book.Config.Communities.SelectMany(c => c.Compounds)
            .Where(c => c.Location is not null)
            .Select(c => (Compound: c, Metres: c.Location!.Value.DistanceTo(here)))
            .OrderBy(c => c.Metres)
            .ToList();
        var own = nearby.FirstOrDefault(c => c.Compound.CommunityId == actor.CommunityId && c.Metres <= Scheme.PatrolRadius);
        if (own.Compound is null)
        {
            if (nearby.FirstOrDefault(c => c.Metres <= Scheme.PatrolRadius) is { Compound: { } elsewhere })
            {
                return PointsReply.Refused(Texts.Elsewhere(elsewhere, CommunityName(elsewhere.CommunityId), CommunityName(actor.CommunityId)));
            }

            var nearest = nearby.FirstOrDefault(c => c.Compound.CommunityId == actor.CommunityId);
            return PointsReply.Refused(nearest.Compound is null
                ? Texts.NoCompoundNearby(Scheme.PatrolRadius)
                : Texts.TooFar(nearest.Compound, (int)Math.Round(nearest.Metres), Scheme.PatrolRadius));
        }

        var task = PatrolTask()!;
        var today = book.Today;
        if (await CountAsync(actor.UserId, own.Compound.Id, today, cancellationToken) >= PerDay(task))
        {
            return PointsReply.Refused(Texts.AlreadyToday(own.Compound, PerDay(task)));
        }

        var patrol = new Patrol
        {
            UserId = actor.UserId,
            Community = own.Compound.CommunityId,
            Compound = own.Compound.Id,
            Day = today,
            At = book.Now,
            Proof = ProofKinds.Location,
            Latitude = latitude,
            Longitude = longitude,
            DistanceMetres = (int)Math.Round(own.Metres),
            State = ProofState.Approved,
            ReviewedBy = actor.UserId,
            ReviewedAt = book.Now,
            RequestId = requestId,
        };
        Db.Patrols.Add(patrol);
        return await PayAsync(actor.UserId, actor, patrol, own.Compound, task, cancellationToken);
    }

    /// <summary>
    /// <c>打卡 [小区]</c> typed: with a photo it is recorded and waits for 审核打卡; without one it
    /// records nothing and says how to prove the patrol.
    /// </summary>
    public async Task<PointsReply> RecordPhotoAsync(
        Person actor, string? compoundText, IReadOnlyList<string> photoIds, string requestId, CancellationToken cancellationToken = default)
    {
        if (Refusal(actor) is { } refused)
        {
            return refused;
        }

        Compound? compound = null;
        if (!string.IsNullOrWhiteSpace(compoundText))
        {
            compound = FindCompound(compoundText, actor);
            if (compound is null)
            {
                return PointsReply.Refused(Texts.UnknownCompound(compoundText.Trim()), PointsUsage.Patrol);
            }
        }
        else if (actor.Compounds.Count == 1)
        {
            compound = book.Config.FindCompound(actor.Compounds[0]);
        }

        if (compound is not null && compound.CommunityId != actor.CommunityId)
        {
            return PointsReply.Refused(Texts.Elsewhere(compound, CommunityName(compound.CommunityId), CommunityName(actor.CommunityId)));
        }

        if (photoIds.Count == 0)
        {
            return PointsReply.Refused(Texts.NoProof, PointsUsage.Patrol);
        }

        if (compound is null)
        {
            return PointsReply.Refused(Texts.WhichCompound, PointsUsage.Patrol);
        }

        if (await Db.Patrols.AnyAsync(p => p.RequestId == requestId, cancellationToken))
        {
            return PointsReply.Refused("这次打卡已经记过了。");
        }

        var task = PatrolTask()!;
        var today = book.Today;
        if (await CountAsync(actor.UserId, compound.Id, today, cancellationToken) >= PerDay(task))
        {
            return PointsReply.Refused(Texts.AlreadyToday(compound, PerDay(task)));
        }

        Db.Patrols.Add(new Patrol
        {
            UserId = actor.UserId,
            Community = compound.CommunityId,
            Compound = compound.Id,
            Day = today,
            At = book.Now,
            Proof = ProofKinds.Photo,
            PhotoId = photoIds[0],
            State = ProofState.Pending,
            RequestId = requestId,
        });
        if (!await book.TrySaveAsync("patrol-photo", cancellationToken))
        {
            return PointsBook.Conflict();
        }

        return PointsReply.Done(Texts.Pending(compound));
    }

    /// <summary>审核打卡 [人] 通过|驳回: decides every pending photo patrol of the community (or of one person).</summary>
    public async Task<PointsReply> ReviewAsync(Person actor, string? personText, bool approve, CancellationToken cancellationToken = default)
    {
        if (!PointsBook.IsOffice(actor))
        {
            return PointsReply.Refused("只有社区书记可以审核打卡。");
        }

        Person? target = null;
        if (!string.IsNullOrWhiteSpace(personText))
        {
            target = book.FindPerson(personText);
            if (target is null)
            {
                return PointsReply.Refused($"找不到「{personText.Trim()}」。", PointsUsage.PatrolReview);
            }

            if (!PointsBook.MaySee(actor, target))
            {
                return PointsReply.Refused($"{target.Name} 不在你的社区，不能审核。");
            }
        }

        var query = Db.Patrols.Where(p => p.State == ProofState.Pending && p.UserId != actor.UserId);
        if (target is not null)
        {
            query = query.Where(p => p.UserId == target.UserId);
        }
        else if (!actor.HasRole(Person.AdminRole))
        {
            query = query.Where(p => p.Community == actor.CommunityId);
        }

        var pending = await query.OrderBy(p => p.Id).ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return PointsReply.Refused(target is null ? "没有待审核的打卡。" : $"{target.Name} 没有待审核的打卡。");
        }

        var now = book.Now;
        if (!approve)
        {
            foreach (var patrol in pending)
            {
                patrol.State = ProofState.Refused;
                patrol.ReviewedBy = actor.UserId;
                patrol.ReviewedAt = now;
            }

            return await book.TrySaveAsync("patrol-review", cancellationToken)
                ? PointsReply.Done($"已驳回 {pending.Count} 条打卡，不加分：{string.Join("、", pending.Select(Describe))}。")
                : PointsBook.Conflict();
        }

        var task = PatrolTask();
        var lines = new List<string>();
        var total = 0;
        foreach (var patrol in pending)
        {
            var steward = book.Config.FindPerson(patrol.UserId);
            var compound = book.Config.FindCompound(patrol.Compound);
            patrol.State = ProofState.Approved;
            patrol.ReviewedBy = actor.UserId;
            patrol.ReviewedAt = now;
            if (task is null || steward is null || compound is null)
            {
                lines.Add($"{Describe(patrol)} 已通过（积分方案里没有巡查打卡，不加分）");
                continue;
            }

            var paidThatDay = await Db.Patrols.CountAsync(
                p => p.UserId == patrol.UserId && p.Compound == patrol.Compound && p.Day == patrol.Day && p.LedgerKey != null, cancellationToken);
            if (paidThatDay >= PerDay(task))
            {
                lines.Add($"{Describe(patrol)} 已通过（当天已记过分）");
                continue;
            }

            var reply = await PayAsync(actor.UserId, steward, patrol, compound, task, cancellationToken);
            total += reply.Points;
            lines.Add(reply.Points > 0 ? $"{Describe(patrol)} +{reply.Points} 分" : $"{Describe(patrol)} 已通过（{reply.Text}）");
        }

        // PayAsync saves each paid patrol; this saves the rest of the decisions.
        return await book.TrySaveAsync("patrol-review", cancellationToken)
            ? PointsReply.Done($"审核打卡通过：{string.Join("；", lines)}。", total)
            : PointsBook.Conflict();
    }

    /// <summary>The month's patrols of a community (street days), for the dashboard's calendar.</summary>
    public async Task<IReadOnlyList<Patrol>> MonthAsync(string? community, string? userId, DateOnly first, CancellationToken cancellationToken = default)
    {
        var last = first.AddMonths(1);
        var query = Db.Patrols.AsNoTracking().Where(p => p.Day >= first && p.Day < last && p.State != ProofState.Refused);
        if (community is not null)
        {
            query = query.Where(p => p.Community == community);
        }

        if (userId is not null)
        {
            query = query.Where(p => p.UserId == userId);
        }

        return await query.OrderBy(p => p.Day).ThenBy(p => p.Id).ToListAsync(cancellationToken);
    }

    private async Task<PointsReply> PayAsync(
        string by, Person steward, Patrol patrol, Compound compound, PointsTask task, CancellationToken cancellationToken)
    {
        var key = $"patrol:{steward.UserId}:{compound.Id}:{patrol.Day:yyyy-MM-dd}:{patrol.RequestId}";
        var (pay, _) = await book.WithinCapAsync(steward.UserId, task.Points!.Value, cancellationToken);
        if (pay == 0)
        {
            // The patrol happened and is recorded; only the points wait for no one.
            return await book.TrySaveAsync("patrol", cancellationToken)
                ? PointsReply.Done(Texts.RecordedAtCap(compound, Scheme.DailyCapPerPerson))
                : PointsBook.Conflict();
        }

        patrol.LedgerKey = key;
        var where = patrol.Proof == ProofKinds.Location ? $"（距小区约 {patrol.DistanceMetres} 米）" : "";
        var reply = await book.PayTaskAsync(by, steward, task, key, null, $"巡查打卡 {compound.Name}", cancellationToken);
        return reply.Succeeded ? reply with { Text = reply.Text + where } : reply;
    }

    private PointsReply? Refusal(Person actor)
    {
        if (!actor.HasRole(Person.StewardRole))
        {
            return PointsReply.Refused("只有小巷管家可以打卡。");
        }

        return PatrolTask() is null ? PointsReply.Refused("积分方案里没有巡查打卡，请联系街道。") : null;
    }

    private PointsTask? PatrolTask() => Scheme.Tasks.FirstOrDefault(t => t.Code == PointsBook.PatrolTask && t.Points > 0);

    private static int PerDay(PointsTask task) => task.PerDay ?? 1;

    /// <summary>Patrols of this compound this day that count: paid or approved ones, and pending ones.</summary>
    private Task<int> CountAsync(string userId, string compound, DateOnly day, CancellationToken cancellationToken) =>
        Db.Patrols.CountAsync(p => p.UserId == userId && p.Compound == compound && p.Day == day && p.State != ProofState.Refused, cancellationToken);

    private string Describe(Patrol patrol) =>
        $"{book.NameOf(patrol.UserId)} {book.Config.FindCompound(patrol.Compound)?.Name ?? patrol.Compound}（{patrol.Day:MM-dd}）";

    private string CommunityName(string? id) => id is null ? "（未登记社区）" : book.Config.FindCommunity(id)?.Name ?? id;

    // The triage's resolver, so 打卡 accepts the same partial forms (南路74号, 74号院) reports do.
    private Compound? FindCompound(string text, Person actor) =>
        book.Config.FindCompound(text.Trim())
        ?? Places.For(book.Config).FindNamed(text, actor, actor.CommunityId is { } id ? book.Config.FindCommunity(id) : null)?.Compound;

    /// <summary>What stewards and secretaries read about patrols.</summary>
    internal static class Texts
    {
        public const string NoProof =
            "打卡需要现场证明，这次没有记分。请在小区里用企业微信应用发送「位置」，当场记分；或发 打卡 <小区> 并附一张现场照片，书记审核后记分。";

        public const string WhichCompound = "你负责几个小区，请写明打卡的小区，如 打卡 74号院。";

        public static string UnknownCompound(string text) => $"找不到小区「{text}」。";

        public static string Elsewhere(Compound compound, string itsCommunity, string ownCommunity) =>
            $"{compound.Name}属于{itsCommunity}，不是你所在的{ownCommunity}，这次打卡不计分。请在本社区的小区巡查打卡。";

        public static string TooFar(Compound nearest, int metres, int radius) =>
            $"你离最近的小区{nearest.Name}约 {metres} 米，超过 {radius} 米，这次不计打卡。请走到小区里再发送位置。";

        public static string NoCompoundNearby(int radius) => $"{radius} 米内没有你社区的小区，这次不计打卡。请走到小区里再发送位置。";

        public static string AlreadyToday(Compound compound, int perDay) =>
            perDay == 1 ? $"今天已在{compound.Name}打过卡了，明天再来。" : $"今天在{compound.Name}已打卡 {perDay} 次（每天限 {perDay} 次）。";

        public static string Pending(Compound compound) => $"已记录{compound.Name}的巡查照片，书记审核打卡通过后加分。";

        public static string RecordedAtCap(Compound compound, int cap) => $"已记录{compound.Name}的巡查；今日积分已达上限 {cap} 分，这次不加分。";
    }
}
