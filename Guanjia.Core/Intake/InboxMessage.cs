namespace Guanjia.Core.Intake;

/// <summary>
/// A verified, decrypted callback stored before WeCom is answered. The unique
/// (Channel, MessageId) index makes a redelivered message a no-op.
/// </summary>
public sealed class InboxMessage
{
    public long Id { get; set; }
    public IncomingChannel Channel { get; set; }
    public required string MessageId { get; set; }
    public required string SenderId { get; set; }
    public string? ChatId { get; set; }
    /// <summary><see cref="IncomingMessage"/> as JSON.</summary>
    public required string Payload { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public int Attempts { get; set; }
    /// <summary>A short error code of the last failed attempt (never message content).</summary>
    public string? LastError { get; set; }
    /// <summary>
    /// When the message failed processing <c>Intake:MaxAttempts</c> times and was set aside for a person
    /// (the dead-letter state); null while it is pending or once it is processed. See <see cref="InboxRetryPolicy"/>.
    /// </summary>
    public DateTimeOffset? DeadAt { get; set; }

    /// <summary>The stored message, or null when its payload does not parse (which may be why it died).</summary>
    public IncomingMessage? TryReadPayload()
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(Payload, IntakeJsonContext.Default.IncomingMessage);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
