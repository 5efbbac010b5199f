using Guanjia.WeCom.Callbacks;

namespace Guanjia.WeCom.LongConnection;

/// <summary>Where to dial, who to be, and the timings of the official SDK.</summary>
public sealed record LongConnectionSettings
{
    public required Uri Url { get; init; }
    public required string BotId { get; init; }
    public required string Secret { get; init; }
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long a request frame (subscribe, reply, send) waits for its ack.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Consecutive refused subscribes after which the client gives up (wrong BotID or Secret).</summary>
    public int MaxAuthFailures { get; init; } = 5;
    /// <summary>Consecutive unanswered pings after which the link counts as dead.</summary>
    public int MaxMissedPongs { get; init; } = 2;
    public int MaxFrameBytes { get; init; } = 4 * 1024 * 1024;
}

/// <summary>A frame WeCom pushed: a message (<c>aibot_msg_callback</c>) or an event (<c>aibot_event_callback</c>).</summary>
/// <param name="Cmd">The frame's cmd.</param>
/// <param name="ReqId">Answer on this req_id: <c>aibot_respond_msg</c> for messages, <c>aibot_respond_update_msg</c> for card clicks.</param>
/// <param name="BodyJson">The body: the same JSON as a decrypted webhook callback.</param>
/// <param name="Message">The body parsed as a webhook callback would be; null when it could not be.</param>
public sealed record LongConnectionCallback(string Cmd, string ReqId, string BodyJson, BotMessage? Message)
{
    public bool IsMessage => Cmd == LongConnectionCommands.MessageCallback;

    public bool IsEvent => Cmd == LongConnectionCommands.EventCallback;
}

public enum LongConnectionState
{
    Connecting,
    Authenticated,
    Disconnected,
    WaitingToReconnect,
    Stopped,
}

public enum LongConnectionStopReason
{
    /// <summary>The caller stopped the client.</summary>
    Cancelled,

    /// <summary>WeCom refused BotID/Secret repeatedly; fix configuration.</summary>
    AuthenticationFailed,

    /// <summary>A newer connection for the same bot took over; reconnecting would only kick it back.</summary>
    Kicked,
}

/// <summary>A change of the connection's state; <see cref="Delay"/> and <see cref="Attempt"/> while waiting to reconnect.</summary>
public sealed record LongConnectionStatus(
    LongConnectionState State,
    int Attempt = 0,
    TimeSpan Delay = default,
    LongConnectionStopReason? StopReason = null);
