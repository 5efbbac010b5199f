using System.Collections.Concurrent;
using System.Text.Json;
using Guanjia.WeCom.Fake;

namespace Guanjia.Bot.Sandbox;

/// <summary>
/// One line of a conversation as WeCom would show it. Kind: <c>user</c> (a person's message), <c>reply</c> (the bot's
/// answer), <c>robot</c> (a group robot post), <c>app</c> (the app's message), <c>bot</c> (the bot's message over the long
/// connection), <c>card</c> (a template card: <c>Card</c> is its JSON, <c>TaskId</c> names it; a later entry with the same
/// TaskId replaces it) or <c>notice</c> (shown to <c>OnlyFor</c> only); Image: a URL or data URL of a photo.
/// </summary>
public sealed record TimelineEntry(
    long Seq, string Conversation, DateTimeOffset At, string Kind, string Sender, string? Text, bool Markdown, string? Image,
    string? Card = null, string? TaskId = null, string? OnlyFor = null);

/// <summary>
/// What each sandbox conversation shows: people's messages recorded when they are sent, and
/// everything the service sent to the fake WeCom, assigned to the conversation it reached.
/// </summary>
internal sealed class SandboxTimeline(FakeWeCom fake, SandboxChats chats, TimeProvider time, SandboxState? state = null)
{
    // The sandbox is a demo; keep memory bounded however long it runs.
    private const int MaxEntries = 5000;
    private const int MaxPhotos = 500;

    private readonly Lock _lock = new();
    private readonly List<TimelineEntry> _entries = [];
    private readonly ConcurrentDictionary<string, string> _responseCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _cardCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _photos = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _photoOrder = new();
    private int _synced;
    private int _syncedFrames;
    private long _seq;

    /// <summary>A fresh response_url whose replies will show in <paramref name="conversation"/>.</summary>
    public Uri NewResponseUrl(string conversation)
    {
        var url = fake.NewResponseUrl();
        var code = System.Web.HttpUtility.ParseQueryString(url.Query)["response_code"]!;
        _responseCodes[code] = conversation;
        return url;
    }

    public string AddPhoto(byte[] jpeg)
    {
        var id = Guid.NewGuid().ToString("N");
        _photos[id] = jpeg;
        _photoOrder.Enqueue(id);
        while (_photoOrder.Count > MaxPhotos && _photoOrder.TryDequeue(out var old))
        {
            _photos.TryRemove(old, out _);
        }

        return id;
    }

    /// <summary>The texts the service answered to the message that carried <paramref name="responseUrl"/>.</summary>
    public IReadOnlyList<string> RepliesTo(string responseUrl)
    {
        var code = Uri.TryCreate(responseUrl, UriKind.Absolute, out var uri)
            ? System.Web.HttpUtility.ParseQueryString(uri.Query)["response_code"]
            : null;
        return code is null
            ? []
            : [.. fake.Messages.Where(m => m.Kind == RecordedMessageKind.ResponseUrl && m.Target == code).Select(m => Render(m).Text ?? "")];
    }

    public byte[]? Photo(string id) => _photos.GetValueOrDefault(id);

    public void AddUserMessage(string conversation, string sender, string? text, string? photoId)
    {
        lock (_lock)
        {
            SyncLocked();
            if (!string.IsNullOrWhiteSpace(text))
            {
                AddLocked(conversation, time.GetUtcNow(), "user", sender, text, markdown: false, image: null);
            }

            if (photoId is not null)
            {
                AddLocked(conversation, time.GetUtcNow(), "user", sender, null, markdown: false, image: "/sandbox/api/photos/" + photoId);
            }
        }
    }

    /// <summary>Entries of <paramref name="conversation"/> after sequence number <paramref name="after"/>.</summary>
    public IReadOnlyList<TimelineEntry> Since(string conversation, long after)
    {
        lock (_lock)
        {
            SyncLocked();
            return [.. _entries.Where(e => e.Seq > after && e.Conversation == conversation)];
        }
    }

    /// <summary>
    /// A card update the service answered a click with: for everyone it replaces the card (same task_id); for some
    /// people only (a refusal) it shows as a notice for them.
    /// </summary>
    public void AddCardUpdate(string conversation, string updateJson, IReadOnlyDictionary<string, string> names)
    {
        using var doc = JsonDocument.Parse(updateJson);
        var root = doc.RootElement;
        if (!root.TryGetProperty("template_card", out var card))
        {
            return;
        }

        lock (_lock)
        {
            SyncLocked();
            if (root.TryGetProperty("userids", out var users) && users.ValueKind == JsonValueKind.Array)
            {
                var text = card.TryGetProperty("sub_title_text", out var sub) ? sub.GetString()?.Split('\n')[0] : null;
                foreach (var user in users.EnumerateArray().Select(u => u.GetString() ?? ""))
                {
                    AddLocked(conversation, time.GetUtcNow(), "notice", $"仅{names.GetValueOrDefault(user, user)}可见", text, markdown: false, image: null, onlyFor: user);
                }

                return;
            }

            AddLocked(conversation, time.GetUtcNow(), "card", SandboxCallbacks.BotName, Title(card), markdown: false, image: null,
                card: card.GetRawText(), taskId: card.TryGetProperty("task_id", out var task) ? task.GetString() : null);
        }
    }

    /// <summary>A response code for a click on an app card in <paramref name="conversation"/>, whose card update will show there.</summary>
    public string NewCardResponseCode(string conversation)
    {
        var code = fake.IssueResponseCode();
        _cardCodes[code] = conversation;
        return code;
    }

    /// <summary>Whether the card <paramref name="taskId"/> in <paramref name="conversation"/> came from the app (its clicks go to the app's callback).</summary>
    public bool IsAppCard(string conversation, string taskId)
    {
        lock (_lock)
        {
            SyncLocked();
            return _entries.LastOrDefault(e => e.Conversation == conversation && e.TaskId == taskId) is { Sender: AppSender };
        }
    }

    private const string AppSender = SandboxCallbacks.BotName + "（应用）";

    private void SyncLocked()
    {
        SyncFramesLocked();
        var messages = fake.Messages;
        for (; _synced < messages.Count; _synced++)
        {
            var message = messages[_synced];
            if (SyncCardLocked(message))
            {
                continue;
            }

            var (text, markdown, image) = Render(message);
            foreach (var (conversation, kind, sender) in Destinations(message))
            {
                AddLocked(conversation, message.ReceivedAt, kind, sender, text, markdown, image);
            }
        }
    }

    // The app's cards (message/send template_card) show as cards in each person's 1:1 chat; their updates
    // (message/update_template_card) replace them, or show to the clicker only.
    private bool SyncCardLocked(RecordedMessage message)
    {
        if (message is not { Kind: RecordedMessageKind.App, MsgType: "template_card" } and not { Kind: RecordedMessageKind.CardUpdate })
        {
            return false;
        }

        using var doc = JsonDocument.Parse(message.Json);
        var root = doc.RootElement;
        if (message.Kind == RecordedMessageKind.App)
        {
            var card = root.GetProperty("template_card");
            foreach (var user in message.Target.Split('|', StringSplitOptions.RemoveEmptyEntries))
            {
                AddLocked(SandboxChats.SinglePrefix + user, message.ReceivedAt, "card", AppSender, Title(card), markdown: false, image: null,
                    card: card.GetRawText(), taskId: card.TryGetProperty("task_id", out var task) ? task.GetString() : null);
            }

            return true;
        }

        if (!_cardCodes.TryGetValue(message.Target, out var conversation))
        {
            return true;
        }

        if (root.TryGetProperty("userids", out var users) && users.ValueKind == JsonValueKind.Array)
        {
            var text = root.TryGetProperty("template_card", out var refused) && refused.TryGetProperty("sub_title_text", out var sub) ? sub.GetString()?.Split('\n')[0] : null;
            foreach (var user in users.EnumerateArray().Select(u => u.GetString() ?? ""))
            {
                AddLocked(conversation, message.ReceivedAt, "notice", "仅自己可见", text, markdown: false, image: null, onlyFor: user);
            }
        }
        else if (root.TryGetProperty("template_card", out var updated))
        {
            AddLocked(conversation, message.ReceivedAt, "card", AppSender, Title(updated), markdown: false, image: null,
                card: updated.GetRawText(), taskId: updated.TryGetProperty("task_id", out var task) ? task.GetString() : null);
        }
        else if (root.TryGetProperty("button", out var button))
        {
            AddLocked(conversation, message.ReceivedAt, "app", AppSender, button.TryGetProperty("replace_name", out var name) ? name.GetString() : null, markdown: false, image: null);
        }

        return true;
    }

    // What the bot sent over the long connection (aibot_send_msg): markdown and cards, to a group chat or a person.
    private void SyncFramesLocked()
    {
        if (state?.Bot is not { } bot)
        {
            return;
        }

        var frames = bot.Frames;
        for (; _syncedFrames < frames.Count; _syncedFrames++)
        {
            var frame = frames[_syncedFrames];
            if (frame.Cmd != "aibot_send_msg")
            {
                continue;
            }

            var body = frame.Body;
            var chat = body.TryGetProperty("chatid", out var c) ? c.GetString() ?? "" : "";
            var conversation = chats.ForChatId(chat) ?? (chats.Find(SandboxChats.SinglePrefix + chat) is { } single ? single.Id : null);
            if (conversation is null)
            {
                continue;
            }

            var type = body.TryGetProperty("msgtype", out var t) ? t.GetString() : null;
            if (type == "template_card" && body.TryGetProperty("template_card", out var card))
            {
                AddLocked(conversation, time.GetUtcNow(), "card", SandboxCallbacks.BotName, Title(card), markdown: false, image: null,
                    card: card.GetRawText(), taskId: card.TryGetProperty("task_id", out var task) ? task.GetString() : null);
            }
            else if (type == "markdown" && body.TryGetProperty("markdown", out var md))
            {
                AddLocked(conversation, time.GetUtcNow(), "bot", SandboxCallbacks.BotName, md.TryGetProperty("content", out var mc) ? mc.GetString() : null, markdown: true, image: null);
            }
        }
    }

    private static string? Title(JsonElement card) =>
        card.TryGetProperty("main_title", out var main) && main.TryGetProperty("title", out var title) ? title.GetString() : null;

    private IEnumerable<(string Conversation, string Kind, string Sender)> Destinations(RecordedMessage message)
    {
        switch (message.Kind)
        {
            case RecordedMessageKind.ResponseUrl when _responseCodes.TryGetValue(message.Target, out var conversation):
                yield return (conversation, "reply", SandboxCallbacks.BotName);
                break;
            case RecordedMessageKind.Webhook:
                foreach (var id in chats.ForRobotKey(message.Target))
                {
                    yield return (id, "robot", "群机器人");
                }

                break;
            case RecordedMessageKind.AppChat when chats.ForChatId(message.Target) is { } chat:
                yield return (chat, "app", SandboxCallbacks.BotName + "（应用）");
                break;
            case RecordedMessageKind.App:
                foreach (var user in message.Target.Split('|', StringSplitOptions.RemoveEmptyEntries))
                {
                    yield return (SandboxChats.SinglePrefix + user, "app", SandboxCallbacks.BotName + "（应用）");
                }

                break;
        }
    }

    private static (string? Text, bool Markdown, string? Image) Render(RecordedMessage message)
    {
        try
        {
            using var doc = JsonDocument.Parse(message.Json);
            var root = doc.RootElement;
            switch (message.MsgType)
            {
                case "text" when root.TryGetProperty("text", out var t):
                    var content = t.TryGetProperty("content", out var c) ? c.GetString() : null;
                    var mentioned = t.TryGetProperty("mentioned_list", out var m) && m.ValueKind == JsonValueKind.Array
                        ? string.Join(' ', m.EnumerateArray().Select(x => "@" + x.GetString()))
                        : "";
                    return ((content + (mentioned.Length > 0 ? "\n" + mentioned : "")).Trim(), false, null);
                case "markdown" or "markdown_v2" when root.TryGetProperty(message.MsgType, out var md):
                    return (md.TryGetProperty("content", out var mc) ? mc.GetString() : null, true, null);
                case "image" when root.TryGetProperty("image", out var img) && img.TryGetProperty("base64", out var b64):
                    var data = b64.GetString() ?? "";
                    var mime = data.StartsWith("iVBOR", StringComparison.Ordinal) ? "image/png" : "image/jpeg";
                    return (null, false, $"data:{mime};base64,{data}");
                default:
                    return ($"[{message.MsgType} 消息]", false, null);
            }
        }
        catch (JsonException)
        {
            return ("[无法显示的消息]", false, null);
        }
    }

    private void AddLocked(
        string conversation, DateTimeOffset at, string kind, string sender, string? text, bool markdown, string? image,
        string? card = null, string? taskId = null, string? onlyFor = null)
    {
        _entries.Add(new TimelineEntry(++_seq, conversation, at, kind, sender, text, markdown, image, card, taskId, onlyFor));
        if (_entries.Count > MaxEntries)
        {
            _entries.RemoveRange(0, _entries.Count - MaxEntries);
        }
    }
}
