using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Guanjia.WeCom.LongConnection;

/// <summary>The cmd values of the long-connection frames (wecom.md §3.9, official aibot-node-sdk).</summary>
public static class LongConnectionCommands
{
    // Guanjia → WeCom
    public const string Subscribe = "aibot_subscribe";
    public const string Ping = "ping";
    public const string Respond = "aibot_respond_msg";
    public const string RespondWelcome = "aibot_respond_welcome_msg";
    public const string RespondUpdate = "aibot_respond_update_msg";
    public const string Send = "aibot_send_msg";
    public const string UploadInit = "aibot_upload_media_init";
    public const string UploadChunk = "aibot_upload_media_chunk";
    public const string UploadFinish = "aibot_upload_media_finish";

    // WeCom → Guanjia
    public const string MessageCallback = "aibot_msg_callback";
    public const string EventCallback = "aibot_event_callback";

    /// <summary>The eventtype WeCom sends to a connection a newer one replaced, just before closing it.</summary>
    public const string DisconnectedEvent = "disconnected_event";

    /// <summary>A new req_id as the official SDK builds it: <c>&lt;cmd&gt;_&lt;epoch ms&gt;_&lt;8 hex&gt;</c>.</summary>
    public static string NewReqId(string cmd, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return string.Create(CultureInfo.InvariantCulture, $"{cmd}_{time.GetUtcNow().ToUnixTimeMilliseconds()}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
    }
}

/// <summary>An outgoing frame: <c>{"cmd", "headers": {"req_id"}, "body"}</c>; ping has no body.</summary>
internal sealed record OutgoingFrame(
    [property: JsonPropertyName("cmd")] string Cmd,
    [property: JsonPropertyName("headers")] FrameHeaders Headers,
    [property: JsonPropertyName("body")] object? Body);

internal sealed record FrameHeaders([property: JsonPropertyName("req_id")] string ReqId);
