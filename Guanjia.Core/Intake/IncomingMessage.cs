namespace Guanjia.Core.Intake;

/// <summary>Where a message came in: the intelligent bot (group @-mentions and 1:1) or the self-built app (1:1).</summary>
public enum IncomingChannel
{
    Bot,
    App,
}

/// <summary>
/// A WeCom message reduced to what Guanjia needs, independent of the wire format.
/// The host maps bot JSON and app XML to this and stores it in the inbox.
/// </summary>
public sealed record IncomingMessage
{
    public required IncomingChannel Channel { get; init; }
    /// <summary>WeCom's message id (or a hash of the plaintext for events): the de-duplication key.</summary>
    public required string MessageId { get; init; }
    public required string SenderId { get; init; }
    /// <summary>The group chat id; null in a 1:1 chat.</summary>
    public string? ChatId { get; init; }
    public string? Text { get; init; }
    /// <summary>Text of the message this one quotes, if any (a reply to a bot message).</summary>
    public string? QuotedText { get; init; }
    public IReadOnlyList<IncomingImage> Images { get; init; } = [];
    /// <summary>The bot's single-use reply address (valid one hour).</summary>
    public string? ResponseUrl { get; init; }
    /// <summary>
    /// Long connection only: the <c>req_id</c> of the <c>aibot_msg_callback</c> frame. Replies to this
    /// message go as <c>aibot_respond_msg</c> on it (the long connection has no response_url).
    /// </summary>
    public string? ReplyReqId { get; init; }
    public IncomingLocation? Location { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }

    public bool IsGroup => ChatId is not null;
}

/// <summary>
/// An image to fetch: an encrypted bot download URL (valid 5 minutes) or an app MediaId. Over the
/// long connection each URL comes with its own AesKey instead of the bot's callback key.
/// </summary>
public sealed record IncomingImage(string? Url, string? MediaId, string? AesKey = null);

public sealed record IncomingLocation(double Latitude, double Longitude, string? Label);
