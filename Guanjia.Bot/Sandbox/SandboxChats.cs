using Guanjia.Core.Community;

namespace Guanjia.Bot.Sandbox;

/// <summary>A conversation the simulator can show: a community group, a department group, or a person's 1:1 with the bot.</summary>
public sealed record SandboxConversation(string Id, string Kind, string Name, string? ChatId, string? RobotKey);

/// <summary>Someone the simulator can speak as.</summary>
public sealed record SandboxPerson(string UserId, string Name, string Role, string? Community);

/// <summary>The groups and people of community.yaml as the simulator presents them.</summary>
internal sealed class SandboxChats
{
    public const string SinglePrefix = "u:";

    private readonly Dictionary<string, SandboxConversation> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _byRobotKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byChatId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);

    public SandboxChats(CommunityConfig community)
    {
        var groups = new List<SandboxConversation>();
        foreach (var c in community.Communities)
        {
            groups.Add(new SandboxConversation("c:" + c.Id, "community", c.Name + "群", c.ChatId, c.RobotKey));
        }

        foreach (var d in community.Departments)
        {
            // A community office usually shares its community's group; show that group once.
            if (d.ChatId is { } chat && groups.FirstOrDefault(g => g.ChatId == chat) is { } shared)
            {
                _aliases["d:" + d.Id] = shared.Id;
                continue;
            }

            groups.Add(new SandboxConversation("d:" + d.Id, "department", d.Name + "群", d.ChatId, d.RobotKey));
        }

        Groups = groups;
        foreach (var g in groups)
        {
            _byId[g.Id] = g;
            if (g.ChatId is { } chat)
            {
                _byChatId.TryAdd(chat, g.Id);
            }
        }

        foreach (var c in community.Communities.Where(c => c.RobotKey is not null))
        {
            AddRobot(c.RobotKey!, _byChatId[c.ChatId]);
        }

        foreach (var d in community.Departments.Where(d => d.RobotKey is not null))
        {
            AddRobot(d.RobotKey!, d.ChatId is { } chat && _byChatId.TryGetValue(chat, out var id) ? id : "d:" + d.Id);
        }

        var people = community.People
            .Select(p => new SandboxPerson(p.UserId, p.Name, RoleName(p), p.CommunityId))
            .ToList();
        foreach (var d in community.Departments)
        {
            foreach (var member in d.Members.Where(m => people.All(p => p.UserId != m)))
            {
                people.Add(new SandboxPerson(member, member, d.Name, null));
            }
        }

        // Merchant members (兑换) talk to the bot 1:1 only.
        foreach (var m in community.Points.Merchants)
        {
            foreach (var member in m.Members.Where(u => people.All(p => p.UserId != u)))
            {
                people.Add(new SandboxPerson(member, member, m.Name, null));
            }
        }

        People = people;
    }

    public IReadOnlyList<SandboxConversation> Groups { get; }

    public IReadOnlyList<SandboxPerson> People { get; }

    public bool IsPerson(string userId) => People.Any(p => p.UserId == userId);

    /// <summary>
    /// A group conversation (<c>c:&lt;community&gt;</c>, <c>d:&lt;department&gt;</c>, or a bare community or department id),
    /// or a 1:1 <c>u:&lt;userid&gt;</c> for a known person.
    /// </summary>
    public SandboxConversation? Find(string id)
    {
        if (!id.Contains(':', StringComparison.Ordinal))
        {
            return Find("c:" + id) ?? Find("d:" + id);
        }

        return _byId.TryGetValue(_aliases.GetValueOrDefault(id, id), out var group) ? group
        : id.StartsWith(SinglePrefix, StringComparison.Ordinal) && IsPerson(id[SinglePrefix.Length..])
            ? new SandboxConversation(id, "single", "与" + SandboxCallbacks.BotName + "单聊", null, null)
            : null;
    }

    public IReadOnlyList<string> ForRobotKey(string key) => _byRobotKey.TryGetValue(key, out var ids) ? ids : [];

    public string? ForChatId(string chatId) => _byChatId.GetValueOrDefault(chatId);

    private void AddRobot(string key, string conversationId)
    {
        var list = _byRobotKey.TryGetValue(key, out var existing) ? existing : _byRobotKey[key] = [];
        if (!list.Contains(conversationId))
        {
            list.Add(conversationId);
        }
    }

    private static string RoleName(Person p) =>
        p.HasRole(Person.AdminRole) ? "街道管理员"
        : p.HasRole(Person.SecretaryRole) ? "社区书记"
        : p.HasRole(Person.StewardRole) ? "小巷管家"
        : "成员";
}
