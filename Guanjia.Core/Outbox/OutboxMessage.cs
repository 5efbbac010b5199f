namespace Guanjia.Core.Outbox;

/// <summary>Where an outgoing message goes.</summary>
public enum OutboxChannel
{
    /// <summary>A group robot webhook; <see cref="OutboxMessage.Target"/> is the robot key.</summary>
    Robot,
    /// <summary>The self-built app's message/send; target is `userid1|userid2`.</summary>
    AppUser,
    /// <summary>The intelligent bot's single-use response_url.</summary>
    ResponseUrl,
    /// <summary>Long connection: <c>aibot_respond_msg</c> on the message's req_id (<see cref="OutboxMessage.Target"/>).</summary>
    BotReply,
    /// <summary>Long connection: <c>aibot_send_msg</c> to a group chat id (or a userid for a 1:1 chat).</summary>
    BotChat,
}

public enum OutboxKind
{
    Text,
    Markdown,
    /// <summary><see cref="OutboxMessage.Content"/> is a photo id in the photo store.</summary>
    Image,
    /// <summary><see cref="OutboxMessage.Content"/> is an <see cref="OutboxCard"/> as JSON (a card with buttons).</summary>
    Card,
}

public enum OutboxState
{
    Pending,
    Sent,
    /// <summary>Given up on a permanent error (all recipients invalid, content refused); the street office is told.</summary>
    Dropped,
    /// <summary>Kept but not sent: its group robot was removed (93000). The street office is told once.</summary>
    Held,
}

/// <summary>
/// A message to WeCom, written in the same transaction as the change that caused it and
/// sent later by the outbox sender, with retries. <see cref="Key"/> is unique so the same
/// cause never enqueues twice.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string Key { get; set; }
    public OutboxChannel Channel { get; set; }
    public required string Target { get; set; }
    public OutboxKind Kind { get; set; }
    public required string Content { get; set; }
    /// <summary>User ids to @-mention (text messages), `|`-separated.</summary>
    public string? Mentions { get; set; }
    public int? TicketNumber { get; set; }
    /// <summary>Higher goes first when a destination's rate limit is what holds it back (urgent dispatches: 1).</summary>
    public int Priority { get; set; }
    /// <summary>For a reply: the userid of the person answered, reached another way when the response_url cannot be used.</summary>
    public string? Recipient { get; set; }
    /// <summary>For a reply: the group chat the person wrote in (null in a 1:1 chat).</summary>
    public string? Conversation { get; set; }
    /// <summary>For a response_url: when WeCom stops accepting it (one hour after the user's message).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
    public OutboxState State { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }
}
