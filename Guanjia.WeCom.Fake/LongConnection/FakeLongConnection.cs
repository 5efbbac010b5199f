using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Guanjia.WeCom.Fake.LongConnection;

/// <summary>A frame the client sent, as received.</summary>
/// <param name="Cmd">The frame's cmd.</param>
/// <param name="ReqId">headers.req_id.</param>
/// <param name="Json">The whole frame.</param>
public sealed record RecordedFrame(string? Cmd, string ReqId, string Json)
{
    /// <summary>The frame's body (a copy), or an undefined element when it has none.</summary>
    public JsonElement Body
    {
        get
        {
            using var document = JsonDocument.Parse(Json);
            return document.RootElement.TryGetProperty("body", out var body) ? body.Clone() : default;
        }
    }
}

/// <summary>
/// WeCom's long-connection endpoint for tests and the sandbox: checks the subscribe's BotID and
/// Secret, acks frames as WeCom does (<c>{"headers":{"req_id"},"errcode":0,"errmsg":"ok"}</c>),
/// records what the client sent, and lets a test push messages and card clicks, drop the link,
/// refuse the subscribe, withhold acks, or send the <c>disconnected_event</c> of a newer connection.
/// Map it with <see cref="MapEndpoints"/> (the host must call <c>UseWebSockets()</c>) or use
/// <see cref="FakeLongConnectionServer"/>.
/// </summary>
public class FakeLongConnection(string botId = FakeLongConnection.DefaultBotId, string secret = FakeLongConnection.DefaultSecret)
{
    public const string DefaultBotId = "aibfakebot000001";
    public const string DefaultSecret = "fake-bot-secret";
    /// <summary>What WeCom answers a subscribe with a wrong BotID or Secret (seen in the wild).</summary>
    public const int InvalidCredentialsErrCode = 853000;

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _gate = new();
    private readonly List<RecordedFrame> _frames = [];
    private readonly ConcurrentDictionary<string, bool> _neverAck = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failNext = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _media = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Connection? _current;
    private int _connections;
    private int _subscriptions;
    private long _sequence;

    public string BotId { get; } = botId;

    public string Secret { get; } = secret;

    /// <summary>When set, every subscribe is refused with <see cref="InvalidCredentialsErrCode"/>.</summary>
    public bool RefuseSubscribe { get; set; }

    /// <summary>When cleared, WebSocket upgrades are answered 503 (WeCom unreachable).</summary>
    public bool AcceptConnections { get; set; } = true;

    /// <summary>WebSocket connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Subscribes accepted so far.</summary>
    public int Subscriptions => Volatile.Read(ref _subscriptions);

    public bool IsSubscribed
    {
        get
        {
            lock (_gate)
            {
                return _current is { Subscribed: true };
            }
        }
    }

    public IReadOnlyList<RecordedFrame> Frames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>Frames with this cmd get no ack at all (the client's ack timeout).</summary>
    public void NeverAck(string cmd) => _neverAck[cmd] = true;

    public void AckNormally(string cmd) => _neverAck.TryRemove(cmd, out _);

    /// <summary>The next frame with this cmd is acked with <paramref name="errCode"/>.</summary>
    public void FailNext(string cmd, int errCode) => _failNext[cmd] = errCode;

    /// <summary>Waits (up to <paramref name="timeout"/>, default 10 s) until <paramref name="condition"/> holds.</summary>
    public async Task WaitUntilAsync(Func<FakeLongConnection, bool> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("The fake long connection did not reach the expected state in time.");
            }
        }
    }

    /// <summary>Waits for the first recorded frame matching <paramref name="predicate"/>.</summary>
    public async Task<RecordedFrame> WaitForFrameAsync(Func<RecordedFrame, bool> predicate, TimeSpan? timeout = null)
    {
        RecordedFrame? found = null;
        await WaitUntilAsync(f => (found = f.Frames.FirstOrDefault(predicate)) is not null, timeout);
        return found!;
    }

    /// <summary>Pushes an <c>aibot_msg_callback</c> with this body; returns its req_id.</summary>
    public Task<string> PushMessageAsync(JsonObject body) => PushAsync("aibot_msg_callback", body);

    /// <summary>Pushes a text message as WeCom would (in a group with the @mention); returns the frame's req_id.</summary>
    public Task<string> PushTextAsync(string userId, string text, string? chatId = null, string? msgId = null) =>
        PushMessageAsync(new JsonObject
        {
            ["msgid"] = msgId ?? NewId("msg"),
            ["aibotid"] = BotId,
            ["chatid"] = chatId,
            ["chattype"] = chatId is null ? "single" : "group",
            ["from"] = new JsonObject { ["userid"] = userId },
            ["msgtype"] = "text",
            ["text"] = new JsonObject { ["content"] = chatId is null ? text : "@小巷管家 " + text },
        });

    /// <summary>
    /// Pushes a card click (<c>template_card_event</c>). Nested as WeCom documents it, or with the
    /// fields flat on <c>event</c> as the official SDK's types show them.
    /// </summary>
    public Task<string> PushCardClickAsync(string userId, string eventKey, string taskId, string? chatId = null, bool flat = false, string cardType = "button_interaction")
    {
        var click = new JsonObject { ["card_type"] = cardType, ["event_key"] = eventKey, ["task_id"] = taskId };
        var evt = new JsonObject { ["eventtype"] = "template_card_event" };
        if (flat)
        {
            foreach (var (name, value) in click.ToList())
            {
                click.Remove(name);
                evt[name] = value;
            }
        }
        else
        {
            evt["template_card_event"] = click;
        }

        return PushAsync("aibot_event_callback", EventBody(userId, chatId, evt));
    }

    /// <summary>Pushes an <c>enter_chat</c> event (a user opened the 1:1 chat).</summary>
    public Task<string> PushEnterChatAsync(string userId) =>
        PushAsync("aibot_event_callback", EventBody(userId, null, new JsonObject { ["eventtype"] = "enter_chat" }));

    /// <summary>What WeCom does when a newer connection subscribes: <c>disconnected_event</c>, then close.</summary>
    public async Task KickAsync()
    {
        var connection = Current() ?? throw new InvalidOperationException("No client is connected.");
        await SendAsync(connection, Frame("aibot_event_callback", NewId("kick"),
            EventBody("", null, new JsonObject { ["eventtype"] = "disconnected_event" })));
        try
        {
            await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "replaced by a newer connection", CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client closed first on reading the event, as it should (and the server's handler may
            // already have ended and disposed the socket).
        }
    }

    /// <summary>Breaks the current connection without a close handshake (network loss).</summary>
    public void Drop()
    {
        var connection = Current() ?? throw new InvalidOperationException("No client is connected.");
        connection.Http.Abort();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints, string pattern = "/")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.Map(pattern, HandleAsync);
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (!AcceptConnections)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new Connection(socket, context);
        lock (_gate)
        {
            _current = connection;
            _connections++;
        }

        Changed();
        try
        {
            await ReceiveAsync(connection, context.RequestAborted);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            // The client went away.
        }
        finally
        {
            lock (_gate)
            {
                if (_current == connection)
                {
                    _current = null;
                }
            }

            Changed();
        }
    }

    private async Task ReceiveAsync(Connection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            message.SetLength(0);
            ValueWebSocketReceiveResult received;
            do
            {
                received = await connection.Socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            await OnFrameAsync(connection, Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
        }
    }

    private async Task OnFrameAsync(Connection connection, string json)
    {
        JsonNode? frame;
        try
        {
            frame = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return;
        }

        var cmd = frame?["cmd"]?.GetValue<string>();
        var reqId = frame?["headers"]?["req_id"]?.GetValue<string>() ?? "";
        lock (_gate)
        {
            _frames.Add(new RecordedFrame(cmd, reqId, json));
        }

        int errCode;
        string errMsg;
        if (cmd == "aibot_subscribe")
        {
            var ok = !RefuseSubscribe
                && frame?["body"]?["bot_id"]?.GetValue<string>() == BotId
                && frame?["body"]?["secret"]?.GetValue<string>() == Secret;
            (errCode, errMsg) = ok ? (0, "ok") : (InvalidCredentialsErrCode, "invalid bot_id or secret");
            if (ok)
            {
                connection.Subscribed = true;
                Interlocked.Increment(ref _subscriptions);
            }
        }
        else if (cmd is null || _neverAck.ContainsKey(cmd))
        {
            Changed();
            return;
        }
        else if (!connection.Subscribed)
        {
            (errCode, errMsg) = (InvalidCredentialsErrCode, "not subscribed");
        }
        else if (_failNext.TryRemove(cmd, out var failure))
        {
            (errCode, errMsg) = (failure, "failed by the test");
        }
        else
        {
            (errCode, errMsg) = (0, "ok");
        }

        JsonObject? ackBody = null;
        if (errCode == 0 && cmd is not null)
        {
            (errCode, errMsg, ackBody) = HandleMedia(cmd, frame?["body"]);
        }

        var ack = new JsonObject
        {
            ["headers"] = new JsonObject { ["req_id"] = reqId },
            ["errcode"] = errCode,
            ["errmsg"] = errMsg,
        };
        if (ackBody is not null)
        {
            ack["body"] = ackBody;
        }

        await SendAsync(connection, ack);
        Changed();
    }

    /// <summary>The upload's bytes (assembled, MD5 checked) by media_id, for tests that look at a sent image.</summary>
    public IReadOnlyDictionary<string, byte[]> UploadedMedia => _media;

    // The chunked upload (wecom.md §3.9): init → upload_id; chunks from index 0; finish checks the size and MD5 → media_id.
    // An image or file sent with aibot_send_msg must name a media_id uploaded here.
    private (int ErrCode, string ErrMsg, JsonObject? Body) HandleMedia(string cmd, JsonNode? body)
    {
        var msgType = cmd == "aibot_send_msg" ? body?["msgtype"]?.GetValue<string>() : null;
        switch (cmd)
        {
            case "aibot_upload_media_init":
                var total = body?["total_chunks"]?.GetValue<int>() ?? 0;
                if (total is < 1 or > 100 || body?["md5"]?.GetValue<string>() is not { Length: 32 } md5)
                {
                    return (40058, "invalid upload parameters", null);
                }

                var uploadId = NewId("upload");
                _uploads[uploadId] = new Upload(total, body?["total_size"]?.GetValue<int>() ?? 0, md5, body?["type"]?.GetValue<string>() ?? "file");
                return (0, "ok", new JsonObject { ["upload_id"] = uploadId });
            case "aibot_upload_media_chunk":
                if (!_uploads.TryGetValue(body?["upload_id"]?.GetValue<string>() ?? "", out var upload)
                    || body?["chunk_index"]?.GetValue<int>() is not { } index || index < 0 || index >= upload.Total)
                {
                    return (40058, "invalid upload_id or chunk_index", null);
                }

                upload.Chunks[index] = Convert.FromBase64String(body?["base64_data"]?.GetValue<string>() ?? "");
                return (0, "ok", null);
            case "aibot_upload_media_finish":
                if (!_uploads.TryRemove(body?["upload_id"]?.GetValue<string>() ?? "", out var done) || done.Chunks.Count != done.Total)
                {
                    return (40058, "upload incomplete", null);
                }

                var bytes = done.Chunks.OrderBy(c => c.Key).SelectMany(c => c.Value).ToArray();
#pragma warning disable CA5351 // protocol MD5, not security
                if (bytes.Length != done.Size || Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes)) != done.Md5)
#pragma warning restore CA5351
                {
                    return (40058, "size or md5 mismatch", null);
                }

                var mediaId = NewId("media");
                _media[mediaId] = bytes;
                return (0, "ok", new JsonObject { ["type"] = done.Type, ["media_id"] = mediaId, ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() });
            case "aibot_send_msg" when msgType is "image" or "file" or "voice" or "video":
                return _media.ContainsKey(body?[msgType]?["media_id"]?.GetValue<string>() ?? "") ? (0, "ok", null) : (40007, "invalid media_id", null);
            default:
                return (0, "ok", null);
        }
    }

    private sealed record Upload(int Total, int Size, string Md5, string Type)
    {
        public ConcurrentDictionary<int, byte[]> Chunks { get; } = new();
    }

    private async Task<string> PushAsync(string cmd, JsonObject body)
    {
        var connection = Current();
        if (connection is not { Subscribed: true })
        {
            throw new InvalidOperationException("No subscribed client to push to.");
        }

        var reqId = NewId("req");
        await SendAsync(connection, Frame(cmd, reqId, body));
        return reqId;
    }

    private JsonObject EventBody(string userId, string? chatId, JsonObject evt) => new()
    {
        ["msgid"] = NewId("evt"),
        ["create_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["aibotid"] = BotId,
        ["chatid"] = chatId,
        ["chattype"] = chatId is null ? "single" : "group",
        ["from"] = new JsonObject { ["userid"] = userId },
        ["msgtype"] = "event",
        ["event"] = evt,
    };

    private static JsonObject Frame(string cmd, string reqId, JsonObject body) => new()
    {
        ["cmd"] = cmd,
        ["headers"] = new JsonObject { ["req_id"] = reqId },
        ["body"] = body,
    };

    private static async Task SendAsync(Connection connection, JsonObject frame)
    {
        var bytes = Encoding.UTF8.GetBytes(frame.ToJsonString(Json));
        await connection.SendLock.WaitAsync();
        try
        {
            await connection.Socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            connection.SendLock.Release();
        }
    }

    private string NewId(string prefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}_{Interlocked.Increment(ref _sequence)}_{Guid.NewGuid():N}");

    private Connection? Current()
    {
        lock (_gate)
        {
            return _current;
        }
    }

    private void Changed()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    private sealed class Connection(WebSocket socket, HttpContext http)
    {
        public WebSocket Socket { get; } = socket;
        public HttpContext Http { get; } = http;
        public SemaphoreSlim SendLock { get; } = new(1, 1);
        public bool Subscribed { get; set; }
    }
}
