using Guanjia.Core.Intake;
using Guanjia.Core.Outbox;
using Guanjia.Core.Points;
using Guanjia.Core.Scheduling;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Guanjia.Core.Storage;

public class GuanjiaDbContext : DbContext
{
    public GuanjiaDbContext(DbContextOptions<GuanjiaDbContext> options)
        : this((DbContextOptions)options)
    {
    }

    /// <summary>For the per-provider subclasses that own a migration set (Storage/Postgres).</summary>
    protected GuanjiaDbContext(DbContextOptions options)
        : base(options)
    {
        // A single-statement SaveChanges would otherwise run without a transaction and so
        // bypass SQLite's write gate, meeting SQLite's busy lock (and its 150 ms sleep) instead.
        Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
    }

    public DbSet<Ticket> Tickets => Set<Ticket>();
    public DbSet<TicketEvent> TicketEvents => Set<TicketEvent>();
    public DbSet<TicketPhoto> TicketPhotos => Set<TicketPhoto>();
    public DbSet<InboxMessage> Inbox => Set<InboxMessage>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<OutboxLease> OutboxLeases => Set<OutboxLease>();
    public DbSet<PendingPhoto> PendingPhotos => Set<PendingPhoto>();
    public DbSet<OnTheSpotDraft> OnTheSpotDrafts => Set<OnTheSpotDraft>();
    public DbSet<TicketReminder> TicketReminders => Set<TicketReminder>();
    public DbSet<LedgerAccount> LedgerAccounts => Set<LedgerAccount>();
    public DbSet<LedgerTransfer> LedgerTransfers => Set<LedgerTransfer>();
    public DbSet<LedgerMovement> LedgerMovements => Set<LedgerMovement>();
    public DbSet<Voucher> Vouchers => Set<Voucher>();
    public DbSet<ReportReview> ReportReviews => Set<ReportReview>();
    public DbSet<VoucherFailure> VoucherFailures => Set<VoucherFailure>();
    public DbSet<MerchantStatement> MerchantStatements => Set<MerchantStatement>();
    public DbSet<Patrol> Patrols => Set<Patrol>();
    public DbSet<TaskClaim> TaskClaims => Set<TaskClaim>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Instants are stored as UTC Unix milliseconds: sortable and comparable in SQL on every
        // provider (SQLite cannot compare DateTimeOffset text), and identical across providers.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<TicketStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<IncomingChannel>().HaveConversion<string>().HaveMaxLength(8);
        configurationBuilder.Properties<OutboxChannel>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<OutboxKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<OutboxState>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Ticket>(ticket =>
        {
            ticket.HasKey(t => t.Number);
            ticket.Property(t => t.Number).ValueGeneratedOnAdd();
            ticket.Property(t => t.Category).HasMaxLength(32);
            ticket.Property(t => t.Community).HasMaxLength(64);
            ticket.Property(t => t.Compound).HasMaxLength(64);
            ticket.Property(t => t.Department).HasMaxLength(64);
            ticket.Property(t => t.Reporter).HasMaxLength(64);
            ticket.Property(t => t.Conversation).HasMaxLength(128);
            ticket.Property(t => t.Text).HasMaxLength(4096);
            ticket.Property(t => t.Satisfaction).HasMaxLength(16);
            ticket.Property(t => t.ExtensionRequest).HasMaxLength(16);
            ticket.HasMany(t => t.Photos).WithOne().HasForeignKey(p => p.TicketNumber);
            ticket.HasMany(t => t.Events).WithOne().HasForeignKey(e => e.TicketNumber);
            ticket.HasIndex(t => new { t.Status, t.CreatedAt });
            ticket.HasIndex(t => new { t.Compound, t.Category, t.CreatedAt });
            // Intake asks for every message "has this sender a recent ticket in this chat?": without it, a scan of the open tickets.
            ticket.HasIndex(t => new { t.Reporter, t.Conversation, t.CreatedAt });
            ticket.HasIndex(t => t.Community);
            ticket.HasIndex(t => t.Department);
        });

        modelBuilder.Entity<TicketEvent>(e =>
        {
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.By).HasMaxLength(64);
            e.Property(x => x.Note).HasMaxLength(2048);
            e.Property(x => x.Conversation).HasMaxLength(128);
            e.Property(x => x.Photos).HasMaxLength(1024);
            // "Did this person just 办结 something in this chat?" for every photo without text.
            e.HasIndex(x => new { x.By, x.Kind, x.At });
        });

        modelBuilder.Entity<TicketPhoto>(p =>
        {
            p.Property(x => x.PhotoId).HasMaxLength(64);
            p.Property(x => x.Stage).HasMaxLength(16);
            p.HasIndex(x => x.PhotoId);
        });

        modelBuilder.Entity<InboxMessage>(m =>
        {
            m.Property(x => x.MessageId).HasMaxLength(128);
            m.Property(x => x.SenderId).HasMaxLength(64);
            m.Property(x => x.ChatId).HasMaxLength(128);
            m.Property(x => x.LastError).HasMaxLength(256);
            // The de-duplication: WeCom redelivers a message up to three times.
            m.HasIndex(x => new { x.Channel, x.MessageId }).IsUnique();
            m.HasIndex(x => x.ProcessedAt);
            // Which instance holds the row, and until when (GuanjiaStorage.InboxLease); after a
            // failure, when it may be tried again. Only storage reads them: shadow properties.
            m.Property<string?>(InboxLeaseColumns.LeasedBy).HasMaxLength(128);
            m.Property<DateTimeOffset?>(InboxLeaseColumns.LeaseUntil);
        });

        modelBuilder.Entity<OutboxMessage>(m =>
        {
            m.Property(x => x.Key).HasMaxLength(200);
            m.Property(x => x.Target).HasMaxLength(2048);
            m.Property(x => x.Mentions).HasMaxLength(2048);
            m.Property(x => x.LastError).HasMaxLength(256);
            m.Property(x => x.Recipient).HasMaxLength(64);
            m.Property(x => x.Conversation).HasMaxLength(128);
            m.HasIndex(x => x.Key).IsUnique();
            m.HasIndex(x => new { x.State, x.NextAttemptAt });
            // The outbox keeps each destination in order: "is an earlier message of this target still waiting?"
            m.HasIndex(x => new { x.State, x.Target });
        });

        modelBuilder.Entity<OutboxLease>(l =>
        {
            l.HasKey(x => x.Target);
            l.Property(x => x.Target).HasMaxLength(2048);
            l.Property(x => x.Holder).HasMaxLength(128);
        });

        modelBuilder.Entity<PendingPhoto>(p =>
        {
            p.Property(x => x.SenderId).HasMaxLength(64);
            p.Property(x => x.Conversation).HasMaxLength(128);
            p.Property(x => x.PhotoId).HasMaxLength(64);
            p.Property(x => x.Failure).HasMaxLength(256);
            p.HasIndex(x => new { x.SenderId, x.Conversation, x.ReceivedAt });
        });

        modelBuilder.Entity<OnTheSpotDraft>(d =>
        {
            d.Property(x => x.SenderId).HasMaxLength(64);
            d.Property(x => x.Conversation).HasMaxLength(128);
            d.Property(x => x.Text).HasMaxLength(4096);
            d.HasIndex(x => new { x.SenderId, x.Conversation, x.ReceivedAt });
        });

        modelBuilder.Entity<TicketReminder>(r =>
        {
            r.Property(x => x.Kind).HasMaxLength(16);
            r.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketNumber);
            // The de-duplication of reminders: each threshold once per ticket.
            r.HasIndex(x => new { x.TicketNumber, x.Kind }).IsUnique();
        });
        modelBuilder.ConfigurePoints();
        ConfigureTicketNumbers(modelBuilder);
    }

    /// <summary>
    /// A ticket gets its number when it is added, so everything that carries the number (events, photos, the
    /// acknowledgement, the outbox keys) is saved with it in one <c>SaveChanges</c>. SQLite: the next after the
    /// highest, in the single writer's transaction (<see cref="Sqlite.SqliteTicketNumbers"/>).
    /// </summary>
    protected virtual void ConfigureTicketNumbers(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Ticket>().Property(t => t.Number).HasValueGenerator<Sqlite.SqliteTicketNumbers>();

    internal sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.ToUnixTimeMilliseconds(),
        v => DateTimeOffset.FromUnixTimeMilliseconds(v));
}
