namespace Guanjia.Core.Points;

/// <summary>How a patrol or a task claim was proven.</summary>
public static class ProofKinds
{
    /// <summary>An app location message within points.patrolRadius: paid at once.</summary>
    public const string Location = "location";

    /// <summary>A photo with <c>打卡 &lt;小区&gt;</c>: paid after a secretary's 审核打卡.</summary>
    public const string Photo = "photo";
}

/// <summary>Where a patrol or a claim stands. Pending ones wait for a secretary.</summary>
public enum ProofState
{
    Pending,
    Approved,
    Refused,
}

/// <summary>
/// A patrol of one compound on one street day, with its proof. A location proof is approved when
/// recorded; a photo waits for 审核打卡. <see cref="LedgerKey"/> is the payment, if one was made
/// (not when the day's count or the daily cap was reached).
/// </summary>
public sealed class Patrol
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public required string Community { get; set; }
    public required string Compound { get; set; }
    /// <summary>The street day (Asia/Shanghai) of the patrol.</summary>
    public DateOnly Day { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Proof { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public int? DistanceMetres { get; set; }
    public string? PhotoId { get; set; }
    public ProofState State { get; set; }
    public string? ReviewedBy { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    /// <summary>The idempotency key of its payment in the ledger; null while unpaid.</summary>
    public string? LedgerKey { get; set; }
    /// <summary>The WeCom message that recorded it: a redelivered message records nothing twice.</summary>
    public required string RequestId { get; set; }
}

/// <summary>A steward's claim of a task from points.tasks (申请), with a line and a photo, until 审核申请.</summary>
public sealed class TaskClaim
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public required string Community { get; set; }
    public required string Task { get; set; }
    public string? Note { get; set; }
    public string? PhotoId { get; set; }
    public DateTimeOffset At { get; set; }
    public ProofState State { get; set; }
    public string? ReviewedBy { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    /// <summary>The idempotency key of its payment in the ledger; null while unpaid.</summary>
    public string? LedgerKey { get; set; }
    public required string RequestId { get; set; }
}
