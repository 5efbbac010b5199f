using Guanjia.Core.Community;
using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Points;

/// <summary>积分 [人]: a balance, the last movements and unused vouchers. The wording people read is here.</summary>
public sealed class BalanceView(PointsBook book)
{
    private const int RecentLines = 5;

    private GuanjiaDbContext Db => book.Db;

    /// <summary>积分 [人]: a balance, the last movements and unused vouchers. Others' only for secretaries and admins.</summary>
    public async Task<PointsReply> ShowAsync(Person actor, string? personIdOrName, CancellationToken cancellationToken = default)
    {
        var target = actor;
        if (!string.IsNullOrWhiteSpace(personIdOrName))
        {
            target = book.FindPerson(personIdOrName);
            if (target is null)
            {
                return PointsReply.Refused($"找不到「{personIdOrName.Trim()}」。", PointsUsage.Show);
            }
        }

        if (!PointsBook.MaySee(actor, target))
        {
            return PointsReply.Refused("只能查看自己的积分；书记可查看本社区的人。");
        }

        if (target.UserId == actor.UserId && target.Roles.Count == 0 && book.Config.MerchantOf(actor.UserId) is { } merchant)
        {
            var owed = await book.Ledger.BalanceAsync(Ledger.MerchantAccount(merchant.Id), cancellationToken);
            return PointsReply.Done($"{merchant.Name} 待结算 {owed} 分，折合 {book.Cny(owed)} 元。", owed);
        }

        var account = Ledger.PersonAccount(target.UserId);
        var balance = await book.Ledger.BalanceAsync(account, cancellationToken);
        var lines = new List<string> { $"{target.Name} 当前积分 {balance} 分。" };
        var recent = await Db.LedgerMovements.AsNoTracking().Include(m => m.Transfer)
            .Where(m => m.Account == account).OrderByDescending(m => m.Id).Take(RecentLines).ToListAsync(cancellationToken);
        if (recent.Count > 0)
        {
            lines.Add("最近记录：");
            lines.AddRange(recent.Select(m => $"{StreetTime.Local(book.Zone, m.At, "MM-dd HH:mm")} {m.Amount:+0;-0} {m.Transfer.Reason}"));
        }

        var vouchers = await Db.Vouchers.AsNoTracking()
            .Where(v => v.Owner == target.UserId && v.State == VoucherState.Issued).OrderBy(v => v.Id).ToListAsync(cancellationToken);
        if (vouchers.Count > 0)
        {
            lines.Add("未使用的券：");
            lines.AddRange(vouchers.Select(v => $"{VoucherCode.Format(v.Code)} {v.Points} 分，{StreetTime.Local(book.Zone, v.ExpiresAt, "yyyy-MM-dd")} 前有效"));
        }

        return PointsReply.Done(string.Join("\n", lines), balance);
    }
}
