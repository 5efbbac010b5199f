using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.Callbacks;
using Guanjia.WeCom.Cards;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guanjia.WeCom.LongConnection;

/// <summary>
/// The intelligent bot's long connection (wecom.md §3.9), following the official aibot-node-sdk:
/// subscribe with BotID + Secret, ping every 30 s (two missed acks = dead link), every request
/// frame waits for its ack (5 s), reconnect with back-off 1 s → 30 s reset after a successful
/// subscribe, give up after repeated refused subscribes, and never reconnect after WeCom's
/// <c>disconnected_event</c> (a newer connection took over). Pushed frames come out of
/// <see cref="Callbacks"/>. All timing goes through the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class WeComLongConnection
{
    private readonly LongConnectionSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<Uri, CancellationToken, Task<WebSocket>> _connect;
    private Channel<LongConnectionCallback> _callbacks = Channel.CreateUnbounded<LongConnectionCallback>();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TaskCompletionSource<WeComResult>> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);
    private Session? _current;
    private int _running;
    private int _runs;

    public WeComLongConnection(
        LongConnectionSettings settings,
        TimeProvider time,
        ILogger<WeComLongConnection>? logger = null,
        Func<Uri, CancellationToken, Task<WebSocket>>? connect = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        _settings = settings;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _connect = connect ?? ConnectClientWebSocketAsync;
    }

    /// <summary>Raised on every state change (connecting, authenticated, waiting to reconnect …).</summary>
    public event Action<LongConnectionStatus>? StatusChanged;

    /// <summary>A ping was acked (tests wait on it instead of guessing when the ack arrived).</summary>
    internal event Action? PongReceived;

    /// <summary>
    /// Messages and events pushed by WeCom, in arrival order; completed when <see cref="RunAsync"/> ends. A later run
    /// has a new reader: read this property after starting it.
    /// </summary>
    public ChannelReader<LongConnectionCallback> Callbacks => Volatile.Read(ref _callbacks).Reader;

    /// <summary>True while subscribed: requests can be sent.</summary>
    public bool IsAuthenticated
    {
        get
        {
            lock (_gate)
            {
                return _current is { Authenticated: true };
            }
        }
    }

    /// <summary>
    /// Holds the connection until cancelled, kicked or refused; returns why it stopped. It may be run again once a run
    /// has ended (an instance that lost the connection's lease and takes it back).
    /// </summary>
    public Task<LongConnectionStopReason> RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("The long connection is already running.");
        }

        // Each run has its own callbacks: the previous run completed its channel.
        if (_runs++ > 0)
        {
            Volatile.Write(ref _callbacks, Channel.CreateUnbounded<LongConnectionCallback>());
        }

        return RunCoreAsync(cancellationToken);
    }

    private async Task<LongConnectionStopReason> RunCoreAsync(CancellationToken cancellationToken)
    {
        var reconnects = 0;
        var authFailures = 0;
        try
        {
            while (true)
            {
                var end = await ConnectOnceAsync(cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                if (end.WasAuthenticated)
                {
                    reconnects = 0;
                    authFailures = 0;
                }

                int attempt;
                switch (end.Kind)
                {
                    case SessionEndKind.Kicked:
                        LogKicked(_logger, _settings.BotId);
                        Report(new LongConnectionStatus(LongConnectionState.Stopped, StopReason: LongConnectionStopReason.Kicked));
                        return LongConnectionStopReason.Kicked;
                    case SessionEndKind.AuthFailed:
                        attempt = ++authFailures;
                        if (authFailures >= _settings.MaxAuthFailures)
                        {
                            LogAuthGivenUp(_logger, _settings.BotId, authFailures, end.ErrCode);
                            Report(new LongConnectionStatus(LongConnectionState.Stopped, StopReason: LongConnectionStopReason.AuthenticationFailed));
                            return LongConnectionStopReason.AuthenticationFailed;
                        }

                        break;
                    default:
                        attempt = ++reconnects;
                        break;
                }

                var delay = Backoff(attempt);
                LogReconnecting(_logger, attempt, delay);
                // The timer exists before anyone hears of the wait, so a test's clock can move it at once.
                var wait = Task.Delay(delay, _time, cancellationToken);
                Report(new LongConnectionStatus(LongConnectionState.WaitingToReconnect, attempt, delay));
                await wait;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Report(new LongConnectionStatus(LongConnectionState.Stopped, StopReason: LongConnectionStopReason.Cancelled));
            return LongConnectionStopReason.Cancelled;
        }
        finally
        {
            _callbacks.Writer.TryComplete();
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Exponential back-off: base × 2^(attempt−1), capped.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(_settings.ReconnectBaseDelay.Ticks * factor, _settings.ReconnectMaxDelay.Ticks));
        return delay;
    }

    // ---- replies and sends ---------------------------------------------------------------

    /// <summary>Any body on <c>aibot_respond_msg</c> for the callback's req_id.</summary>
    public Task<WeComResult> RespondAsync(string reqId, object body, CancellationToken cancellationToken = default) =>
        RequestAsync(LongConnectionCommands.Respond, reqId, body, cancellationToken);

    /// <summary>Markdown on the callback's req_id (accepted in practice, wecom.md §3.9).</summary>
    public Task<WeComResult> RespondMarkdownAsync(string reqId, string content, CancellationToken cancellationToken = default) =>
        RespondAsync(reqId, new { msgtype = "markdown", markdown = new { content } }, cancellationToken);

    public Task<WeComResult> RespondTextAsync(string reqId, string content, CancellationToken cancellationToken = default) =>
        RespondAsync(reqId, new { msgtype = "text", text = new { content } }, cancellationToken);

    /// <summary>A stream frame; content is cumulative, the same <paramref name="streamId"/> refreshes it.</summary>
    public Task<WeComResult> RespondStreamAsync(string reqId, string streamId, string content, bool finish, CancellationToken cancellationToken = default) =>
        RespondAsync(reqId, new { msgtype = "stream", stream = new { id = streamId, finish, content } }, cancellationToken);

    public Task<WeComResult> RespondCardAsync(string reqId, TemplateCard card, CancellationToken cancellationToken = default) =>
        RespondAsync(reqId, new { msgtype = "template_card", template_card = card }, cancellationToken);

    /// <summary>The welcome for an enter_chat event (within 5 s): text or a card body.</summary>
    public Task<WeComResult> RespondWelcomeAsync(string reqId, object body, CancellationToken cancellationToken = default) =>
        RequestAsync(LongConnectionCommands.RespondWelcome, reqId, body, cancellationToken);

    /// <summary>Replaces a clicked card; on the click's req_id, within 5 s, with the same task_id.</summary>
    public Task<WeComResult> UpdateCardAsync(string reqId, TemplateCardUpdate update, CancellationToken cancellationToken = default) =>
        RequestAsync(LongConnectionCommands.RespondUpdate, reqId, update, cancellationToken);

    /// <summary>Proactive markdown to a chat: a group chatid, or a userid for the 1:1 chat.</summary>
    public Task<WeComResult> SendMarkdownAsync(string chatId, string content, CancellationToken cancellationToken = default) =>
        RequestAsync(LongConnectionCommands.Send, LongConnectionCommands.NewReqId(LongConnectionCommands.Send, _time),
            new { chatid = chatId, msgtype = "markdown", markdown = new { content } }, cancellationToken);

    /// <summary>Proactive card to a chat: a group chatid, or a userid for the 1:1 chat.</summary>
    public Task<WeComResult> SendCardAsync(string chatId, TemplateCard card, CancellationToken cancellationToken = default) =>
        RequestAsync(LongConnectionCommands.Send, LongConnectionCommands.NewReqId(LongConnectionCommands.Send, _time),
            new { chatid = chatId, msgtype = "template_card", template_card = card }, cancellationToken);

    /// <summary>
    /// Proactive image to a chat: uploaded first in chunks (<c>aibot_upload_media_*</c>, ≤ 512 KB each), then sent by
    /// its media_id. Each step waits for its ack; a failed step is the result.
    /// </summary>
    public async Task<WeComResult> SendImageAsync(string chatId, ReadOnlyMemory<byte> image, string fileName, CancellationToken cancellationToken = default)
    {
        var uploaded = await UploadMediaAsync(image, "image", fileName, cancellationToken);
        if (!uploaded.IsOk || uploaded.Value is not { Length: > 0 } mediaId)
        {
            return uploaded;
        }

        return await RequestAsync(LongConnectionCommands.Send, LongConnectionCommands.NewReqId(LongConnectionCommands.Send, _time),
            new { chatid = chatId, msgtype = "image", image = new { media_id = mediaId } }, cancellationToken);
    }

    /// <summary>Size of an upload chunk before Base64 (the SDK's 512 KB).</summary>
    public const int UploadChunkBytes = 512 * 1024;

    /// <summary>At most this many chunks per upload.</summary>
    public const int MaxUploadChunks = 100;

    /// <summary>
    /// Uploads a temporary file (valid 3 days) for <c>aibot_send_msg</c>: init with its size, chunk count and MD5, the
    /// chunks from index 0 (as the official SDK sends them), finish; the value is the media_id.
    /// </summary>
    public async Task<WeComResult<string>> UploadMediaAsync(ReadOnlyMemory<byte> content, string type, string fileName, CancellationToken cancellationToken = default)
    {
        var chunks = (content.Length + UploadChunkBytes - 1) / UploadChunkBytes;
        if (chunks is 0 or > MaxUploadChunks)
        {
            return WeComResults.FromCode<string>(WeComErrorCodes.ClientInvalidAddress, "file empty or too large for the long connection");
        }

#pragma warning disable CA5351 // WeCom's integrity check, not security
        var md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content.Span));
#pragma warning restore CA5351
        var init = await RequestAsync(LongConnectionCommands.UploadInit, LongConnectionCommands.NewReqId(LongConnectionCommands.UploadInit, _time),
            new { type, filename = fileName, total_size = content.Length, total_chunks = chunks, md5 }, cancellationToken);
        if (AckValue(init, "upload_id") is not { } uploadId)
        {
            return init.IsOk ? WeComResults.FromCode<string>(WeComErrorCodes.ClientInvalidResponse, "no upload_id") : WeComResults.Failure<string>(init);
        }

        for (var i = 0; i < chunks; i++)
        {
            var slice = content.Slice(i * UploadChunkBytes, Math.Min(UploadChunkBytes, content.Length - (i * UploadChunkBytes)));
            var chunk = await RequestAsync(LongConnectionCommands.UploadChunk, LongConnectionCommands.NewReqId(LongConnectionCommands.UploadChunk, _time),
                new { upload_id = uploadId, chunk_index = i, base64_data = Convert.ToBase64String(slice.Span) }, cancellationToken);
            if (!chunk.IsOk)
            {
                return WeComResults.Failure<string>(chunk);
            }
        }

        var finish = await RequestAsync(LongConnectionCommands.UploadFinish, LongConnectionCommands.NewReqId(LongConnectionCommands.UploadFinish, _time),
            new { upload_id = uploadId }, cancellationToken);
        return AckValue(finish, "media_id") is { } mediaId
            ? WeComResults.Success(mediaId)
            : finish.IsOk ? WeComResults.FromCode<string>(WeComErrorCodes.ClientInvalidResponse, "no media_id") : WeComResults.Failure<string>(finish);
    }

    private static string? AckValue(WeComResult ack, string name)
    {
        if (!ack.IsOk || ack is not WeComResult<string> { Value: { } body })
        {
            return null;
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetString(name) is { Length: > 0 } value ? value : null;
    }

    /// <summary>
    /// Sends a request frame and waits for its ack. Frames sharing a req_id go one after another,
    /// each after the previous one's ack (as the SDK does; WeCom applies stream updates in order).
    /// </summary>
    public async Task<WeComResult> RequestAsync(string cmd, string reqId, object? body, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cmd);
        ArgumentException.ThrowIfNullOrEmpty(reqId);
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (_gate)
        {
            previous = _tails.GetValueOrDefault(reqId) ?? Task.CompletedTask;
            _tails[reqId] = mine.Task;
        }

        try
        {
            await previous.WaitAsync(cancellationToken);
            return await RequestNowAsync(cmd, reqId, body, cancellationToken);
        }
        finally
        {
            mine.SetResult();
            lock (_gate)
            {
                if (_tails.TryGetValue(reqId, out var tail) && tail == mine.Task)
                {
                    _tails.Remove(reqId);
                }
            }
        }
    }

    private async Task<WeComResult> RequestNowAsync(string cmd, string reqId, object? body, CancellationToken cancellationToken)
    {
        var ack = new TaskCompletionSource<WeComResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Session? session;
        lock (_gate)
        {
            session = _current;
            if (session is not { Authenticated: true })
            {
                return NotConnected;
            }

            _pending[reqId] = ack;
        }

        // Registered before the frame leaves, so an ack can never outrun its timeout.
        await using var timeout = _time.CreateTimer(_ => ack.TrySetResult(AckTimedOut), null, _settings.AckTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            await SendFrameAsync(session, new OutgoingFrame(cmd, new FrameHeaders(reqId), body), cancellationToken);
            var result = await ack.Task.WaitAsync(cancellationToken);
            if (result.ErrCode == WeComErrorCodes.ClientTimeout)
            {
                LogAckTimeout(_logger, cmd, reqId, _settings.AckTimeout);
            }
            else if (!result.IsOk)
            {
                LogRequestRefused(_logger, cmd, reqId, result.ErrCode);
            }

            return result;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            return ConnectionLost;
        }
        finally
        {
            lock (_gate)
            {
                if (_pending.TryGetValue(reqId, out var current) && current == ack)
                {
                    _pending.Remove(reqId);
                }
            }
        }
    }

    private static readonly WeComResult NotConnected = new(WeComErrorCodes.ClientNetworkError, "long connection not subscribed", WeComErrorKind.Retryable);
    private static readonly WeComResult ConnectionLost = new(WeComErrorCodes.ClientNetworkError, "long connection lost", WeComErrorKind.Retryable);
    private static readonly WeComResult AckTimedOut = new(WeComErrorCodes.ClientTimeout, "no ack within the timeout", WeComErrorKind.Retryable);

    // ---- one connection ------------------------------------------------------------------

    private async Task<SessionEnd> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        Report(new LongConnectionStatus(LongConnectionState.Connecting));
        WebSocket socket;
        try
        {
            using var connectTimeout = new CancellationTokenSource(_settings.ConnectTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connectTimeout.Token);
            socket = await _connect(_settings.Url, linked.Token);
        }
        catch (Exception ex)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LogConnectFailed(_logger, ex.GetType().Name);
            return new SessionEnd(SessionEndKind.Lost, false, 0);
        }

        using (socket)
        {
            var session = new Session(socket);
            lock (_gate)
            {
                _current = session;
            }

            // WeCom answers a subscribe at once; silence means the link is no good.
            await using var subscribeTimeout = _time.CreateTimer(
                _ => { if (!session.Authenticated) { session.Abort(); } }, null, _settings.AckTimeout, Timeout.InfiniteTimeSpan);
            try
            {
                var subscribe = new OutgoingFrame(
                    LongConnectionCommands.Subscribe,
                    new FrameHeaders(LongConnectionCommands.NewReqId(LongConnectionCommands.Subscribe, _time)),
                    new { bot_id = _settings.BotId, secret = _settings.Secret });
                await SendFrameAsync(session, subscribe, cancellationToken);
                await ReceiveLoopAsync(session, cancellationToken);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                // The link broke or was aborted (missed pongs, no subscribe ack, stopping); RunAsync decides what next.
            }
            finally
            {
                TaskCompletionSource<WeComResult>[] orphans;
                lock (_gate)
                {
                    _current = null;
                    orphans = [.. _pending.Values];
                    _pending.Clear();
                }

                foreach (var orphan in orphans)
                {
                    orphan.TrySetResult(ConnectionLost);
                }

                await session.DisposeAsync();
                LogDisconnected(_logger, session.Authenticated);
                Report(new LongConnectionStatus(LongConnectionState.Disconnected));
            }

            var kind = session.Kicked ? SessionEndKind.Kicked : session.AuthErrCode is not null ? SessionEndKind.AuthFailed : SessionEndKind.Lost;
            return new SessionEnd(kind, session.Authenticated, session.AuthErrCode ?? 0);
        }
    }

    private async Task ReceiveLoopAsync(Session session, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var frame = new MemoryStream();
        while (true)
        {
            frame.SetLength(0);
            ValueWebSocketReceiveResult received;
            do
            {
                received = await session.Socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                frame.Write(buffer, 0, received.Count);
                if (frame.Length > _settings.MaxFrameBytes)
                {
                    LogFrameTooLarge(_logger, frame.Length);
                    return;
                }
            }
            while (!received.EndOfMessage);

            HandleFrame(session, frame.GetBuffer().AsMemory(0, (int)frame.Length));
            if (session.Kicked || session.AuthErrCode is not null)
            {
                return;
            }
        }
    }

    private void HandleFrame(Session session, ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            LogUnreadableFrame(_logger);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                LogUnreadableFrame(_logger);
                return;
            }

            var cmd = root.GetString("cmd");
            var reqId = root.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object
                ? headers.GetString("req_id") ?? ""
                : "";

            if (cmd is LongConnectionCommands.MessageCallback or LongConnectionCommands.EventCallback)
            {
                Publish(session, cmd, reqId, root);
                return;
            }

            var (errCode, errMsg) = WeComJson.ReadError(root) ?? (0, "");
            TaskCompletionSource<WeComResult>? pending;
            lock (_gate)
            {
                _pending.Remove(reqId, out pending);
            }

            if (pending is not null)
            {
                // The ack's body (an upload's ids) travels with the result.
                var result = WeComResult.FromCode(errCode, errMsg);
                pending.TrySetResult(root.TryGetProperty("body", out var ackBody) && ackBody.ValueKind == JsonValueKind.Object
                    ? new WeComResult<string>(result.ErrCode, result.ErrMsg, result.Kind, ackBody.GetRawText())
                    : result);
            }
            else if (reqId.StartsWith(LongConnectionCommands.Subscribe, StringComparison.Ordinal))
            {
                OnSubscribeAck(session, errCode);
            }
            else if (reqId.StartsWith(LongConnectionCommands.Ping, StringComparison.Ordinal))
            {
                if (errCode == 0)
                {
                    Interlocked.Exchange(ref session.MissedPongs, 0);
                    PongReceived?.Invoke();
                }
            }
            else
            {
                LogUnknownFrame(_logger, cmd ?? "(ack)");
            }
        }
    }

    private void Publish(Session session, string cmd, string reqId, JsonElement root)
    {
        if (!root.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object)
        {
            LogUnreadableFrame(_logger);
            return;
        }

        var bodyJson = body.GetRawText();
        var message = BotCallbackParser.TryParseMessage(bodyJson, out var parsed, out _) ? parsed : null;
        var eventType = body.TryGetProperty("event", out var evt) && evt.ValueKind == JsonValueKind.Object ? evt.GetString("eventtype") : null;
        if (cmd == LongConnectionCommands.EventCallback && eventType == LongConnectionCommands.DisconnectedEvent)
        {
            session.Kicked = true;
        }

        _callbacks.Writer.TryWrite(new LongConnectionCallback(cmd, reqId, bodyJson, message));
    }

    private void OnSubscribeAck(Session session, int errCode)
    {
        if (errCode != 0)
        {
            LogSubscribeRefused(_logger, errCode);
            session.AuthErrCode = errCode;
            return;
        }

        session.Heartbeat = _time.CreateTimer(_ => Heartbeat(session), null, _settings.HeartbeatInterval, _settings.HeartbeatInterval);
        lock (_gate)
        {
            session.Authenticated = true;
        }

        LogSubscribed(_logger, _settings.BotId);
        Report(new LongConnectionStatus(LongConnectionState.Authenticated));
    }

    private void Heartbeat(Session session)
    {
        if (Volatile.Read(ref session.MissedPongs) >= _settings.MaxMissedPongs)
        {
            LogPongsMissed(_logger, session.MissedPongs);
            session.Abort();
            return;
        }

        Interlocked.Increment(ref session.MissedPongs);
        var ping = new OutgoingFrame(LongConnectionCommands.Ping, new FrameHeaders(LongConnectionCommands.NewReqId(LongConnectionCommands.Ping, _time)), null);
        _ = SendPingAsync(session, ping);
    }

    private static async Task SendPingAsync(Session session, OutgoingFrame ping)
    {
        try
        {
            await SendFrameAsync(session, ping, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A broken link shows in the receive loop; the missed pong counts against it.
        }
    }

    private static async Task SendFrameAsync(Session session, OutgoingFrame frame, CancellationToken cancellationToken)
    {
        var bytes = WeComJson.SerializeToUtf8Bytes(frame, WeComJson.OmitNullOptions);
        await session.SendLock.WaitAsync(cancellationToken);
        try
        {
            await session.Socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            session.SendLock.Release();
        }
    }

    private void Report(LongConnectionStatus status) => StatusChanged?.Invoke(status);

    private static async Task<WebSocket> ConnectClientWebSocketAsync(Uri url, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(url, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private enum SessionEndKind
    {
        Lost,
        AuthFailed,
        Kicked,
    }

    private readonly record struct SessionEnd(SessionEndKind Kind, bool WasAuthenticated, int ErrCode);

    private sealed class Session(WebSocket socket) : IAsyncDisposable
    {
        public WebSocket Socket { get; } = socket;
        public SemaphoreSlim SendLock { get; } = new(1, 1);
        public ITimer? Heartbeat { get; set; }
        public bool Authenticated { get; set; }
        public bool Kicked { get; set; }
        public int? AuthErrCode { get; set; }
#pragma warning disable CA1051 // Interlocked needs a field.
        public int MissedPongs;
#pragma warning restore CA1051

        public void Abort() => Socket.Abort();

        public async ValueTask DisposeAsync()
        {
            if (Heartbeat is { } heartbeat)
            {
                await heartbeat.DisposeAsync();
            }

            if (Socket.State == WebSocketState.Open)
            {
                // A graceful close is a courtesy; it must not hold up a reconnect.
                Socket.Abort();
            }

            SendLock.Dispose();
        }
    }
}
