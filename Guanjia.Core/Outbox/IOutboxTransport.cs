namespace Guanjia.Core.Outbox;

/// <summary>
/// Sends one stored outbox message over the wire (WeCom's robot webhook, the app's message/send, the bot's
/// response_url). The host adapts the WeCom clients to it; the rules of when to send, retry, fall back and
/// drop live in <see cref="OutboxDispatcher"/>.
/// </summary>
public interface IOutboxTransport
{
    /// <summary>Sends once; failures are results, not exceptions.</summary>
    Task<OutboxSendResult> SendAsync(OutboxMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this instance can send on <paramref name="channel"/> now: the bot's long-connection channels only
    /// from the one instance holding the connection. Messages it cannot send wait for the instance that can.
    /// </summary>
    bool CanSend(OutboxChannel channel) => true;
}

/// <summary>What the transport says happened, reduced to what the outbox rules act on.</summary>
public enum OutboxFailure
{
    None,

    /// <summary>HTTP 5xx, timeout, network, WeCom busy (−1): the same message may succeed later.</summary>
    Transient,

    /// <summary>WeCom's frequency limit (45009): the destination is blocked for the limit's window.</summary>
    RateLimited,

    /// <summary>The access token was refused even after the client refreshed it once (40014/42001).</summary>
    TokenRejected,

    /// <summary>Wrong secret, IP not trusted, missing privilege: needs an administrator; retried slowly.</summary>
    Configuration,

    /// <summary>The group robot was removed (93000): nothing more can go to it.</summary>
    RobotRemoved,

    /// <summary>This address cannot be used any more (a response_url refused as used, expired or invalid).</summary>
    AddressUnusable,

    /// <summary>The message itself can never be sent (content refused, all recipients invalid, photo gone).</summary>
    Permanent,
}

/// <summary>
/// A send's outcome: <see cref="Code"/> is WeCom's errcode, or the client's own code for transport failures.
/// <see cref="MayHaveArrived"/> is true when the request left but no answer came back (timeout, broken connection):
/// WeCom may have done the work.
/// </summary>
public readonly record struct OutboxSendResult(OutboxFailure Failure, int Code, bool MayHaveArrived = false)
{
    public static OutboxSendResult Ok { get; } = new(OutboxFailure.None, 0);

    public bool IsOk => Failure == OutboxFailure.None;
}
