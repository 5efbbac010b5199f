using Guanjia.Core.Community;
using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Points;

/// <summary>
/// 领券 and 兑换: vouchers hold a steward's points until a merchant redeems them or they expire.
/// The wording people read is here.
/// </summary>
public sealed class VoucherDesk(PointsBook book)
{
    /// <summary>Failed codes from one person within <see cref="LockoutWindow"/> that lock them out.</summary>
    public const int LockoutFailures = 5;

    public static readonly TimeSpan LockoutWindow = TimeSpan.FromMinutes(10);

    private GuanjiaDbContext Db => book.Db;

    /// <summary>领券 &lt;积分&gt;: holds the points and returns a one-time code valid for voucherValidDays.</summary>
    public async Task<PointsReply> IssueVoucherAsync(Person actor, int points, string? requestId = null, CancellationToken cancellationToken = default)
    {
        if (!actor.HasRole(Person.StewardRole))
        {
            return PointsReply.Refused("只有小巷管家可以领券。");
        }

        if (points <= 0)
        {
            return PointsReply.Refused("积分要是正整数。", PointsUsage.Voucher);
        }

        var key = requestId is null ? null : $"voucher:issue:{requestId}";
        if (key is not null && await book.Ledger.HasTransferAsync(key, cancellationToken))
        {
            return PointsReply.Refused("这张券已经领过了，发送 积分 可查看未使用的券。");
        }

        var account = Ledger.PersonAccount(actor.UserId);
        var balance = await book.Ledger.BalanceAsync(account, cancellationToken);
        if (balance < points)
        {
            return PointsReply.Refused($"积分不足：当前 {balance} 分，想领 {points} 分。");
        }

        var code = VoucherCode.New();
        while (await Db.Vouchers.AnyAsync(v => v.Code == code, cancellationToken))
        {
            code = VoucherCode.New();
        }

        var now = book.Now;
        var voucher = new Voucher
        {
            Code = code,
            Owner = actor.UserId,
            Points = points,
            State = VoucherState.Issued,
            IssuedAt = now,
            ExpiresAt = now.AddDays(book.Scheme.VoucherValidDays),
        };
        Db.Vouchers.Add(voucher);
        await book.Ledger.StageAsync(
            new TransferRequest(account, Ledger.Hold, points, TransferKinds.VoucherIssue, key ?? $"voucher:issue:{Guid.NewGuid():N}",
                $"领券 {VoucherCode.Mask(code)}", actor.UserId, now, Voucher: voucher),
            cancellationToken);
        if (!await book.TrySaveAsync("voucher", cancellationToken))
        {
            return PointsBook.Conflict();
        }

        var expires = StreetTime.Local(book.Zone, voucher.ExpiresAt, "yyyy-MM-dd HH:mm");
        return PointsReply.Done(
            $"券码 {VoucherCode.Format(code)}，{points} 分（{book.Cny(points)} 元），{expires} 前到联盟商户出示使用，一次有效。剩余 {balance - points} 分。",
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
        var merchant = book.Config.MerchantOf(actor.UserId);
        if (merchant is null)
        {
            return PointsReply.Refused("只有联盟商户可以兑换券码。");
        }

        var now = book.Now;
        if (await LockedUntilAsync(actor.UserId, now, cancellationToken) is { } until)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling((until - now).TotalMinutes));
            return PointsReply.Refused($"券码错误次数太多，请 {minutes} 分钟后再试。");
        }

        if (string.IsNullOrWhiteSpace(code))
        {
            return PointsReply.Refused("请写上券码。", PointsUsage.Redeem);
        }

        var normalized = VoucherCode.Normalize(code);
        var voucher = normalized is null ? null : await Db.Vouchers.FirstOrDefaultAsync(v => v.Code == normalized, cancellationToken);
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
            var at = StreetTime.Local(book.Zone, voucher.RedeemedAt!.Value, "MM-dd HH:mm");
            return await FailAsync(actor, now, $"券 {VoucherCode.Format(voucher.Code)} 已于 {at} 兑换过，不能再用。", cancellationToken);
        }

        if (voucher.State == VoucherState.Expired || now >= voucher.ExpiresAt)
        {
            return await FailAsync(actor, now, $"券 {VoucherCode.Format(voucher.Code)} 已过期，不能兑换。", cancellationToken);
        }

        var month = StreetTime.Month(book.Zone, now);
        if (await Db.MerchantStatements.AnyAsync(s => s.Merchant == merchant.Id && s.Month == month, cancellationToken))
        {
            return PointsReply.Refused($"{merchant.Name} {month} 的账单已结算，本月不能再兑换，请联系街道。");
        }

        voucher.State = VoucherState.Redeemed;
        voucher.RedeemedAt = now;
        voucher.RedeemedBy = actor.UserId;
        voucher.Merchant = merchant.Id;
        voucher.Month = month;
        await book.Ledger.StageAsync(
            new TransferRequest(Ledger.Hold, Ledger.MerchantAccount(merchant.Id), voucher.Points, TransferKinds.VoucherRedeem,
                $"voucher:redeem:{voucher.Id}", $"兑换 {VoucherCode.Mask(voucher.Code)}（{book.NameOf(voucher.Owner)}）", actor.UserId, now,
                Voucher: voucher),
            cancellationToken);
        if (!await book.TrySaveAsync("voucher", cancellationToken))
        {
            return PointsBook.Conflict();
        }

        return PointsReply.Done(
            $"兑换成功：券 {VoucherCode.Format(voucher.Code)}，{voucher.Points} 分，折合 {book.Cny(voucher.Points)} 元，计入 {merchant.Name} {month} 账单。",
            voucher.Points);
    }

    /// <summary>Returns the points of every voucher past its expiry to its owner; the count expired.</summary>
    public async Task<int> ExpireVouchersAsync(CancellationToken cancellationToken = default)
    {
        var now = book.Now;
        var due = await Db.Vouchers.Where(v => v.State == VoucherState.Issued && v.ExpiresAt <= now).ToListAsync(cancellationToken);
        foreach (var voucher in due)
        {
            voucher.State = VoucherState.Expired;
            voucher.ExpiredAt = now;
            await book.Ledger.StageAsync(
                new TransferRequest(Ledger.Hold, Ledger.PersonAccount(voucher.Owner), voucher.Points, TransferKinds.VoucherExpire,
                    $"voucher:expire:{voucher.Id}", $"券 {VoucherCode.Mask(voucher.Code)} 过期退回", "system", now, Voucher: voucher),
                cancellationToken);
        }

        if (due.Count > 0 && !await book.TrySaveAsync("voucher-expiry", cancellationToken))
        {
            return 0;
        }

        return due.Count;
    }

    /// <summary>
    /// Locked while the latest failure that completed <see cref="LockoutFailures"/> failures within
    /// <see cref="LockoutWindow"/> is less than a window old. Failures are stored, so a restart does not unlock.
    /// </summary>
    private async Task<DateTimeOffset?> LockedUntilAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - (2 * LockoutWindow);
        var failures = await Db.VoucherFailures.Where(f => f.UserId == userId && f.At > since)
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
        Db.VoucherFailures.Add(new VoucherFailure { UserId = actor.UserId, At = now });
        await book.TrySaveAsync("voucher-failure", cancellationToken);
        return PointsReply.Refused(text);
    }
}
