using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Points;

internal static class PointsModel
{
    public static void ConfigurePoints(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<LedgerAccount>(a =>
        {
            a.HasKey(x => x.Id);
            a.Property(x => x.Id).HasMaxLength(80);
            a.Property(x => x.Version).IsConcurrencyToken();
        });

        modelBuilder.Entity<LedgerTransfer>(t =>
        {
            t.Property(x => x.Key).HasMaxLength(200);
            t.Property(x => x.Kind).HasMaxLength(32);
            t.Property(x => x.Reason).HasMaxLength(200);
            t.Property(x => x.By).HasMaxLength(64);
            t.Property(x => x.Note).HasMaxLength(500);
            // The idempotency: a retried approval or redemption hits this and posts nothing.
            t.HasIndex(x => x.Key).IsUnique();
            // A transfer is reversed at most once.
            t.HasIndex(x => x.Reverses).IsUnique();
            t.HasIndex(x => x.TicketNumber);
            t.HasMany(x => x.Movements).WithOne(m => m.Transfer).HasForeignKey(m => m.TransferId);
            t.HasOne(x => x.Voucher).WithMany().HasForeignKey(x => x.VoucherId);
        });

        modelBuilder.Entity<LedgerMovement>(m =>
        {
            m.Property(x => x.Account).HasMaxLength(80);
            m.HasOne<LedgerAccount>().WithMany().HasForeignKey(x => x.Account);
            m.HasIndex(x => new { x.Account, x.At });
        });

        modelBuilder.Entity<Voucher>(v =>
        {
            v.Property(x => x.Code).HasMaxLength(16);
            v.Property(x => x.Owner).HasMaxLength(64);
            v.Property(x => x.RedeemedBy).HasMaxLength(64);
            v.Property(x => x.Merchant).HasMaxLength(64);
            v.Property(x => x.Month).HasMaxLength(7);
            v.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            v.HasIndex(x => x.Code).IsUnique();
            v.HasIndex(x => new { x.State, x.ExpiresAt });
            v.HasIndex(x => new { x.Merchant, x.Month });
            v.HasIndex(x => x.Owner);
        });

        modelBuilder.Entity<ReportReview>(r =>
        {
            r.Property(x => x.By).HasMaxLength(64);
            r.HasIndex(x => x.TicketNumber);
        });

        modelBuilder.Entity<VoucherFailure>(f =>
        {
            f.Property(x => x.UserId).HasMaxLength(64);
            f.HasIndex(x => new { x.UserId, x.At });
        });

        modelBuilder.Entity<MerchantStatement>(s =>
        {
            s.Property(x => x.Merchant).HasMaxLength(64);
            s.Property(x => x.Month).HasMaxLength(7);
            s.Property(x => x.PaidBy).HasMaxLength(64);
            s.Property(x => x.Cny).HasPrecision(18, 2);
            s.HasIndex(x => new { x.Merchant, x.Month }).IsUnique();
        });

        modelBuilder.Entity<Patrol>(p =>
        {
            p.Property(x => x.UserId).HasMaxLength(64);
            p.Property(x => x.Community).HasMaxLength(64);
            p.Property(x => x.Compound).HasMaxLength(64);
            p.Property(x => x.Proof).HasMaxLength(16);
            p.Property(x => x.PhotoId).HasMaxLength(80);
            p.Property(x => x.ReviewedBy).HasMaxLength(64);
            p.Property(x => x.RequestId).HasMaxLength(200);
            p.Property(x => x.LedgerKey).HasMaxLength(200);
            p.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            // A redelivered location or 打卡 message records one patrol.
            p.HasIndex(x => x.RequestId).IsUnique();
            p.HasIndex(x => new { x.UserId, x.Day });
            p.HasIndex(x => new { x.Community, x.State });
        });

        modelBuilder.Entity<TaskClaim>(c =>
        {
            c.Property(x => x.UserId).HasMaxLength(64);
            c.Property(x => x.Community).HasMaxLength(64);
            c.Property(x => x.Task).HasMaxLength(64);
            c.Property(x => x.Note).HasMaxLength(500);
            c.Property(x => x.PhotoId).HasMaxLength(80);
            c.Property(x => x.ReviewedBy).HasMaxLength(64);
            c.Property(x => x.RequestId).HasMaxLength(200);
            c.Property(x => x.LedgerKey).HasMaxLength(200);
            c.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            c.HasIndex(x => x.RequestId).IsUnique();
            c.HasIndex(x => new { x.Community, x.State });
            c.HasIndex(x => new { x.UserId, x.At });
        });
    }
}
