namespace Guanjia.Core.Intake;

/// <summary>
/// A <c>随手办</c> said without its photo. It waits up to the merge window for the photo that proves
/// it; the photo makes it a closed on-the-spot ticket (<see cref="TicketNumber"/>), and without one
/// nothing is recorded.
/// </summary>
public sealed class OnTheSpotDraft
{
    public long Id { get; set; }
    public required string SenderId { get; set; }
    public required string Conversation { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public int? TicketNumber { get; set; }
}
