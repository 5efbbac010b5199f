using Guanjia.Core.Community;
using Guanjia.Core.Photos;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Guanjia.Core.Triage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Points;

/// <summary>
/// The points operations behind the chat commands 审核, 奖励, 打卡, 领券, 兑换 and 积分. Each
/// checks who acts and what they asked, posts at most one save, and answers in Chinese; a refusal
/// changes nothing in the ledger. Works inside a transaction the caller opened on the same context.
/// </summary>
public sealed class PointsService(GuanjiaDbContext db, CommunityConfig config, StreetCalendar street, TimeProvider time)
{
    /// <summary>Failed codes from one person within <see cref="LockoutWindow"/> that lock them out.</summary>
    public const int LockoutFailures = 5;

    public static readonly TimeSpan LockoutWindow = TimeSpan.FromMinutes(10);

    private const string BeforeStage = "before";
    private const int RecentLines = 5;

    private readonly Ledger _ledger = new(db);
    private readonly TimeZoneInfo _zone = street.Zone;

    private PointsConfig Scheme => config.Points;

    // ---- 审核 -------------------------------------------------------------------------------

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
        var approved = await db.ReportReviews.Where(r => clusterNumbers.Contains(r.TicketNumber) && r.Approved)
            .Select(r => (int?)r.TicketNumber).FirstOrDefaultAsync(cancellationToken);
        if (approved is { } done)
        {
            return PointsReply.Refused($"{prefix}#{done} 已审核通过，积分已发过。");
        }

        var category = config.FindCategory(root.Category);
        if (category is null || category.Points <= 0)
        {
            return PointsReply.Refused($"{prefix}#{root.Number} 的分类「{category?.Name ?? root.Category}」没有积分。");
        }

        var earliestFirst = cluster.OrderBy(t => t.CreatedAt).ThenBy(t => t.Number).ToList();
        var paidTickets = Scheme.DuplicateReporters == DuplicateReporters.All
            ? earliestFirst.DistinctBy(t => t.Reporter, StringComparer.Ordinal).ToList()
            : [earliestFirst[0]];
        if (paidTickets.Any(t => t.Reporter == actor.UserId))
        {
            return PointsReply.Refused($"{prefix}不能审核自己上报的工单，请其他书记审核。");
        }

        var now = time.GetUtcNow();
        var paid = new List<string>();
        var notes = new List<string>();
        var total = 0;
        foreach (var paidTicket in paidTickets)
        {
            var name = NameOf(paidTicket.Reporter);
            if (await EarlierNearPhotoAsync(paidTicket.Number, clusterNumbers, cancellationToken) is { } earlier)
            {
                notes.Add($"⚠ #{paidTicket.Number} 的照片与 #{earlier} 的照片雷同，疑似重复上报，{name} 不得分。");
                continue;
            }

            var (pay, held) = await WithinCapAsync(paidTicket.Reporter, category.Points, cancellationToken);
            if (pay == 0)
            {
                notes.Add($"{name} 今日积分已达上限 {Scheme.DailyCapPerPerson} 分，请明天再审核。");
                continue;
            }

            var key = Scheme.DuplicateReporters == DuplicateReporters.All
                ? $"approve:ticket:{root.Number}:{paidTicket.Reporter}"
                : $"approve:ticket:{root.Number}";
            await _ledger.StageAsync(
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
                notes.Add($"{name} 今日积分上限 {Scheme.DailyCapPerPerson} 分，另有 {held} 分不发。");
            }
        }

        if (total == 0)
        {
            return PointsReply.Refused(prefix + string.Join("\n", notes));
        }

        var unpaid = cluster.Where(t => !paidTickets.Contains(t)).Select(t => NameOf(t.Reporter)).Distinct().ToList();
        if (unpaid.Count > 0 && Scheme.DuplicateReporters == DuplicateReporters.None)
        {
            notes.Add($"重复上报（{string.Join("、", unpaid)}）不另计分。");
        }

        db.ReportReviews.Add(new ReportReview { TicketNumber = root.Number, Approved = true, By = actor.UserId, At = now });
        if (!await TrySaveAsync(cancellationToken))
        {
            return Conflict();
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

        var latest = await db.ReportReviews.Where(r => r.TicketNumber == root!.Number)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        if (await db.ReportReviews.AnyAsync(r => r.TicketNumber == root!.Number && r.Approved, cancellationToken))
        {
            return PointsReply.Refused($"#{root!.Number} 已审核通过并发放积分，不能驳回；如是虚假上报，请撤销工单，积分会收回。");
        }

        if (latest is { Approved: false })
        {
            return PointsReply.Refused($"#{root!.Number} 已经驳回过了。");
        }

        db.ReportReviews.Add(new ReportReview { TicketNumber = root!.Number, Approved = false, By = actor.UserId, At = time.GetUtcNow() });
        if (!await TrySaveAsync(cancellationToken))
        {
            return Conflict();
        }

        return PointsReply.Done($"#{root.Number} 审核驳回，不发积分。");
    }

    /// <summary>
    /// Takes back the report points paid for a ticket (called when it is cancelled as false):
    /// one reversing transfer per payment, never twice.
    /// </summary>
    public async Task<PointsReply> ReverseTicketAsync(int ticketNumber, string by, CancellationToken cancellationToken = default)
    {
        var payments = await db.LedgerTransfers.Include(t => t.Movements)
            .Where(t => t.TicketNumber == ticketNumber && t.Kind == TransferKinds.Report)
            .Where(t => !db.LedgerTransfers.Any(r => r.Reverses == t.Id))
            .ToListAsync(cancellationToken);
        if (payments.Count == 0)
        {
            return PointsReply.Done($"#{ticketNumber} 没有需要收回的积分。");
        }

        var now = time.GetUtcNow();
        var taken = new List<string>();
        var total = 0;
        foreach (var payment in payments)
        {
            var credit = payment.Movements.Single(m => m.Amount > 0);
            var debit = payment.Movements.Single(m => m.Amount < 0);
            await _ledger.StageAsync(
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
            taken.Add($"{NameOf(credit.Account[(credit.Account.IndexOf(':', StringComparison.Ordinal) + 1)..])} {credit.Amount} 分");
        }

        if (!await TrySaveAsync(cancellationToken))
        {
            return Conflict();
        }

        return PointsReply.Done($"#{ticketNumber} 已撤销，收回积分：{string.Join("，", taken)}。", total);
    }

    // ---- 奖励 / 打卡 -------------------------------------------------------------------------

    /// <summary>
    /// 奖励 &lt;人&gt; &lt;任务&gt; [说明]: pays a task from points.tasks. <paramref name="requestId"/>
    /// (e.g. the chat message id) makes a redelivered command pay once.
    /// </summary>
    public async Task<PointsReply> AwardAsync(
        Person actor, string? personIdOrName, string? taskCodeOrName, string? note, string? requestId = null, CancellationToken cancellationToken = default)
    {
        if (!actor.HasRole(Person.AdminRole) && !actor.HasRole(Person.SecretaryRole))
        {
            return PointsReply.Refused("只有社区书记可以奖励积分。");
        }

        if (string.IsNullOrWhiteSpace(personIdOrName) || string.IsNullOrWhiteSpace(taskCodeOrName))
        {
            return PointsReply.Refused(PointsUsage.Award);
        }

        var target = FindPerson(personIdOrName);
        if (target is null)
        {
            return PointsReply.Refused($"找不到「{personIdOrName.Trim()}」。{PointsUsage.Award}");
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

        var task = FindTask(taskCodeOrName);
        if (task is null)
        {
            var choices = string.Join("、", Scheme.Tasks.Where(t => !t.PointsFromCategory).Select(t => t.Name));
            return PointsReply.Refused($"没有「{taskCodeOrName.Trim()}」这项任务。可选：{choices}。{PointsUsage.Award}");
        }

        if (task.PointsFromCategory || task.Points is not > 0)
        {
            return PointsReply.Refused($"「{task.Name}」不能直接奖励：上报线索请用 审核 <单号> 通过。");
        }

        var done = await TaskCountTodayAsync(target.UserId, task.Code, cancellationToken);
        if (task.PerDay is { } perDay && done >= perDay)
        {
            return PointsReply.Refused($"{target.Name} 今天的「{task.Name}」已记过 {done} 次（每天限 {perDay} 次）。");
        }

        var key = requestId is null ? $"award:{Guid.NewGuid():N}" : $"award:{requestId}";
        if (requestId is not null && await _ledger.HasTransferAsync(key, cancellationToken))
        {
            return PointsReply.Refused("这条奖励已经记过了。");
        }

        return await PayTaskAsync(actor.UserId, target, task, key, note, $"奖励 {target.Name}「{task.Name}」", cancellationToken);
    }

    /// <summary>打卡 [小区]: pays the patrol task at most perDay times a street day.</summary>
    public async Task<PointsReply> PatrolAsync(Person actor, string? compoundNameOrAlias, CancellationToken cancellationToken = default)
    {
        if (!actor.HasRole(Person.StewardRole))
        {
            return PointsReply.Refused("只有小巷管家可以打卡。");
        }

        var task = Scheme.Tasks.FirstOrDefault(t => t.Code == "patrol");
        if (task?.Points is not > 0)
        {
            return PointsReply.Refused("积分方案里没有巡查打卡，请联系街道。");
        }

        Compound? compound = null;
        if (!string.IsNullOrWhiteSpace(compoundNameOrAlias))
        {
            compound = FindCompound(compoundNameOrAlias, actor);
            if (compound is null)
            {
                return PointsReply.Refused($"找不到小区「{compoundNameOrAlias.Trim()}」。{PointsUsage.Patrol}");
            }
        }
        else if (actor.Compounds.Count == 1)
        {
            compound = config.FindCompound(actor.Compounds[0]);
        }

        var perDay = task.PerDay ?? 1;
        var done = await TaskCountTodayAsync(actor.UserId, task.Code, cancellationToken);
        if (done >= perDay)
        {
            return PointsReply.Refused(perDay == 1 ? "今天已经打过卡了，明天再来。" : $"今天已打卡 {done} 次（每天限 {perDay} 次）。");
        }

        var day = StreetTime.Day(_zone, time.GetUtcNow()).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var key = $"patrol:{actor.UserId}:{day}:{done + 1}";
        var what = compound is null ? "巡查打卡" : $"巡查打卡 {compound.Name}";
        return await PayTaskAsync(actor.UserId, actor, task, key, null, what, cancellationToken);
    }

    // ---- 领券 / 兑换 -------------------------------------------------------------------------

    /// <summary>领券 &lt;积分&gt;: holds the points and returns a one-time code valid for voucherValidDays.</summary>
    public async Task<PointsReply> IssueVoucherAsync(Person actor, int points, string? requestId = null, CancellationToken cancellationToken = default)
    {
        if (!actor.HasRole(Person.StewardRole))
        {
            return PointsReply.Refused("只有小巷管家可以领券。");
        }

        if (points <= 0)
        {
            return PointsReply.Refused($"积分要是正整数。{PointsUsage.Voucher}");
        }

        var key = requestId is null ? null : $"voucher:issue:{requestId}";
        if (key is not null && await _ledger.HasTransferAsync(key, cancellationToken))
        {
            return PointsReply.Refused("这张券已经领过了，发送 积分 可查看未使用的券。");
        }

        var account = Ledger.PersonAccount(actor.UserId);
        var balance = await _ledger.BalanceAsync(account, cancellationToken);
        if (balance < points)
        {
            return PointsReply.Refused($"积分不足：当前 {balance} 分，想领 {points} 分。");
        }

        var code = VoucherCode.New();
        while (await db.Vouchers.AnyAsync(v => v.Code == code, cancellationToken))
        {
            code = VoucherCode.New();
        }

        var now = time.GetUtcNow();
        var voucher = new Voucher
        {
            Code = code,
            Owner = actor.UserId,
            Points = points,
            State = VoucherState.Issued,
            IssuedAt = now,
            ExpiresAt = now.AddDays(Scheme.VoucherValidDays),
        };
        db.Vouchers.Add(voucher);
        await _ledger.StageAsync(
            new TransferRequest(account, Ledger.Hold, points, TransferKinds.VoucherIssue, key ?? $"voucher:issue:{Guid.NewGuid():N}",
                $"领券 {VoucherCode.Mask(code)}", actor.UserId, now, Voucher: voucher),
            cancellationToken);
        if (!await TrySaveAsync(cancellationToken))
        {
            return Conflict();
        }

        var expires = StreetTime.Local(_zone, voucher.ExpiresAt, "yyyy-MM-dd HH:mm");
        return PointsReply.Done(
            $"券码 {VoucherCode.Format(code)}，{points} 分（{Cny(points)} 元），{expires} 前到联盟商户出示使用，一次有效。剩余 {balance - points} 分。",
            points,
            code);
    }

    /// <summary>
    /// 兑换 &lt;券码&gt; by a merchant member: moves the held points to the merchant. After
    /// <see cref="LockoutFailures"/> failures within <see cref="LockoutWindow"/> the member is refused
    /// for <see cref="LockoutWindow"/> without the code being looked at.
    /// </summary>
    public async Task<PointsReply> RedeemAsync(Person actor, string? code, CancellationToken cancellationToken = default)
    {
        var merchant = config.MerchantOf(actor.UserId);
        if (merchant is null)
        {
            return PointsReply.Refused("只有联盟商户可以兑换券码。");
        }

        var now = time.GetUtcNow();
        if (await LockedUntilAsync(actor.UserId, now, cancellationToken) is { } until)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling((until - now).TotalMinutes));
            return PointsReply.Refused($"券码错误次数太多，请 {minutes} 分钟后再试。");
        }

        if (string.IsNullOrWhiteSpace(code))
        {
            return PointsReply.Refused(PointsUsage.Redeem);
        }

        var normalized = VoucherCode.Normalize(code);
        var voucher = normalized is null ? null : await db.Vouchers.FirstOrDefaultAsync(v => v.Code == normalized, cancellationToken);
        if (voucher is null)
        {
            return await FailAsync(actor, now, $"券码无效，请核对后再试（券码 8 位，如 ABCD-EFGH）。", cancellationToken);
        }

        if (voucher.Owner == actor.UserId)
        {
            return PointsReply.Refused("不能兑换自己的券。");
        }

        if (voucher.State == VoucherState.Redeemed)
        {
            var at = StreetTime.Local(_zone, voucher.RedeemedAt!.Value, "MM-dd HH:mm");
            return await FailAsync(actor, now, $"券 {VoucherCode.Format(voucher.Code)} 已于 {at} 兑换过，不能再用。", cancellationToken);
        }

        if (voucher.State == VoucherState.Expired || now >= voucher.ExpiresAt)
        {
            return await FailAsync(actor, now, $"券 {VoucherCode.Format(voucher.Code)} 已过期，不能兑换。", cancellationToken);
        }

        var month = StreetTime.Month(_zone, now);
        if (await db.MerchantStatements.AnyAsync(s => s.Merchant == merchant.Id && s.Month == month, cancellationToken))
        {
            return PointsReply.Refused($"{merchant.Name} {month} 的账单已结算，本月不能再兑换，请联系街道。");
        }

        voucher.State = VoucherState.Redeemed;
        voucher.RedeemedAt = now;
        voucher.RedeemedBy = actor.UserId;
        voucher.Merchant = merchant.Id;
        voucher.Month = month;
        await _ledger.StageAsync(
            new TransferRequest(Ledger.Hold, Ledger.MerchantAccount(merchant.Id), voucher.Points, TransferKinds.VoucherRedeem,
                $"voucher:redeem:{voucher.Id}", $"兑换 {VoucherCode.Mask(voucher.Code)}（{NameOf(voucher.Owner)}）", actor.UserId, now,
                Voucher: voucher),
            cancellationToken);
        if (!await TrySaveAsync(cancellationToken))
        {
            return Conflict();
        }

        return PointsReply.Done(
            $"兑换成功：券 {VoucherCode.Format(voucher.Code)}，{voucher.Points} 分，折合 {Cny(voucher.Points)} 元，计入 {merchant.Name} {month} 账单。",
            voucher.Points);
    }

    /// <summary>Returns the points of every voucher past its expiry to its owner; the count expired.</summary>
    public async Task<int> ExpireVouchersAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var due = await db.Vouchers.Where(v => v.State == VoucherState.Issued && v.ExpiresAt <= now).ToListAsync(cancellationToken);
        foreach (var voucher in due)
        {
            voucher.State = VoucherState.Expired;
            voucher.ExpiredAt = now;
            await _ledger.StageAsync(
                new TransferRequest(Ledger.Hold, Ledger.PersonAccount(voucher.Owner), voucher.Points, TransferKinds.VoucherExpire,
                    $"voucher:expire:{voucher.Id}", $"券 {VoucherCode.Mask(voucher.Code)} 过期退回", "system", now, Voucher: voucher),
                cancellationToken);
        }

        if (due.Count > 0 && !await TrySaveAsync(cancellationToken))
        {
            return 0;
        }

        return due.Count;
    }

    // ---- 积分 ---------------------------------------------------------------------------------

    /// <summary>积分 [人]: a balance, the last movements and unused vouchers. Others' only for secretaries and admins.</summary>
    public async Task<PointsReply> ShowAsync(Person actor, string? personIdOrName, CancellationToken cancellationToken = default)
    {
        var target = actor;
        if (!string.IsNullOrWhiteSpace(personIdOrName))
        {
            target = FindPerson(personIdOrName);
            if (target is null)
            {
                return PointsReply.Refused($"找不到「{personIdOrName.Trim()}」。{PointsUsage.Show}");
            }
        }

        if (target.UserId != actor.UserId
            && !actor.HasRole(Person.AdminRole)
            && !(actor.HasRole(Person.SecretaryRole) && actor.CommunityId is not null && actor.CommunityId == target.CommunityId))
        {
            return PointsReply.Refused("只能查看自己的积分；书记可查看本社区的人。");
        }

        if (target.UserId == actor.UserId && target.Roles.Count == 0 && config.MerchantOf(actor.UserId) is { } merchant)
        {
            var owed = await _ledger.BalanceAsync(Ledger.MerchantAccount(merchant.Id), cancellationToken);
            return PointsReply.Done($"{merchant.Name} 待结算 {owed} 分，折合 {Cny(owed)} 元。", owed);
        }

        var account = Ledger.PersonAccount(target.UserId);
        var balance = await _ledger.BalanceAsync(account, cancellationToken);
        var lines = new List<string> { $"{target.Name} 当前积分 {balance} 分。" };
        var recent = await db.LedgerMovements.AsNoTracking().Include(m => m.Transfer)
            .Where(m => m.Account == account).OrderByDescending(m => m.Id).Take(RecentLines).ToListAsync(cancellationToken);
        if (recent.Count > 0)
        {
            lines.Add("最近记录：");
            lines.AddRange(recent.Select(m => $"{StreetTime.Local(_zone, m.At, "MM-dd HH:mm")} {m.Amount:+0;-0} {m.Transfer.Reason}"));
        }

        var vouchers = await db.Vouchers.AsNoTracking()
            .Where(v => v.Owner == target.UserId && v.State == VoucherState.Issued).OrderBy(v => v.Id).ToListAsync(cancellationToken);
        if (vouchers.Count > 0)
        {
            lines.Add("未使用的券：");
            lines.AddRange(vouchers.Select(v => $"{VoucherCode.Format(v.Code)} {v.Points} 分，{StreetTime.Local(_zone, v.ExpiresAt, "yyyy-MM-dd")} 前有效"));
        }

        return PointsReply.Done(string.Join("\n", lines), balance);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private async Task<(Ticket? Ticket, Ticket? Root, PointsReply? Refusal)> ReviewTargetAsync(
        Person actor, int ticketNumber, CancellationToken cancellationToken)
    {
        if (!actor.HasRole(Person.AdminRole) && !actor.HasRole(Person.SecretaryRole))
        {
            return (null, null, PointsReply.Refused("只有社区书记可以审核积分。"));
        }

        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Number == ticketNumber, cancellationToken);
        if (ticket is null)
        {
            return (null, null, PointsReply.Refused($"没有 #{ticketNumber} 号工单。{PointsUsage.Review}"));
        }

        var root = ticket;
        for (var hops = 0; root.MergedInto is { } next && hops < 16; hops++)
        {
            var parent = await db.Tickets.FirstOrDefaultAsync(t => t.Number == next, cancellationToken);
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
            var merged = await db.Tickets.Where(t => t.MergedInto != null && current.Contains(t.MergedInto.Value)).ToListAsync(cancellationToken);
            merged = merged.Where(m => cluster.All(c => c.Number != m.Number)).ToList();
            cluster.AddRange(merged);
            frontier = merged.Select(m => m.Number).ToList();
        }

        return cluster;
    }

    /// <summary>An earlier ticket (outside the cluster) with a photo near one of this ticket's photos.</summary>
    private async Task<int?> EarlierNearPhotoAsync(int ticketNumber, List<int> cluster, CancellationToken cancellationToken)
    {
        var own = await db.TicketPhotos.Where(p => p.TicketNumber == ticketNumber && p.Stage == BeforeStage)
            .Select(p => p.PerceptualHash).ToListAsync(cancellationToken);
        if (own.Count == 0)
        {
            return null;
        }

        var earlier = await db.TicketPhotos
            .Where(p => p.TicketNumber < ticketNumber && p.Stage == BeforeStage && !cluster.Contains(p.TicketNumber))
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

    private async Task<PointsReply> PayTaskAsync(
        string by, Person target, PointsTask task, string key, string? note, string reason, CancellationToken cancellationToken)
    {
        var (pay, held) = await WithinCapAsync(target.UserId, task.Points!.Value, cancellationToken);
        if (pay == 0)
        {
            return PointsReply.Refused($"{target.Name} 今日积分已达上限 {Scheme.DailyCapPerPerson} 分，明天再记。");
        }

        var account = Ledger.PersonAccount(target.UserId);
        var balance = await _ledger.BalanceAsync(account, cancellationToken);
        await _ledger.StageAsync(
            new TransferRequest(Ledger.Issuance, account, pay, TransferKinds.Task(task.Code), key, reason, by, time.GetUtcNow(),
                Note: string.IsNullOrWhiteSpace(note) ? null : note.Trim()[..Math.Min(note.Trim().Length, 500)]),
            cancellationToken);
        if (!await TrySaveAsync(cancellationToken))
        {
            return Conflict();
        }

        var text = $"{reason}：{target.Name} +{pay} 分，当前 {balance + pay} 分。";
        if (held > 0)
        {
            text += $"\n今日积分上限 {Scheme.DailyCapPerPerson} 分，另有 {held} 分不发。";
        }

        return PointsReply.Done(text, pay);
    }

    /// <summary>
    /// What can be paid today under dailyCapPerPerson: the cap counts points earned (reports and
    /// tasks) this street day; reversals do not give room back. Held-back points are not paid later.
    /// </summary>
    private async Task<(int Pay, int Held)> WithinCapAsync(string userId, int points, CancellationToken cancellationToken)
    {
        var earned = await EarnedTodayAsync(userId, cancellationToken);
        var room = Math.Max(0, Scheme.DailyCapPerPerson - earned);
        var pay = Math.Min(points, room);
        return (pay, points - pay);
    }

    private async Task<int> EarnedTodayAsync(string userId, CancellationToken cancellationToken)
    {
        var (start, end) = TodayRange();
        var account = Ledger.PersonAccount(userId);
        return await db.LedgerMovements
            .Where(m => m.Account == account && m.Amount > 0 && m.At >= start && m.At < end)
            .Where(m => m.Transfer.Kind == TransferKinds.Report || m.Transfer.Kind.StartsWith(TransferKinds.TaskPrefix))
            .SumAsync(m => m.Amount, cancellationToken);
    }

    private async Task<int> TaskCountTodayAsync(string userId, string taskCode, CancellationToken cancellationToken)
    {
        var (start, end) = TodayRange();
        var account = Ledger.PersonAccount(userId);
        var kind = TransferKinds.Task(taskCode);
        return await db.LedgerMovements
            .CountAsync(m => m.Account == account && m.Amount > 0 && m.At >= start && m.At < end && m.Transfer.Kind == kind, cancellationToken);
    }

    private (DateTimeOffset Start, DateTimeOffset End) TodayRange()
    {
        var day = StreetTime.Day(_zone, time.GetUtcNow());
        return (StreetTime.Midnight(_zone, day), StreetTime.Midnight(_zone, day.AddDays(1)));
    }

    /// <summary>
    /// Locked while the latest failure that completed <see cref="LockoutFailures"/> failures within
    /// <see cref="LockoutWindow"/> is less than a window old. Failures are stored, so a restart does not unlock.
    /// </summary>
    private async Task<DateTimeOffset?> LockedUntilAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - (2 * LockoutWindow);
        var failures = await db.VoucherFailures.Where(f => f.UserId == userId && f.At > since)
            .OrderBy(f => f.At).Select(f => f.At).ToListAsync(cancellationToken);
        for (var i = failures.Count - 1; i >= LockoutFailures - 1; i--)
        {
            if (failures[i] - failures[i - LockoutFailures + 1] <= LockoutWindow)
            {
                var until = failures[i] + LockoutWindow;
                return until > now ? until : null;
            }
        }

        return null;
    }

    private async Task<PointsReply> FailAsync(Person actor, DateTimeOffset now, string text, CancellationToken cancellationToken)
    {
        db.VoucherFailures.Add(new VoucherFailure { UserId = actor.UserId, At = now });
        await TrySaveAsync(cancellationToken);
        return PointsReply.Refused(text);
    }

    private async Task<bool> TrySaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // A concurrent operation won (same idempotency key, or the same account moved): forget
            // what this one staged so the context stays usable, and let the person retry.
            foreach (var entry in db.ChangeTracker.Entries()
                .Where(e => e.Entity is LedgerAccount or LedgerTransfer or LedgerMovement or Voucher or ReportReview or VoucherFailure or MerchantStatement)
                .ToList())
            {
                entry.State = EntityState.Detached;
            }

            return false;
        }
    }

    private static PointsReply Conflict() => PointsReply.Refused("刚才有人同时操作，这次没有记账，请再试一次。");

    private Person? FindPerson(string idOrName)
    {
        var key = idOrName.Trim().TrimStart('@', '＠');
        return config.FindPerson(key) ?? config.People.FirstOrDefault(p => p.Name == key);
    }

    private PointsTask? FindTask(string codeOrName)
    {
        var key = codeOrName.Trim();
        return Scheme.Tasks.FirstOrDefault(t => string.Equals(t.Code, key, StringComparison.OrdinalIgnoreCase) || t.Name == key);
    }

    // The triage's resolver, so 打卡 accepts the same partial forms (南路74号, 74号院) reports do.
    private Compound? FindCompound(string text, Person actor) =>
        config.FindCompound(text.Trim())
        ?? new PlaceResolver(config).FindNamed(text, actor, actor.CommunityId is { } id ? config.FindCommunity(id) : null)?.Compound;

    private string NameOf(string userId) => config.FindPerson(userId)?.Name ?? userId;

    private string Cny(int points) => (points * Scheme.PointValueCny).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
