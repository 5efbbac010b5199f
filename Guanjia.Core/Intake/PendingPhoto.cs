namespace Guanjia.Core.Intake;

/// <summary>
/// A photo sent in a 1:1 chat before its text. It waits up to the merge window for the
/// text that makes it a report; a later text from the same sender picks it up.
/// </summary>
public sealed class PendingPhoto
{
    public long Id { get; set; }
    public required string SenderId { get; set; }
    public required string Conversation { get; set; }
    public string? PhotoId { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public long PerceptualHash { get; set; }
    /// <summary>Why the photo could not be kept (download or decode failure), in Chinese.</summary>
    public string? Failure { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public int? TicketNumber { get; set; }
}
