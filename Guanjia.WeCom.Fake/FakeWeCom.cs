using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Guanjia.WeCom.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Guanjia.WeCom.Fake;

/// <summary>
/// State and endpoints of a fake WeCom server API (gettoken, message/send, appchat, media, robot webhook,
/// bot response_url, bot media downloads). Host it with <see cref="FakeWeComServer"/> or map it into an app.
/// </summary>
public class FakeWeCom(string corpId = FakeWeCom.DefaultCorpId, string secret = FakeWeCom.DefaultSecret, int agentId = FakeWeCom.DefaultAgentId, TimeProvider? timeProvider = null)
{
    public const string DefaultCorpId = "wwfakecorp0000001";
    public const string DefaultSecret = "fake-app-secret";
    public const int DefaultAgentId = 1000002;

    // WeCom does not document the response_url errcode for reuse; 40058 (invalid parameter) stands in.
    public const int ResponseCodeUsedErrCode = 40058;

    private const int MaxRobotImageBytes = 2 * 1024 * 1024;

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, bool> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeFailure>> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string ContentType, string FileName)> _media = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _downloads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _usedResponseCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _cardResponseCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _chats = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _invalidUsers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _removedRobots = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedUpload> _uploads = new();
    private readonly List<RecordedMessage> _messages = [];
    private readonly Lock _messagesLock = new();
    private TaskCompletionSource _messageAdded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SlidingWindowRateLimiter _robotLimit = new(20, TimeSpan.FromMinutes(1), timeProvider ?? TimeProvider.System);
    private int _tokenCounter;
    private FaultPlan? _faults;
    private int _injected;

    public string CorpId { get; } = corpId;

    public string Secret { get; } = secret;

    public int AgentId { get; } = agentId;

    /// <summary>Where the fake is reachable; used to build response_url and download URLs.</summary>
    public Uri PublicBaseAddress { get; set; } = new("http://127.0.0.1/");

    /// <summary>Like WeCom, answer 45009 to the 21st webhook call per robot key within a minute (on by default).</summary>
    public bool EnforceRobotRateLimit { get; set; } = true;

    public int GetTokenCalls => CallCount("/cgi-bin/gettoken");

    public IReadOnlyList<RecordedMessage> Messages
    {
        get
        {
            lock (_messagesLock)
            {
                return [.. _messages];
            }
        }
    }

    public IReadOnlyList<RecordedUpload> Uploads => [.. _uploads];

    public int CallCount(string path) => _calls.GetValueOrDefault(path);

    /// <summary>Every token issued so far is answered with 42001 from now on.</summary>
    public void ExpireAllTokens()
    {
        foreach (var token in _tokens.Keys)
        {
            _tokens[token] = false;
        }
    }

    /// <summary>The next <paramref name="count"/> calls to <paramref name="path"/> (e.g. <c>/cgi-bin/message/send</c>) fail this way.</summary>
    public void FailNext(string path, FakeFailure failure, int count = 1)
    {
        var queue = _failures.GetOrAdd(path, _ => new ConcurrentQueue<FakeFailure>());
        for (var i = 0; i < count; i++)
        {
            queue.Enqueue(failure);
        }
    }

    public string AddMedia(byte[] bytes, string contentType, string fileName = "media.jpg")
    {
        var mediaId = "fake-media-" + Guid.NewGuid().ToString("N");
        _media[mediaId] = (bytes, contentType, fileName);
        return mediaId;
    }

    /// <summary>Serves <paramref name="bytes"/> as a bot media URL would (encrypt them first to mimic WeCom).</summary>
    public Uri AddDownload(byte[] bytes)
    {
        var id = Guid.NewGuid().ToString("N");
        _downloads[id] = bytes;
        return new Uri(PublicBaseAddress, "fake/download/" + id);
    }

    /// <summary>A fresh single-use response_url, as a bot callback would carry.</summary>
    public Uri NewResponseUrl() =>
        new(PublicBaseAddress, "cgi-bin/aibot/response?response_code=" + Guid.NewGuid().ToString("N"));

    /// <summary>message/send lists this userid as invalid (81013 when every recipient is invalid).</summary>
    public void MarkUserInvalid(string userId) => _invalidUsers[userId] = true;

    /// <summary>webhook/send with this key answers 93000 (robot removed).</summary>
    public void RemoveRobot(string robotKey) => _removedRobots[robotKey] = true;

    /// <summary>
    /// From now on a share <paramref name="rate"/> of calls (to the paths <paramref name="appliesTo"/> accepts; all by
    /// default) fails with a failure drawn from <paramref name="mix"/>, reproducibly from <paramref name="seed"/>.
    /// Failures queued with <see cref="FailNext"/> come first.
    /// </summary>
    public void FailRandomly(double rate, IReadOnlyList<FakeFailure> mix, int seed = 1, Func<string, bool>? appliesTo = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 1);
        ArgumentOutOfRangeException.ThrowIfZero(mix.Count);
        Volatile.Write(ref _faults, new FaultPlan(rate, [.. mix], new Random(seed), appliesTo ?? (_ => true)));
    }

    /// <summary>Ends <see cref="FailRandomly"/>.</summary>
    public void StopFailing() => Volatile.Write(ref _faults, null);

    /// <summary>How many calls were answered with an injected failure so far.</summary>
    public int InjectedFailures => Volatile.Read(ref _injected);

    /// <summary>Calls to all paths so far.</summary>
    public int TotalCalls => _calls.Values.Sum();

    /// <summary>Waits until <paramref name="count"/> recorded messages match; throws <see cref="TimeoutException"/> otherwise.</summary>
    public async Task<IReadOnlyList<RecordedMessage>> WaitForMessagesAsync(Func<RecordedMessage, bool> predicate, int count = 1, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task added;
            lock (_messagesLock)
            {
                var matching = _messages.Where(predicate).ToList();
                if (matching.Count >= count)
                {
                    return matching;
                }

                added = _messageAdded.Task;
            }

            try
            {
                await added.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Fewer than {count} matching WeCom messages arrived in time.");
            }
        }
    }

    /// <summary>
    /// Maps the fake's endpoints (<c>cgi-bin/**</c> and <c>fake/download/{id}</c>); pass a route group to host it under a
    /// prefix, and set <see cref="PublicBaseAddress"/> to the URL of that prefix.
    /// </summary>
    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/cgi-bin/{**action}", HandleAsync);
        endpoints.MapGet("/fake/download/{id}", (string id) =>
            _downloads.TryGetValue(id, out var bytes) ? Results.Bytes(bytes, "application/octet-stream") : Results.NotFound());
    }

    private async Task HandleAsync(HttpContext context)
    {
        // Keyed by the route value, not Request.Path, so the fake also works mapped under a prefix (MapGroup).
        var path = "/cgi-bin/" + context.GetRouteValue("action");
        _calls.AddOrUpdate(path, 1, (_, n) => n + 1);
        var failure = _failures.TryGetValue(path, out var queue) && queue.TryDequeue(out var queued) ? queued : RandomFailure(path);
        switch (failure)
        {
            case FakeFailure.ErrCodeFailure e:
                Interlocked.Increment(ref _injected);
                await WriteAsync(context, e.Code, e.Message);
                return;
            case FakeFailure.HttpStatusFailure s:
                Interlocked.Increment(ref _injected);
                context.Response.StatusCode = s.StatusCode;
                return;
            case FakeFailure.HangFailure h:
                Interlocked.Increment(ref _injected);
                try
                {
                    await Task.Delay(h.Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                // The caller gave up while we waited (noticed late under load): like a request WeCom never got.
                if (context.RequestAborted.IsCancellationRequested)
                {
                    return;
                }

                break;
            case FakeFailure.LostResponseFailure lost:
                Interlocked.Increment(ref _injected);
                await HandleWithLostResponseAsync(context, path, lost.Delay);
                return;
        }

        await HandleCallAsync(context, path);
    }

    // The call takes effect, but its answer is late: the caller gives up (a timeout) although WeCom did the work.
    private async Task HandleWithLostResponseAsync(HttpContext context, string path, TimeSpan delay)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await HandleCallAsync(context, path);
        }
        finally
        {
            context.Response.Body = original;
        }

        try
        {
            await Task.Delay(delay, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private FakeFailure? RandomFailure(string path)
    {
        if (Volatile.Read(ref _faults) is not { } plan || !plan.Applies(path))
        {
            return null;
        }

        lock (plan)
        {
            return plan.Random.NextDouble() < plan.Rate ? plan.Mix[plan.Random.Next(plan.Mix.Count)] : null;
        }
    }

    private async Task HandleCallAsync(HttpContext context, string path)
    {
        var query = context.Request.Query;
        switch (path)
        {
            case "/cgi-bin/gettoken":
                await GetTokenAsync(context, query["corpid"].ToString(), query["corpsecret"].ToString());
                return;
            case "/cgi-bin/webhook/send":
                await WebhookSendAsync(context, query["key"].ToString());
                return;
            case "/cgi-bin/aibot/response":
                await ResponseUrlAsync(context, query["response_code"].ToString());
                return;
        }

        if (CheckToken(query["access_token"].ToString()) is { } tokenError)
        {
            await WriteAsync(context, tokenError.Code, tokenError.Message);
            return;
        }

        switch (path)
        {
            case "/cgi-bin/message/send":
                await MessageSendAsync(context);
                break;
            case "/cgi-bin/message/update_template_card":
                await UpdateTemplateCardAsync(context);
                break;
            case "/cgi-bin/appchat/create":
                await AppChatCreateAsync(context);
                break;
            case "/cgi-bin/appchat/send":
                await AppChatSendAsync(context);
                break;
            case "/cgi-bin/media/upload":
                await MediaUploadAsync(context, query["type"].ToString());
                break;
            case "/cgi-bin/media/get":
                await MediaGetAsync(context, query["media_id"].ToString());
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    private Task GetTokenAsync(HttpContext context, string corp, string corpSecret)
    {
        if (corp != CorpId)
        {
            return WriteAsync(context, 40013, "invalid corpid");
        }

        if (corpSecret != Secret)
        {
            return WriteAsync(context, 40001, "invalid credential");
        }

        var token = $"fake-token-{Interlocked.Increment(ref _tokenCounter)}-{Guid.NewGuid():N}";
        _tokens[token] = true;
        return WriteAsync(context, 0, "ok", new() { ["access_token"] = token, ["expires_in"] = 7200 });
    }

    private (int Code, string Message)? CheckToken(string token) =>
        string.IsNullOrEmpty(token) ? (41001, "access_token missing")
        : !_tokens.TryGetValue(token, out var valid) ? (40014, "invalid access_token")
        : !valid ? (42001, "access_token expired")
        : null;

    private async Task MessageSendAsync(HttpContext context)
    {
        if (await ReadJsonAsync(context) is not { } body)
        {
            return;
        }

        var root = body.Document.RootElement;
        if (!root.TryGetProperty("agentid", out var agent) || !agent.TryGetInt32(out var id) || id != AgentId)
        {
            await WriteAsync(context, 40056, "invalid agentid");
            return;
        }

        var users = (root.TryGetProperty("touser", out var to) ? to.GetString() ?? "" : "").Split('|', StringSplitOptions.RemoveEmptyEntries);
        var invalid = users.Where(_invalidUsers.ContainsKey).ToArray();
        var valid = users.Except(invalid).ToArray();
        if (valid.Length == 0)
        {
            await WriteAsync(context, 81013, "user & party & tag all invalid");
            return;
        }

        var extra = new Dictionary<string, object>
        {
            ["invaliduser"] = string.Join('|', invalid),
            ["msgid"] = Guid.NewGuid().ToString("N"),
        };
        if (body.MsgType == "template_card")
        {
            if (!IsValidAppCard(root))
            {
                await WriteAsync(context, 40058, "template_card: card_type, task_id and buttons, or card_action, required");
                return;
            }

            // WeCom answers an interactive card with a response code for message/update_template_card.
            extra["response_code"] = IssueResponseCode();
        }

        Record(RecordedMessageKind.App, string.Join('|', valid), body);
        await WriteAsync(context, 0, "ok", extra);
    }

    // What the app's message/send insists on (wecom.md §4.3): a known card_type; an interactive card's task_id and
    // buttons; a text_notice's card_action.
    private static bool IsValidAppCard(JsonElement root)
    {
        if (!root.TryGetProperty("template_card", out var card) || card.ValueKind != JsonValueKind.Object
            || !card.TryGetProperty("card_type", out var type))
        {
            return false;
        }

        return type.GetString() switch
        {
            "text_notice" => card.TryGetProperty("card_action", out var action) && action.ValueKind == JsonValueKind.Object,
            "button_interaction" => card.TryGetProperty("task_id", out var task) && task.GetString() is { Length: > 0 }
                && card.TryGetProperty("button_list", out var buttons) && buttons.GetArrayLength() > 0,
            "news_notice" or "vote_interaction" or "multiple_interaction" => true,
            _ => false,
        };
    }

    /// <summary>A response code as a click's <c>template_card_event</c> carries: valid once for message/update_template_card.</summary>
    public string IssueResponseCode()
    {
        var code = "fake-rc-" + Guid.NewGuid().ToString("N");
        _cardResponseCodes[code] = true;
        return code;
    }

    // message/update_template_card: the response code once, a body that replaces the card or its buttons.
    private async Task UpdateTemplateCardAsync(HttpContext context)
    {
        if (await ReadJsonAsync(context) is not { } body)
        {
            return;
        }

        var root = body.Document.RootElement;
        var code = root.TryGetProperty("response_code", out var rc) ? rc.GetString() ?? "" : "";
        if (!root.TryGetProperty("agentid", out var agent) || !agent.TryGetInt32(out var id) || id != AgentId)
        {
            await WriteAsync(context, 40056, "invalid agentid");
            return;
        }

        if (!_cardResponseCodes.TryUpdate(code, false, true))
        {
            await WriteAsync(context, ResponseCodeUsedErrCode, "response_code invalid or already used");
            return;
        }

        if (!root.TryGetProperty("template_card", out _) && !root.TryGetProperty("button", out _))
        {
            await WriteAsync(context, 40058, "template_card or button required");
            return;
        }

        Record(RecordedMessageKind.CardUpdate, code, body);
        await WriteAsync(context, 0, "ok");
    }

    private async Task AppChatCreateAsync(HttpContext context)
    {
        if (await ReadJsonAsync(context) is not { } body)
        {
            return;
        }

        var root = body.Document.RootElement;
        var chatId = root.TryGetProperty("chatid", out var c) ? c.GetString()! : Guid.NewGuid().ToString("N");
        if (!root.TryGetProperty("userlist", out var users) || users.GetArrayLength() < 2)
        {
            await WriteAsync(context, 40058, "userlist needs at least 2 members");
            return;
        }

        _chats[chatId] = true;
        await WriteAsync(context, 0, "ok", new() { ["chatid"] = chatId });
    }

    private async Task AppChatSendAsync(HttpContext context)
    {
        if (await ReadJsonAsync(context) is not { } body)
        {
            return;
        }

        var chatId = body.Document.RootElement.TryGetProperty("chatid", out var c) ? c.GetString() ?? "" : "";
        if (!_chats.ContainsKey(chatId))
        {
            await WriteAsync(context, 40050, "chatid not found");
            return;
        }

        Record(RecordedMessageKind.AppChat, chatId, body);
        await WriteAsync(context, 0, "ok");
    }

    private async Task MediaUploadAsync(HttpContext context, string type)
    {
        if (!context.Request.HasFormContentType)
        {
            await WriteAsync(context, 40058, "multipart/form-data expected");
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form.Files.GetFile("media") is not { } file || string.IsNullOrEmpty(file.FileName))
        {
            await WriteAsync(context, 41005, "media data missing");
            return;
        }

        using var stream = new MemoryStream();
        await file.CopyToAsync(stream, context.RequestAborted);
        var bytes = stream.ToArray();
        var declared = file.ContentDisposition.Split(';').Select(p => p.Trim())
            .Where(p => p.StartsWith("filelength=", StringComparison.Ordinal))
            .Select(p => long.TryParse(p["filelength=".Length..], out var n) ? n : (long?)null)
            .FirstOrDefault();
        var mediaId = AddMedia(bytes, file.ContentType, file.FileName);
        _uploads.Enqueue(new RecordedUpload(mediaId, type, file.Name, file.FileName, declared, file.ContentType, bytes));
        await WriteAsync(context, 0, "ok", new()
        {
            ["type"] = type,
            ["media_id"] = mediaId,
            ["created_at"] = _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    private async Task MediaGetAsync(HttpContext context, string mediaId)
    {
        if (!_media.TryGetValue(mediaId, out var media))
        {
            // WeCom answers an unknown media_id with HTTP 200 and a JSON error body.
            await WriteAsync(context, 40007, "invalid media_id");
            return;
        }

        context.Response.ContentType = media.ContentType;
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{media.FileName}\"";
        await context.Response.Body.WriteAsync(media.Bytes, context.RequestAborted);
    }

    private async Task WebhookSendAsync(HttpContext context, string key)
    {
        if (string.IsNullOrEmpty(key) || _removedRobots.ContainsKey(key))
        {
            await WriteAsync(context, 93000, "invalid webhook url");
            return;
        }

        if (EnforceRobotRateLimit && !_robotLimit.TryAcquire(key).IsAcquired)
        {
            await WriteAsync(context, 45009, "api freq out of limit");
            return;
        }

        if (await ReadJsonAsync(context) is not { } body)
        {
            return;
        }

        if (body.MsgType == "image" && !IsValidRobotImage(body.Document.RootElement))
        {
            await WriteAsync(context, 40058, "invalid image base64/md5 or larger than 2 MB");
            return;
        }

        Record(RecordedMessageKind.Webhook, key, body);
        await WriteAsync(context, 0, "ok");
    }

    private static bool IsValidRobotImage(JsonElement root)
    {
        if (!root.TryGetProperty("image", out var image))
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(image.GetProperty("base64").GetString() ?? "");
        }
        catch (Exception e) when (e is FormatException or KeyNotFoundException)
        {
            return false;
        }

#pragma warning disable CA5351 // protocol MD5, not security
        var md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
#pragma warning restore CA5351
        return bytes.Length <= MaxRobotImageBytes && image.TryGetProperty("md5", out var sent) && sent.GetString() == md5;
    }

    private async Task ResponseUrlAsync(HttpContext context, string responseCode)
    {
        // The body is read first: a post that never fully arrived does not use the code up.
        if (await ReadJsonAsync(context) is not { } body)
        {
            return;
        }

        if (string.IsNullOrEmpty(responseCode) || !_usedResponseCodes.TryAdd(responseCode, true))
        {
            await WriteAsync(context, ResponseCodeUsedErrCode, "response_code invalid or already used");
            return;
        }

        Record(RecordedMessageKind.ResponseUrl, responseCode, body);
        await WriteAsync(context, 0, "ok");
    }

    private sealed record Body(string Json, string MsgType, JsonDocument Document);

#pragma warning disable CA5394 // fault injection, not security: a seeded Random keeps runs reproducible
    private sealed record FaultPlan(double Rate, IReadOnlyList<FakeFailure> Mix, Random Random, Func<string, bool> Applies);
#pragma warning restore CA5394

    // Mirrors WeCom: malformed JSON → 40058-style error; \uXXXX escapes → 40033.
    private static async Task<Body?> ReadJsonAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var json = await reader.ReadToEndAsync(context.RequestAborted);
        if (json.Contains("\\u", StringComparison.Ordinal))
        {
            await WriteAsync(context, 40033, "invalid charset. please check your request, if include \\uxxxx will create fail!");
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(json);
            context.Response.RegisterForDispose(document);
            var msgType = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("msgtype", out var t) ? t.GetString() ?? "" : "";
            return new Body(json, msgType, document);
        }
        catch (JsonException)
        {
            await WriteAsync(context, 40058, "invalid json");
            return null;
        }
    }

    private void Record(RecordedMessageKind kind, string target, Body body)
    {
        lock (_messagesLock)
        {
            _messages.Add(new RecordedMessage(kind, target, body.MsgType, body.Json, _time.GetUtcNow()));
            _messageAdded.TrySetResult();
            _messageAdded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private static Task WriteAsync(HttpContext context, int errCode, string errMsg, Dictionary<string, object>? extra = null)
    {
        var body = new Dictionary<string, object> { ["errcode"] = errCode, ["errmsg"] = errMsg };
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        return context.Response.WriteAsJsonAsync(body, context.RequestAborted);
    }
}
