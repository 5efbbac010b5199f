using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Points;

/// <summary>The double-entry points ledger: posts transfers, reads balances, proves the books balance.</summary>
public sealed class Ledger(GuanjiaDbContext db)
{
    public const string Issuance = "street:issuance";
    public const string Hold = "voucher:hold";
    public const string Settlement = "street:settlement";

    public static string PersonAccount(string userId) => "person:" + userId;

    public static string MerchantAccount(string merchantId) => "merchant:" + merchantId;

    /// <summary>The cached balance of an account (0 when it has never moved).</summary>
    public async Task<int> BalanceAsync(string account, CancellationToken cancellationToken = default)
    {
        var tracked = db.LedgerAccounts.Local.FirstOrDefault(a => a.Id == account);
        if (tracked is not null)
        {
            return tracked.Balance;
        }

        return await db.LedgerAccounts.AsNoTracking().Where(a => a.Id == account).Select(a => a.Balance).FirstOrDefaultAsync(cancellationToken);
    }

    public Task<bool> HasTransferAsync(string key, CancellationToken cancellationToken = default) =>
        db.LedgerTransfers.AnyAsync(t => t.Key == key, cancellationToken);

    /// <summary>
    /// Adds a transfer of points from one account to another to the
    /// context (the caller saves). The cached balances move with it.
    /// </summary>
    public async Task<LedgerTransfer> StageAsync(TransferRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Amount);
        if (request.From == request.To)
        {
            throw new ArgumentException("A transfer needs two different accounts.", nameof(request));
        }

        var from = await AccountAsync(request.From, cancellationToken);
        var to = await AccountAsync(request.To, cancellationToken);
        from.Balance -= request.Amount;
        from.Version++;
        to.Balance += request.Amount;
        to.Version++;

        var transfer = new LedgerTransfer
        {
            Key = request.Key,
            Kind = request.Kind,
            Reason = request.Reason,
            By = request.By,
            At = request.At,
            TicketNumber = request.TicketNumber,
            Voucher = request.Voucher,
            Reverses = request.Reverses,
            Note = request.Note,
        };
        transfer.Movements.Add(new LedgerMovement { Account = from.Id, Amount = -request.Amount, At = request.At });
        transfer.Movements.Add(new LedgerMovement { Account = to.Id, Amount = request.Amount, At = request.At });
        db.LedgerTransfers.Add(transfer);
        return transfer;
    }

    /// <summary>
    /// Checks the books: every account's cached balance equals the sum of its movements, every
    /// transfer has two movements summing to zero, and all movements together sum to zero.
    /// </summary>
    public async Task<LedgerReconciliation> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var sums = await db.LedgerMovements.AsNoTracking()
            .GroupBy(m => m.Account)
            .Select(g => new { Account = g.Key, Sum = g.Sum(m => (long)m.Amount) })
            .ToDictionaryAsync(x => x.Account, x => x.Sum, StringComparer.Ordinal, cancellationToken);
        var accounts = await db.LedgerAccounts.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var account in accounts)
        {
            var sum = sums.GetValueOrDefault(account.Id);
            if (sum != account.Balance)
            {
                problems.Add($"{account.Id}: cached {account.Balance}, movements {sum}");
            }
        }

        foreach (var orphan in sums.Keys.Except(accounts.Select(a => a.Id), StringComparer.Ordinal))
        {
            problems.Add($"{orphan}: movements without an account");
        }

        var unbalanced = await db.LedgerMovements.AsNoTracking()
            .GroupBy(m => m.TransferId)
            .Where(g => g.Count() != 2 || g.Sum(m => m.Amount) != 0)
            .Select(g => g.Key)
            .ToListAsync(cancellationToken);
        problems.AddRange(unbalanced.Select(id => $"transfer {id}: movements do not pair to zero"));

        var total = sums.Values.Sum();
        if (total != 0)
        {
            problems.Add($"all movements sum to {total}");
        }

        var transfers = await db.LedgerTransfers.CountAsync(cancellationToken);
        var movements = await db.LedgerMovements.CountAsync(cancellationToken);
        return new LedgerReconciliation(problems.Count == 0, total, problems, accounts.Count, transfers, movements);
    }

    private async Task<LedgerAccount> AccountAsync(string id, CancellationToken cancellationToken)
    {
        var account = await db.LedgerAccounts.FindAsync([id], cancellationToken);
        if (account is null)
        {
            account = new LedgerAccount { Id = id };
            db.LedgerAccounts.Add(account);
        }

        return account;
    }
}

/// <summary>What <see cref="Ledger.StageAsync"/> posts.</summary>
public sealed record TransferRequest(
    string From,
    string To,
    int Amount,
    string Kind,
    string Key,
    string Reason,
    string By,
    DateTimeOffset At,
    int? TicketNumber = null,
    Voucher? Voucher = null,
    long? Reverses = null,
    string? Note = null);

/// <summary>The outcome of <see cref="Ledger.ReconcileAsync"/>; <see cref="Problems"/> is empty when balanced.</summary>
public sealed record LedgerReconciliation(
    bool Balanced,
    long Total,
    IReadOnlyList<string> Problems,
    int Accounts,
    int Transfers,
    int Movements);
