using System.Globalization;
using Guanjia.Core.Community;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Points;

/// <summary>
/// Monthly merchant statements (vouchers redeemed in a street-time month, points, CNY) and their
/// payment by the street office. A month can be paid only after it has ended, so no redemption can
/// land in a paid month; a paid statement is a frozen snapshot.
/// </summary>
public sealed class Settlement(GuanjiaDbContext db, CommunityConfig config, StreetCalendar street, TimeProvider time)
{
    private readonly Ledger _ledger = new(db);

    /// <summary>Parses YYYY-MM (month 01–12).</summary>
    public static bool TryParseMonth(string? text, out string month)
    {
        month = "";
        if (text is not { Length: 7 } || text[4] != '-'
            || !DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return false;
        }

        month = text;
        return true;
    }

    /// <summary>One statement per configured merchant (and any other merchant with redemptions) for the month.</summary>
    public async Task<IReadOnlyList<MerchantStatementView>> StatementsAsync(string month, CancellationToken cancellationToken = default)
    {
        var paid = await db.MerchantStatements.AsNoTracking().Where(s => s.Month == month)
            .ToDictionaryAsync(s => s.Merchant, StringComparer.Ordinal, cancellationToken);
        var redeemed = await db.Vouchers.AsNoTracking()
            .Where(v => v.Month == month && v.State == VoucherState.Redeemed && v.Merchant != null)
            .GroupBy(v => v.Merchant!)
            .Select(g => new { Merchant = g.Key, Vouchers = g.Count(), Points = g.Sum(v => v.Points) })
            .ToDictionaryAsync(x => x.Merchant, StringComparer.Ordinal, cancellationToken);

        var ids = config.Points.Merchants.Select(m => m.Id).Union(redeemed.Keys).Union(paid.Keys).ToList();
        return ids.Select(id =>
        {
            var name = config.Points.Merchants.FirstOrDefault(m => m.Id == id)?.Name ?? id;
            if (paid.TryGetValue(id, out var s))
            {
                return new MerchantStatementView(month, id, name, s.Vouchers, s.Points, s.Cny, true, s.PaidAt, s.PaidBy);
            }

            var r = redeemed.GetValueOrDefault(id);
            var points = r?.Points ?? 0;
            return new MerchantStatementView(month, id, name, r?.Vouchers ?? 0, points, points * config.Points.PointValueCny, false, null, null);
        }).ToList();
    }

    /// <summary>Marks a merchant's month paid: freezes the statement and moves its points to the settlement account.</summary>
    public async Task<SettlementResult> MarkPaidAsync(string merchantId, string month, string by, CancellationToken cancellationToken = default)
    {
        if (!TryParseMonth(month, out _))
        {
            return new SettlementResult(SettlementOutcome.BadMonth, null);
        }

        var merchant = config.Points.Merchants.FirstOrDefault(m => m.Id == merchantId);
        if (merchant is null)
        {
            return new SettlementResult(SettlementOutcome.UnknownMerchant, null);
        }

        var now = time.GetUtcNow();
        var firstOfNext = DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture).AddMonths(1);
        if (now < StreetTime.Midnight(street.Zone, firstOfNext))
        {
            return new SettlementResult(SettlementOutcome.MonthNotOver, (await StatementsAsync(month, cancellationToken)).Single(s => s.Merchant == merchantId));
        }

        var current = (await StatementsAsync(month, cancellationToken)).Single(s => s.Merchant == merchantId);
        if (current.Paid)
        {
            return new SettlementResult(SettlementOutcome.AlreadyPaid, current);
        }

        var statement = new MerchantStatement
        {
            Merchant = merchantId,
            Month = month,
            Vouchers = current.Vouchers,
            Points = current.Points,
            Cny = current.Cny,
            PaidAt = now,
            PaidBy = by,
        };
        db.MerchantStatements.Add(statement);
        if (current.Points > 0)
        {
            await _ledger.StageAsync(
                new TransferRequest(Ledger.MerchantAccount(merchantId), Ledger.Settlement, current.Points, TransferKinds.Settlement,
                    $"settle:{merchantId}:{month}", $"{merchant.Name} {month} 结算 {current.Cny:0.##} 元", by, now),
                cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is MerchantStatement or LedgerTransfer or LedgerMovement or LedgerAccount).ToList())
            {
                entry.State = EntityState.Detached;
            }

            var again = (await StatementsAsync(month, cancellationToken)).Single(s => s.Merchant == merchantId);
            return new SettlementResult(again.Paid ? SettlementOutcome.AlreadyPaid : SettlementOutcome.Conflict, again);
        }

        return new SettlementResult(SettlementOutcome.Paid, (await StatementsAsync(month, cancellationToken)).Single(s => s.Merchant == merchantId));
    }
}

/// <summary>A merchant's month: vouchers redeemed, points and CNY; paid statements are frozen.</summary>
public sealed record MerchantStatementView(
    string Month,
    string Merchant,
    string MerchantName,
    int Vouchers,
    int Points,
    decimal Cny,
    bool Paid,
    DateTimeOffset? PaidAt,
    string? PaidBy);

public enum SettlementOutcome
{
    Paid,
    AlreadyPaid,
    UnknownMerchant,
    BadMonth,
    MonthNotOver,
    Conflict,
}

public sealed record SettlementResult(SettlementOutcome Outcome, MerchantStatementView? Statement);
