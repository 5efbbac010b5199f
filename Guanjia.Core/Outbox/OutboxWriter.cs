using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Storage;

namespace Guanjia.Core.Outbox;

/// <summary>
/// Adds outgoing messages to the outbox inside the caller's unit of work, so a message exists
/// exactly when the change that caused it is committed.
/// </summary>
public sealed class OutboxWriter(GuanjiaDbContext db, TimeProvider time)
{
    /// <summary>How long WeCom accepts a response_url after the user's message.</summary>
    public static readonly TimeSpan ResponseUrlValidity = TimeSpan.FromHours(1);

    // Leave room for the last attempt to arrive before WeCom's hour is up.
    private static readonly TimeSpan ResponseUrlMargin = TimeSpan.FromMinutes(2);

    /// <summary>Whether groups with a chat id are written to through the bot's long connection, and the ticket page's address.</summary>
    public OutboxRoutes Routes { get; init; } = OutboxRoutes.None;

    /// <summary>Answers the sender of a message in its own conversation (bot: the response_url; app: the user).</summary>
    public void Reply(string key, IncomingMessage to, string markdown, int? ticket = null)
    {
        if (to.Channel == IncomingChannel.Bot && to.ReplyReqId is { Length: > 0 } reqId)
        {
            // Long connection: the answer goes on the message's own req_id; if WeCom refuses it, to the chat.
            var reply = Add(key, OutboxChannel.BotReply, reqId, OutboxKind.Markdown, markdown, ticket);
            var at = to.ReceivedAt == default ? reply.CreatedAt : to.ReceivedAt;
            reply.Recipient = to.SenderId;
            reply.Conversation = to.ChatId;
            reply.ExpiresAt = at + ResponseUrlValidity - ResponseUrlMargin;
        }
        else if (to.Channel == IncomingChannel.Bot && to.ResponseUrl is { Length: > 0 } url)
        {
            var message = Add(key, OutboxChannel.ResponseUrl, url, OutboxKind.Markdown, markdown, ticket);
            var received = to.ReceivedAt == default ? message.CreatedAt : to.ReceivedAt;
            message.Recipient = to.SenderId;
            message.Conversation = to.ChatId;
            message.ExpiresAt = received + ResponseUrlValidity - ResponseUrlMargin;
        }
        else
        {
            Add(key, OutboxChannel.AppUser, to.SenderId, OutboxKind.Text, markdown, ticket);
        }
    }

    /// <summary>Posts to a department's group robot, or to its members through the app where it has none.</summary>
    /// <remarks><paramref name="urgent"/> messages go first when the destination's rate limit holds messages back.</remarks>
    public void ToDepartment(string key, Department department, OutboxKind kind, string content, int? ticket, string? mentions = null, bool urgent = false)
    {
        OutboxMessage? added = null;
        // Photos go by the group robot where there is one (the bot's media upload only where there is none).
        var botImage = kind != OutboxKind.Image || department.RobotKey is not { Length: > 0 };
        if (Routes.BotChats && department.ChatId is { Length: > 0 } chat && botImage && mentions is null)
        {
            added = Add(key, OutboxChannel.BotChat, chat, kind == OutboxKind.Image ? OutboxKind.Image : OutboxKind.Markdown, content, ticket);
        }
        else if (Routes.BotChats && department.ChatId is { Length: > 0 } mentionChat && kind == OutboxKind.Text && mentions is not null)
        {
            added = Add(key, OutboxChannel.BotChat, mentionChat, OutboxKind.Markdown, MentionAll(mentions, content), ticket);
        }
        else if (department.RobotKey is { Length: > 0 } robot)
        {
            added = Add(key, OutboxChannel.Robot, robot, kind, content, ticket, mentions);
        }
        else if (department.Members.Count > 0)
        {
            added = Add(key, OutboxChannel.AppUser, string.Join('|', department.Members), kind == OutboxKind.Markdown ? OutboxKind.Text : kind, content, ticket);
        }

        if (added is not null && urgent)
        {
            added.Priority = UrgentPriority;
        }
    }

    /// <summary>The <see cref="OutboxMessage.Priority"/> of an urgent ticket's dispatch.</summary>
    public const int UrgentPriority = 1;

    /// <summary>Posts to a community's group robot (what its secretaries read).</summary>
    public void ToCommunity(string key, CommunityInfo community, string content, int? ticket, CommunityConfig config, OutboxKind kind = OutboxKind.Markdown)
    {
        if (Routes.BotChats && (kind != OutboxKind.Image || community.RobotKey is not { Length: > 0 }) && community.ChatId is { Length: > 0 } chat)
        {
            Add(key, OutboxChannel.BotChat, chat, kind == OutboxKind.Image ? OutboxKind.Image : OutboxKind.Markdown, content, ticket);
            return;
        }

        if (community.RobotKey is { Length: > 0 } robot)
        {
            Add(key, OutboxChannel.Robot, robot, kind, content, ticket);
            return;
        }

        var secretaries = config.People
            .Where(p => p.HasRole(Person.SecretaryRole) && p.CommunityId == community.Id)
            .Select(p => p.UserId)
            .ToList();
        if (secretaries.Count > 0)
        {
            Add(key, OutboxChannel.AppUser, string.Join('|', secretaries), kind == OutboxKind.Markdown ? OutboxKind.Text : kind, content, ticket);
        }
    }

    /// <summary>Sends to people through the app's message/send (their 1:1 chat with the app).</summary>
    public void ToPeople(string key, IReadOnlyCollection<string> userIds, OutboxKind kind, string content, int? ticket)
    {
        if (userIds.Count > 0)
        {
            Add(key, OutboxChannel.AppUser, string.Join('|', userIds), kind == OutboxKind.Markdown ? OutboxKind.Text : kind, content, ticket);
        }
    }

    /// <summary>
    /// A card with buttons to a department's group where WeCom delivers one (the bot's long connection and a
    /// chat id); elsewhere <paramref name="markdown"/>, which says the same actions in their typed form.
    /// </summary>
    public void CardToDepartment(string key, Department department, OutboxCard card, string markdown, int? ticket, bool urgent = false)
    {
        if (Routes.BotChats && department.ChatId is { Length: > 0 } chat)
        {
            var added = Add(key, OutboxChannel.BotChat, chat, OutboxKind.Card, card.ToJson(), ticket);
            added.Priority = urgent ? UrgentPriority : 0;
            return;
        }

        ToDepartment(key, department, OutboxKind.Markdown, markdown, ticket, urgent: urgent);
    }

    /// <summary>
    /// A card to a group chat through the bot when the long connection is up, true when written; the caller
    /// sends its typed-form text another way otherwise.
    /// </summary>
    public bool TryCardToChat(string key, string? chatId, OutboxCard card, int? ticket)
    {
        if (!Routes.BotChats || chatId is not { Length: > 0 })
        {
            return false;
        }

        Add(key, OutboxChannel.BotChat, chatId, OutboxKind.Card, card.ToJson(), ticket);
        return true;
    }

    /// <summary>
    /// A card to people's 1:1 chats through the app's message/send (<see cref="OutboxRoutes.AppCards"/>), true when
    /// written; the caller sends its typed-form text another way otherwise.
    /// </summary>
    public bool TryCardToPeople(string key, IReadOnlyCollection<string> userIds, OutboxCard card, int? ticket)
    {
        if (!Routes.AppCards || userIds.Count == 0)
        {
            return false;
        }

        Add(key, OutboxChannel.AppUser, string.Join('|', userIds), OutboxKind.Card, card.ToJson(), ticket);
        return true;
    }

    /// <summary>Whether a community's group can be written to: by its robot, or through the bot with its chat id.</summary>
    public bool ReachesGroup(CommunityInfo community) =>
        community.RobotKey is { Length: > 0 } || (Routes.BotChats && community.ChatId is { Length: > 0 });

    private static string MentionAll(string mentions, string text) =>
        mentions.Split('|', StringSplitOptions.RemoveEmptyEntries).Reverse().Aggregate(text, (body, user) => OutboxTexts.MentionReply(user, body));

    /// <summary>Posts to a group robot by its key (e.g. a photo after a community notice).</summary>
    public void ToRobot(string key, string robotKey, OutboxKind kind, string content, int? ticket) =>
        Add(key, OutboxChannel.Robot, robotKey, kind, content, ticket);

    private OutboxMessage Add(string key, OutboxChannel channel, string target, OutboxKind kind, string content, int? ticket, string? mentions = null)
    {
        var now = time.GetUtcNow();
        var message = new OutboxMessage
        {
            Key = key,
            Channel = channel,
            Target = target,
            Kind = kind,
            Content = content,
            Mentions = mentions,
            TicketNumber = ticket,
            State = OutboxState.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.Outbox.Add(message);
        return message;
    }
}
