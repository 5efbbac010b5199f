using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Guanjia.WeCom.Api;

/// <summary>What <c>message/send</c> reports back: the message id and the recipients WeCom could not reach.</summary>
public sealed record MessageSendResult(string? MsgId, IReadOnlyList<string> InvalidUsers, IReadOnlyList<string> InvalidParties, IReadOnlyList<string> InvalidTags);

/// <summary>A temporary media upload: <see cref="MediaId"/> is valid for 3 days.</summary>
public sealed record UploadedMedia(string MediaId, string Type, DateTimeOffset CreatedAt);

/// <summary>A downloaded file: raw bytes as served, with the content type and file name from the headers.</summary>
public sealed record WeComMedia(byte[] Content, string ContentType, string? FileName);

/// <summary>Kinds accepted by <c>media/upload</c>.</summary>
public enum WeComMediaType
{
    Image,
    Voice,
    Video,
    File,
}

/// <summary>
/// The self-built app's server API (access token attached and refreshed by <see cref="AccessTokenHandler"/>).
/// Every call returns a <see cref="WeComResult"/>; transport failures are results, not exceptions.
/// </summary>
public sealed class WeComApiClient(HttpClient http, IOptionsMonitor<WeComOptions> options, ILogger<WeComApiClient> logger)
{
    /// <summary>Sends a text message (≤ 2048 bytes) to app members.</summary>
    public Task<WeComResult<MessageSendResult>> SendTextAsync(IEnumerable<string> toUsers, string content, CancellationToken cancellationToken = default) =>
        SendMessageAsync(toUsers, "text", new { content }, cancellationToken);

    /// <summary>Sends a markdown message (≤ 2048 bytes, rendered only in the WeCom client) to app members.</summary>
    public Task<WeComResult<MessageSendResult>> SendMarkdownAsync(IEnumerable<string> toUsers, string content, CancellationToken cancellationToken = default) =>
        SendMessageAsync(toUsers, "markdown", new { content }, cancellationToken);

    /// <summary>Sends an image previously uploaded with <see cref="UploadMediaAsync"/>.</summary>
    public Task<WeComResult<MessageSendResult>> SendImageAsync(IEnumerable<string> toUsers, string mediaId, CancellationToken cancellationToken = default) =>
        SendMessageAsync(toUsers, "image", new { media_id = mediaId }, cancellationToken);

    /// <summary>
    /// Sends a template card (wecom.md §4.3) to app members; clicks on its buttons come back to the app's callback as
    /// <c>template_card_event</c> with a response code for <see cref="UpdateTemplateCardAsync"/>.
    /// </summary>
    public Task<WeComResult<MessageSendResult>> SendTemplateCardAsync(IEnumerable<string> toUsers, Cards.TemplateCard card, CancellationToken cancellationToken = default) =>
        SendMessageAsync(toUsers, "template_card", card, cancellationToken);

    /// <summary>
    /// Replaces a clicked card (<c>message/update_template_card</c>) with the click's single-use response code: for
    /// <paramref name="userIds"/> only, or for everyone who received it when null. With no <paramref name="card"/>,
    /// only the buttons are replaced by <paramref name="replaceName"/>.
    /// </summary>
    public Task<WeComResult<bool>> UpdateTemplateCardAsync(
        string responseCode, Cards.TemplateCard? card, IReadOnlyCollection<string>? userIds = null, string? replaceName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(responseCode);
        var body = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["agentid"] = options.CurrentValue.AgentId,
            ["response_code"] = responseCode,
        };
        if (userIds is { Count: > 0 })
        {
            body["userids"] = userIds;
        }
        else
        {
            body["atall"] = 1;
        }

        if (card is not null)
        {
            body["template_card"] = card;
        }
        else
        {
            body["button"] = new { replace_name = replaceName ?? "已处理" };
        }

        return PostJsonAsync("message/update_template_card", "cgi-bin/message/update_template_card", body, _ => true, cancellationToken);
    }

    /// <summary>Creates an app group chat (the app can only post into chats it created); returns the chat id.</summary>
    public Task<WeComResult<string>> CreateAppChatAsync(string name, IReadOnlyCollection<string> userIds, string? owner = null, string? chatId = null, CancellationToken cancellationToken = default)
    {
        var body = new Dictionary<string, object>(StringComparer.Ordinal) { ["name"] = name, ["userlist"] = userIds };
        if (owner is not null)
        {
            body["owner"] = owner;
        }

        if (chatId is not null)
        {
            body["chatid"] = chatId;
        }

        return PostJsonAsync("appchat/create", "cgi-bin/appchat/create", body, root => root.GetString("chatid") ?? "", cancellationToken);
    }

    public Task<WeComResult> SendAppChatTextAsync(string chatId, string content, CancellationToken cancellationToken = default) =>
        SendAppChatAsync(chatId, "text", new { content }, cancellationToken);

    public Task<WeComResult> SendAppChatMarkdownAsync(string chatId, string content, CancellationToken cancellationToken = default) =>
        SendAppChatAsync(chatId, "markdown", new { content }, cancellationToken);

    public Task<WeComResult> SendAppChatImageAsync(string chatId, string mediaId, CancellationToken cancellationToken = default) =>
        SendAppChatAsync(chatId, "image", new { media_id = mediaId }, cancellationToken);

    /// <summary>Uploads temporary media as multipart part <c>media</c> with filename and filelength in the part headers.</summary>
    public async Task<WeComResult<UploadedMedia>> UploadMediaAsync(ReadOnlyMemory<byte> content, string fileName, string contentType, WeComMediaType type = WeComMediaType.Image, CancellationToken cancellationToken = default)
    {
        var typeName = type.ToString().ToLowerInvariant();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"cgi-bin/media/upload?type={typeName}")
        {
            Content = MultipartMedia(content, fileName, contentType),
        };
        return await WeComHttp.SendAsync(http, request, "media/upload", logger, (response, ct) => WeComHttp.ReadJsonAsync(response, root =>
        {
            var createdAt = root.TryGetProperty("created_at", out var c) && long.TryParse(c.ValueKind == JsonValueKind.String ? c.GetString() : c.GetRawText(), out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : DateTimeOffset.UnixEpoch;
            return new UploadedMedia(root.GetString("media_id") ?? "", root.GetString("type") ?? typeName, createdAt);
        }, ct), cancellationToken);
    }

    /// <summary>Downloads temporary media; WeCom's JSON error bodies (sent with HTTP 200) become failed results.</summary>
    public async Task<WeComResult<WeComMedia>> GetMediaAsync(string mediaId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"cgi-bin/media/get?media_id={Uri.EscapeDataString(mediaId)}");
        return await WeComHttp.SendAsync(http, request, "media/get", logger, ReadMediaAsync, cancellationToken);
    }

    internal static async Task<WeComResult<WeComMedia>> ReadMediaAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = response.Content.Headers;
        if (WeComJson.IsJson(headers) || WeComJson.LooksLikeErrorObject(bytes))
        {
            using var document = JsonDocument.Parse(bytes);
            var error = WeComJson.ReadError(document.RootElement);
            return error is { ErrCode: not WeComErrorCodes.Ok } e
                ? WeComResults.FromCode<WeComMedia>(e.ErrCode, e.ErrMsg)
                : WeComResults.FromCode<WeComMedia>(WeComErrorCodes.ClientInvalidResponse, "JSON instead of media");
        }

        var disposition = headers.ContentDisposition;
        var fileName = (disposition?.FileNameStar ?? disposition?.FileName)?.Trim('"');
        return WeComResults.Success<WeComMedia>(new WeComMedia(bytes, headers.ContentType?.MediaType ?? "application/octet-stream", fileName));
    }

    private Task<WeComResult<MessageSendResult>> SendMessageAsync(IEnumerable<string> toUsers, string msgType, object payload, CancellationToken cancellationToken)
    {
        var users = toUsers.ToArray();
        if (users.Length is 0 or > 1000 || users.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("message/send needs 1 to 1000 non-empty userids.", nameof(toUsers));
        }

        var body = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["touser"] = string.Join('|', users),
            ["msgtype"] = msgType,
            ["agentid"] = options.CurrentValue.AgentId,
            [msgType] = payload,
        };
        return PostJsonAsync("message/send", "cgi-bin/message/send", body, root => new MessageSendResult(
            root.GetString("msgid"),
            SplitIds(root.GetString("invaliduser")),
            SplitIds(root.GetString("invalidparty")),
            SplitIds(root.GetString("invalidtag"))), cancellationToken);
    }

    private async Task<WeComResult> SendAppChatAsync(string chatId, string msgType, object payload, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object>(StringComparer.Ordinal) { ["chatid"] = chatId, ["msgtype"] = msgType, [msgType] = payload };
        return await PostJsonAsync("appchat/send", "cgi-bin/appchat/send", body, _ => true, cancellationToken);
    }

    private async Task<WeComResult<T>> PostJsonAsync<T>(string operation, string path, object body, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        // Absent card fields are left out rather than sent as null.
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = WeComJson.Content(body, WeComJson.OmitNullOptions) };
        return await WeComHttp.SendAsync(http, request, operation, logger, (response, ct) => WeComHttp.ReadJsonAsync(response, read, ct), cancellationToken);
    }

    private static string[] SplitIds(string? ids) =>
        string.IsNullOrEmpty(ids) ? [] : ids.Split('|', StringSplitOptions.RemoveEmptyEntries);

    internal static MultipartFormDataContent MultipartMedia(ReadOnlyMemory<byte> content, string fileName, string contentType)
    {
        var boundary = "----guanjia" + Guid.NewGuid().ToString("N");
        var multipart = new MultipartFormDataContent(boundary);
        // .NET quotes the boundary parameter; WeCom's parser is known to reject the quoted form.
        multipart.Headers.Remove("Content-Type");
        multipart.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=" + boundary);

        var part = new ReadOnlyMemoryContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        // Written by hand: MultipartFormDataContent.Add would add filename*=utf-8'' which WeCom does not document.
        part.Headers.TryAddWithoutValidation(
            "Content-Disposition",
            $"form-data; name=\"media\"; filename=\"{SafeFileName(fileName)}\"; filelength={content.Length}");
        multipart.Add(part);
        return multipart;
    }

    // Non-ASCII or quote characters in a header value are a known source of WeCom upload failures.
    private static string SafeFileName(string fileName)
    {
        var safe = new StringBuilder(fileName.Length);
        foreach (var c in fileName)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        return safe.Length == 0 ? "file" : safe.ToString();
    }
}
