namespace Guanjia.Core.Points;

/// <summary>
/// A points account: <c>street:issuance</c>, <c>person:&lt;userid&gt;</c>, <c>merchant:&lt;id&gt;</c>,
/// <c>voucher:hold</c>, <c>street:settlement</c>. <see cref="Balance"/> caches the sum of its movements;
/// <see cref="Version"/> makes two concurrent transfers on one account conflict instead of losing an update.
/// </summary>
public sealed class LedgerAccount
{
    public required string Id { get; set; }
    public int Balance { get; set; }
    public int Version { get; set; }
}

/// <summary>One change of points: two immutable movements that sum to zero. <see cref="Key"/> is unique.</summary>
public sealed class LedgerTransfer
{
    public long Id { get; set; }
    /// <summary>Idempotency key (<c>approve:ticket:153</c>): a retried operation cannot post twice.</summary>
    public required string Key { get; set; }
    /// <summary><c>report</c>, <c>task:&lt;code&gt;</c>, <c>voucher-issue</c>, <c>voucher-redeem</c>, <c>voucher-expire</c>, <c>settlement</c>, <c>reversal</c>.</summary>
    public required string Kind { get; set; }
    /// <summary>What people read (有效线索上报 #153 消防隐患).</summary>
    public required string Reason { get; set; }
    public required string By { get; set; }
    public DateTimeOffset At { get; set; }
    public int? TicketNumber { get; set; }
    public long? VoucherId { get; set; }
    public Voucher? Voucher { get; set; }
    /// <summary>The transfer this one reverses (corrections are new transfers, never edits).</summary>
    public long? Reverses { get; set; }
    public string? Note { get; set; }
    public List<LedgerMovement> Movements { get; } = [];
}

/// <summary>One side of a transfer: a signed amount on one account.</summary>
public sealed class LedgerMovement
{
    public long Id { get; set; }
    public long TransferId { get; set; }
    public LedgerTransfer Transfer { get; set; } = null!;
    public required string Account { get; set; }
    public int Amount { get; set; }
    public DateTimeOffset At { get; set; }
}

public enum VoucherState
{
    Issued,
    Redeemed,
    Expired,
}

/// <summary>A one-time code (领券) whose points wait in the hold account until redeemed or expired.</summary>
public sealed class Voucher
{
    public long Id { get; set; }
    /// <summary>8 characters without separators; shown as ABCD-EFGH.</summary>
    public required string Code { get; set; }
    public required string Owner { get; set; }
    public int Points { get; set; }
    public VoucherState State { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RedeemedAt { get; set; }
    public string? RedeemedBy { get; set; }
    public string? Merchant { get; set; }
    /// <summary>The statement month (YYYY-MM, street time) the redemption belongs to.</summary>
    public string? Month { get; set; }
    public DateTimeOffset? ExpiredAt { get; set; }
}

/// <summary>A secretary's 审核 decision on a report's points. Append-only; the latest counts.</summary>
public sealed class ReportReview
{
    public long Id { get; set; }
    public int TicketNumber { get; set; }
    public bool Approved { get; set; }
    public required string By { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>A wrong or unusable code presented by a merchant member; drives the lock-out.</summary>
public sealed class VoucherFailure
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// A merchant's month marked paid by the street office: a frozen snapshot. Its ledger transfer
/// has the key <c>settle:&lt;merchant&gt;:&lt;month&gt;</c>.
/// </summary>
public sealed class MerchantStatement
{
    public long Id { get; set; }
    public required string Merchant { get; set; }
    public required string Month { get; set; }
    public int Vouchers { get; set; }
    public int Points { get; set; }
    public decimal Cny { get; set; }
    public DateTimeOffset PaidAt { get; set; }
    public required string PaidBy { get; set; }
}
