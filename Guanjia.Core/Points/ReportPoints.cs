using Guanjia.Core.Community;
using Guanjia.Core.Photos;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Points;

/// <summary>
/// 审核 &lt;单号&gt; 通过|驳回 of a report's points, and taking them back when the ticket is
/// cancelled. The wording people read is here.
/// </summary>
public sealed class ReportPoints(PointsBook book)
{

    private GuanjiaDbContext Db => book.Db;

    /// <summary>审核 &lt;单号&gt; 通过: pays the report's category points once.</summary>
    public async Task<PointsReply> ApproveReportAsync(Person actor, int ticketNumber, CancellationToken cancellationToken = default)
    {
        var (ticket, root, refusal) = await ReviewTargetAsync(actor, ticketNumber, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var prefix = ticket!.Number == root!.Number ? "" : $"#{ticket.Number} 已合并到 #{root.Number}，按主单审核。";
        var cluster = await ClusterAsync(root, cancellationToken);
        var clusterNumbers = cluster.Select(t => t.Number).ToList();

        // A ticket approved before it was merged has paid for the problem already.
        var approved = await Db.ReportReviews.Where(r => clusterNumbers.Contains(r.TicketNumber) && r.Approved)
            .Select(r => (int?)r.TicketNumber).FirstOrDefaultAsync(cancellationToken);
        if (approved is { } done)
        {
            return PointsReply.Refused($"{prefix}#{done} 已审核通过，积分已发过。");
        }

        var category = book.Config.FindCategory(root.Category);
        if (category is null || category.Points <= 0)
        {
            return PointsReply.Refused($"{prefix}#{root.Number} 的分类「{category?.Name ?? root.Category}」没有积分。");
        }

        var earliestFirst = cluster.OrderBy(t => t.CreatedAt).ThenBy(t => t.Number).ToList();
        var paidTickets = book.Scheme.DuplicateReporters == DuplicateReporters.All
            ? earliestFirst.DistinctBy(t => t.Reporter, StringComparer.Ordinal).ToList()
            : [earliestFirst[0]];
        if (paidTickets.Any(t => t.Reporter == actor.UserId))
        {
            return PointsReply.Refused($"{prefix}不能审核自己上报的工单，请其他书记审核。");
        }

        var now = book.Now;
        var paid = new List<string>();
        var notes = new List<string>();
        var total = 0;
        foreach (var paidTicket in paidTickets)
        {
            var name = book.NameOf(paidTicket.Reporter);
            if (await EarlierNearPhotoAsync(paidTicket.Number, clusterNumbers, cancellationToken) is { } earlier)
            {
                notes.Add($"⚠ #{paidTicket.Number} 的照片与 #{earlier} 的照片雷同，疑似重复上报，{name} 不得分。");
                continue;
            }

            var (pay, held) = await book.WithinCapAsync(paidTicket.Reporter, category.Points, cancellationToken);
            if (pay == 0)
            {
                notes.Add($"{name} 今日积分已达上限 {book.Scheme.DailyCapPerPerson} 分，请明天再审核。");
                continue;
            }

            var key = book.Scheme.DuplicateReporters == DuplicateReporters.All
                ? $"approve:ticket:{root.Number}:{paidTicket.Reporter}"
                : $"approve:ticket:{root.Number}";
            await book.Ledger.StageAsync(
                new TransferRequest(
                    Ledger.Issuance,
                    Ledger.PersonAccount(paidTicket.Reporter),
                    pay,
                    TransferKinds.Report,
                    key,
                    $"有效线索上报 #{paidTicket.Number} {category.Name}",
                    actor.UserId,
                    now,
                    TicketNumber: root.Number),
                cancellationToken);
            total += pay;
            paid.Add($"{name} +{pay} 分");
            if (held > 0)
            {
                notes.Add($"{name} 今日积分上限 {book.Scheme.DailyCapPerPerson} 分，另有 {held} 分不发。");
            }
        }

        if (total == 0)
        {
            return PointsReply.Refused(prefix + string.Join("\n", notes));
        }

        var unpaid = cluster.Where(t => !paidTickets.Contains(t)).Select(t => book.NameOf(t.Reporter)).Distinct().ToList();
        if (unpaid.Count > 0 && book.Scheme.DuplicateReporters == DuplicateReporters.None)
        {
            notes.Add($"重复上报（{string.Join("、", unpaid)}）不另计分。");
        }

        Db.ReportReviews.Add(new ReportReview { TicketNumber = root.Number, Approved = true, By = actor.UserId, At = now });
        if (!await book.TrySaveAsync("review", cancellationToken))
        {
            return PointsBook.Conflict();
        }

        var text = $"{prefix}#{root.Number} 审核通过：{string.Join("，", paid)}（{category.Name}）。";
        return PointsReply.Done(notes.Count == 0 ? text : text + "\n" + string.Join("\n", notes), total);
    }

    /// <summary>
    /// 审核 &lt;单号&gt; 驳回: records the refusal. A later 通过 may still approve it (a correction);
    /// an approved report cannot be refused — cancelling the ticket (撤销) takes its points back.
    /// </summary>
    public async Task<PointsReply> RefuseReportAsync(Person actor, int ticketNumber, CancellationToken cancellationToken = default)
    {
        var (_, root, refusal) = await ReviewTargetAsync(actor, ticketNumber, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var latest = await Db.ReportReviews.Where(r => r.TicketNumber == root!.Number)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        if (await Db.ReportReviews.AnyAsync(r => r.TicketNumber == root!.Number && r.Approved, cancellationToken))
        {
            return PointsReply.Refused($"#{root!.Number} 已审核通过并发放积分，不能驳回；如是虚假上报，请撤销工单，积分会收回。");
        }

        if (latest is { Approved: false })
        {
            return PointsReply.Refused($"#{root!.Number} 已经驳回过了。");
        }

        Db.ReportReviews.Add(new ReportReview { TicketNumber = root!.Number, Approved = false, By = actor.UserId, At = book.Now });
        if (!await book.TrySaveAsync("review", cancellationToken))
        {
            return PointsBook.Conflict();
        }

        return PointsReply.Done($"#{root.Number} 审核驳回，不发积分。");
    }

    /// <summary>
    /// Takes back the report points paid for a ticket (called when it is cancelled as false):
    /// one reversing transfer per payment, never twice.
    /// </summary>
    public async Task<PointsReply> ReverseTicketAsync(int ticketNumber, string by, CancellationToken cancellationToken = default)
    {
        var payments = await Db.LedgerTransfers.Include(t => t.Movements)
            .Where(t => t.TicketNumber == ticketNumber && t.Kind == TransferKinds.Report)
            .Where(t => !Db.LedgerTransfers.Any(r => r.Reverses == t.Id))
            .ToListAsync(cancellationToken);
        if (payments.Count == 0)
        {
            return PointsReply.Done($"#{ticketNumber} 没有需要收回的积分。");
        }

        var now = book.Now;
        var taken = new List<string>();
        var total = 0;
        foreach (var payment in payments)
        {
            var credit = payment.Movements.Single(m => m.Amount > 0);
            var debit = payment.Movements.Single(m => m.Amount < 0);
            await book.Ledger.StageAsync(
                new TransferRequest(
                    credit.Account,
                    debit.Account,
                    credit.Amount,
                    TransferKinds.Reversal,
                    $"reverse:{payment.Id}",
                    $"撤销 #{ticketNumber}，收回积分",
                    by,
                    now,
                    TicketNumber: ticketNumber,
                    Reverses: payment.Id),
                cancellationToken);
            total += credit.Amount;
            taken.Add($"{book.NameOf(credit.Account[(credit.Account.IndexOf(':', StringComparison.Ordinal) + 1)..])} {credit.Amount} 分");
        }

        if (!await book.TrySaveAsync("review", cancellationToken))
        {
            return PointsBook.Conflict();
        }

        return PointsReply.Done($"#{ticketNumber} 已撤销，收回积分：{string.Join("，", taken)}。", total);
    }

    private async Task<(Ticket? Ticket, Ticket? Root, PointsReply? Refusal)> ReviewTargetAsync(
        Person actor, int ticketNumber, CancellationToken cancellationToken)
    {
        if (!actor.HasRole(Person.AdminRole) && !actor.HasRole(Person.SecretaryRole))
        {
            return (null, null, PointsReply.Refused("只有社区书记可以审核积分。"));
        }

        var ticket = await Db.Tickets.FirstOrDefaultAsync(t => t.Number == ticketNumber, cancellationToken);
        if (ticket is null)
        {
            return (null, null, PointsReply.Refused($"没有 #{ticketNumber} 号工单。", PointsUsage.Review));
        }

        var root = ticket;
        for (var hops = 0; root.MergedInto is { } next && hops < 16; hops++)
        {
            var parent = await Db.Tickets.FirstOrDefaultAsync(t => t.Number == next, cancellationToken);
            if (parent is null)
            {
                break;
            }

            root = parent;
        }

        if (!actor.HasRole(Person.AdminRole) && actor.CommunityId != root.Community)
        {
            return (ticket, root, PointsReply.Refused($"#{root.Number} 不属于你的社区，不能审核。"));
        }

        if (root.Status == TicketStatus.Cancelled)
        {
            return (ticket, root, PointsReply.Refused($"#{root.Number} 已撤销，不发积分。"));
        }

        return (ticket, root, null);
    }

    /// <summary>The root ticket and every ticket merged into it, directly or through another.</summary>
    private async Task<List<Ticket>> ClusterAsync(Ticket root, CancellationToken cancellationToken)
    {
        var cluster = new List<Ticket> { root };
        var frontier = new List<int> { root.Number };
        while (frontier.Count > 0 && cluster.Count < 1000)
        {
            var current = frontier;
            var merged = await Db.Tickets.Where(t => t.MergedInto != null && current.Contains(t.MergedInto.Value)).ToListAsync(cancellationToken);
            merged = merged.Where(m => cluster.All(c => c.Number != m.Number)).ToList();
            cluster.AddRange(merged);
            frontier = merged.Select(m => m.Number).ToList();
        }

        return cluster;
    }

    /// <summary>An earlier ticket (outside the cluster) with a photo near one of this ticket's photos.</summary>
    private async Task<int?> EarlierNearPhotoAsync(int ticketNumber, List<int> cluster, CancellationToken cancellationToken)
    {
        var own = await Db.TicketPhotos.Where(p => p.TicketNumber == ticketNumber && p.Stage == PhotoStages.Before)
            .Select(p => p.PerceptualHash).ToListAsync(cancellationToken);
        if (own.Count == 0)
        {
            return null;
        }

        var earlier = await Db.TicketPhotos
            .Where(p => p.TicketNumber < ticketNumber && p.Stage == PhotoStages.Before && !cluster.Contains(p.TicketNumber))
            .OrderBy(p => p.TicketNumber)
            .Select(p => new { p.TicketNumber, p.PerceptualHash })
            .ToListAsync(cancellationToken);
        foreach (var photo in earlier)
        {
            if (own.Any(h => PerceptualHash.IsNearDuplicate(unchecked((ulong)h), unchecked((ulong)photo.PerceptualHash))))
            {
                return photo.TicketNumber;
            }
        }

        return null;
    }
}
