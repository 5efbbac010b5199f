using System.Net;
using System.Reflection;
using System.Text.Json;
using Guanjia.Bot.Callbacks;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Guanjia.WeCom.Crypto;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;

namespace Guanjia.Bot.Sandbox;

/// <summary>A message to prepare for the bot callback (replay and simulator); <c>Photo</c> is base64.</summary>
public sealed record SandboxPrepareRequest(string From, string Conversation, string? Text, string? Photo);

/// <summary>What a caller needs to build the callback itself.</summary>
public sealed record SandboxPrepared(string MsgId, string? ChatId, string ResponseUrl, string? ImageUrl);

/// <summary>The result of a simulator send: whether the service's callback endpoint accepted it.</summary>
public sealed record SandboxSent(bool Accepted, int Status, string MsgId);

/// <summary>A click on a card button in the simulator: who, in which conversation, on which card and button.</summary>
public sealed record SandboxClickRequest(string From, string Conversation, string TaskId, string Key);

/// <summary>How much the service still has to do: unprocessed callbacks and unsent WeCom messages.</summary>
public sealed record SandboxStatus(int PendingInbox, int PendingOutbox, int Tickets);

internal sealed record SandboxSetup(IReadOnlyList<SandboxPerson> People, IReadOnlyList<SandboxConversation> Groups, string BotName);

internal sealed record SandboxKey(string ApiKey);

internal static class SandboxEndpoints
{
    public const string SelfClient = "sandbox-self";
    private const long MaxPhotoBytes = 10 * 1024 * 1024;

    public static void MapSandboxEndpoints(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(Assembly.GetExecutingAssembly(), "Guanjia.Bot.Sandbox.web");
        app.MapGet("/sandbox", () => TypedResults.Stream(files.GetFileInfo("index.html").CreateReadStream(), "text/html; charset=utf-8"));
        app.MapGet("/sandbox/{file:regex(^[a-z]+\\.(js|css)$)}", (string file) => files.GetFileInfo(file) is { Exists: true } info
            ? Results.Stream(info.CreateReadStream(), file.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8")
            : Results.NotFound());

        var api = app.MapGroup("/sandbox/api");
        api.MapGet("/setup", (SandboxChats chats) => TypedResults.Ok(new SandboxSetup(chats.People, chats.Groups, SandboxCallbacks.BotName)));
        api.MapGet("/timeline", (string conversation, long? after, SandboxTimeline timeline) => TypedResults.Ok(timeline.Since(conversation, after ?? 0)));
        api.MapGet("/photos/{id}", (string id, SandboxTimeline timeline) =>
            timeline.Photo(id) is { } bytes ? Results.Bytes(bytes, "image/jpeg") : Results.NotFound());
        api.MapPost("/prepare", (SandboxPrepareRequest request, SandboxState state, SandboxChats chats, SandboxTimeline timeline) =>
            Prepare(request, state, chats, timeline));
        api.MapGet("/replies", (string responseUrl, SandboxTimeline timeline) => TypedResults.Ok(timeline.RepliesTo(responseUrl)));
        api.MapPost("/send", SendAsync).DisableAntiforgery();
        api.MapPost("/click", ClickAsync);
        api.MapGet("/status", StatusAsync);
        api.MapGet("/key", Key);
    }

    private static Results<Ok<SandboxPrepared>, ProblemHttpResult> Prepare(
        SandboxPrepareRequest request, SandboxState state, SandboxChats chats, SandboxTimeline timeline)
    {
        byte[]? photo = null;
        if (request.Photo is { Length: > 0 } base64)
        {
            try
            {
                photo = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "照片不是有效的 base64");
            }
        }

        return Prepare(request.From, request.Conversation, request.Text, photo, state, chats, timeline);
    }

    private static Results<Ok<SandboxPrepared>, ProblemHttpResult> Prepare(
        string from, string conversationId, string? text, byte[]? photo, SandboxState state, SandboxChats chats, SandboxTimeline timeline)
    {
        if (chats.People.FirstOrDefault(p => p.UserId == from) is not { } person)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"名单里没有 {from}");
        }

        if (chats.Find(conversationId) is not { } conversation)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"没有会话 {conversationId}");
        }

        if (conversation.Kind == "single" && conversation.Id != SandboxChats.SinglePrefix + from)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "只能以本人身份发送单聊消息");
        }

        if (string.IsNullOrWhiteSpace(text) && photo is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "请输入文字或选择照片");
        }

        string? photoId = null;
        string? imageUrl = null;
        if (photo is not null)
        {
            photoId = timeline.AddPhoto(photo);
            imageUrl = state.WeCom.AddDownload(WeComCallbackCrypto.Create(state.Keys.BotToken, state.Keys.BotEncodingAesKey, "").Value!.EncryptMedia(photo)).ToString();
        }

        var responseUrl = timeline.NewResponseUrl(conversation.Id);
        timeline.AddUserMessage(conversation.Id, person.Name, text, photoId);
        return TypedResults.Ok(new SandboxPrepared("sandbox-" + Guid.NewGuid().ToString("N"), conversation.ChatId, responseUrl.ToString(), imageUrl));
    }

    private static async Task<Results<Ok<SandboxSent>, ProblemHttpResult>> SendAsync(
        HttpRequest request,
        SandboxState state,
        SandboxChats chats,
        SandboxTimeline timeline,
        CallbackCryptos cryptos,
        IHttpClientFactory http,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "需要表单提交");
        }

        var form = await request.ReadFormAsync(cancellationToken);
        byte[]? photo = null;
        if (form.Files.GetFile("photo") is { Length: > 0 } file)
        {
            if (file.Length > MaxPhotoBytes)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "照片太大（最大 10 MB）");
            }

            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            photo = buffer.ToArray();
        }

        var from = form["from"].ToString();
        var text = form["text"].ToString();
        var prepared = Prepare(from, form["conversation"].ToString(), text, photo, state, chats, timeline);
        if (prepared.Result is not Ok<SandboxPrepared> { Value: { } p })
        {
            return (ProblemHttpResult)prepared.Result;
        }

        var json = SandboxCallbacks.MessageJson(p.MsgId, from, p.ChatId, text, p.ImageUrl, p.ResponseUrl);
        using var callback = SandboxCallbacks.Post(state.BaseAddress, cryptos.Bot!, json, time.GetUtcNow());
        using var response = await http.CreateClient(SelfClient).SendAsync(callback, cancellationToken);
        return TypedResults.Ok(new SandboxSent(response.IsSuccessStatusCode, (int)response.StatusCode, p.MsgId));
    }

    /// <summary>
    /// Posts the click to the service's own bot callback, encrypted, as WeCom would, and shows the card update the
    /// service answered with (decrypted from the response) in the conversation.
    /// </summary>
    private static async Task<Results<Ok<SandboxSent>, ProblemHttpResult>> ClickAsync(
        SandboxClickRequest request,
        SandboxState state,
        SandboxChats chats,
        SandboxTimeline timeline,
        CallbackCryptos cryptos,
        IHttpClientFactory http,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (chats.People.FirstOrDefault(p => p.UserId == request.From) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"名单里没有 {request.From}");
        }

        if (chats.Find(request.Conversation) is not { } conversation)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"没有会话 {request.Conversation}");
        }

        if (timeline.IsAppCard(conversation.Id, request.TaskId))
        {
            // A card the app sent: the click goes to the app's callback with a response code, and the service updates
            // the card through message/update_template_card, which the timeline shows.
            var code = timeline.NewCardResponseCode(conversation.Id);
            var xml = SandboxCallbacks.AppClickXml(state.Keys.CorpId, state.Keys.AgentId, request.From, request.TaskId, request.Key, code, time.GetUtcNow());
            using var appCallback = SandboxCallbacks.PostApp(state.BaseAddress, cryptos.App!, state.Keys.CorpId, state.Keys.AgentId, xml, time.GetUtcNow());
            using var appResponse = await http.CreateClient(SelfClient).SendAsync(appCallback, cancellationToken);
            return TypedResults.Ok(new SandboxSent(appResponse.IsSuccessStatusCode, (int)appResponse.StatusCode, code));
        }

        var msgId = "sandbox-click-" + Guid.NewGuid().ToString("N");
        var json = SandboxCallbacks.ClickJson(msgId, request.From, conversation.ChatId, request.TaskId, request.Key, time.GetUtcNow());
        using var callback = SandboxCallbacks.Post(state.BaseAddress, cryptos.Bot!, json, time.GetUtcNow());
        using var response = await http.CreateClient(SelfClient).SendAsync(callback, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode && body.Length > 0)
        {
            using var envelope = JsonDocument.Parse(body);
            if (envelope.RootElement.TryGetProperty("encrypt", out var encrypt) && cryptos.Bot!.Decrypt(encrypt.GetString() ?? "") is { IsOk: true } plain)
            {
                timeline.AddCardUpdate(conversation.Id, plain.Value!, chats.People.DistinctBy(p => p.UserId).ToDictionary(p => p.UserId, p => p.Name, StringComparer.Ordinal));
            }
        }

        return TypedResults.Ok(new SandboxSent(response.IsSuccessStatusCode, (int)response.StatusCode, msgId));
    }

    private static async Task<Ok<SandboxStatus>> StatusAsync(GuanjiaDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SandboxStatus(
            await db.Inbox.CountAsync(m => m.ProcessedAt == null, cancellationToken),
            await db.Outbox.CountAsync(m => m.State == OutboxState.Pending, cancellationToken),
            await db.Tickets.CountAsync(cancellationToken)));

    // The generated dashboard key goes only to a browser on this machine, and only when the service listens on loopback alone.
    private static Results<Ok<SandboxKey>, NotFound> Key(HttpContext context, SandboxState state) =>
        state.OnLoopback && context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
            ? TypedResults.Ok(new SandboxKey(state.Keys.ApiKey))
            : TypedResults.NotFound();
}
