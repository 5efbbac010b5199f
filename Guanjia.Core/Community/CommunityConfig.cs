namespace Guanjia.Core.Community;

/// <summary>
/// The validated community file: street, communities with their compounds, departments,
/// categories, people and the points scheme. Immutable; build it with <see cref="CommunityConfigLoader"/>.
/// </summary>
public sealed record CommunityConfig
{
    private readonly Dictionary<string, CommunityInfo> _communities;
    private readonly Dictionary<string, CommunityInfo> _communitiesByChat;
    private readonly Dictionary<string, Department> _departments;
    private readonly Dictionary<string, Department> _departmentsByChat;
    private readonly Dictionary<string, Category> _categories;
    private readonly Dictionary<string, Person> _people;
    private readonly Dictionary<string, Compound> _compounds;

    public CommunityConfig(
        Street street,
        IReadOnlyList<CommunityInfo> communities,
        IReadOnlyList<Department> departments,
        IReadOnlyList<Category> categories,
        IReadOnlyList<Person> people,
        PointsConfig points,
        Holidays? holidays)
    {
        Street = street;
        Communities = communities;
        Departments = departments;
        Categories = categories;
        People = people;
        Points = points;
        Holidays = holidays;

        _communities = communities.ToDictionary(c => c.Id, StringComparer.Ordinal);
        _communitiesByChat = new(StringComparer.Ordinal);
        foreach (var c in communities)
        {
            _communitiesByChat.TryAdd(c.ChatId, c);
        }

        _departments = departments.ToDictionary(d => d.Id, StringComparer.Ordinal);
        _departmentsByChat = new(StringComparer.Ordinal);
        foreach (var d in departments.Where(d => d.ChatId is not null))
        {
            _departmentsByChat.TryAdd(d.ChatId!, d);
        }

        _categories = new(StringComparer.OrdinalIgnoreCase);
        foreach (var c in categories)
        {
            _categories.TryAdd(c.Code, c);
        }

        foreach (var c in categories)
        {
            _categories.TryAdd(c.Name, c);
        }

        _people = people.ToDictionary(p => p.UserId, StringComparer.Ordinal);
        _compounds = communities.SelectMany(c => c.Compounds).ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    public Street Street { get; }

    public IReadOnlyList<CommunityInfo> Communities { get; }

    public IReadOnlyList<Department> Departments { get; }

    public IReadOnlyList<Category> Categories { get; }

    public IReadOnlyList<Person> People { get; }

    public PointsConfig Points { get; }

    public Holidays? Holidays { get; }

    public CommunityInfo? FindCommunity(string id) => _communities.GetValueOrDefault(id);

    /// <summary>The community whose WeCom group has this chat id.</summary>
    public CommunityInfo? FindCommunityByChatId(string chatId) => _communitiesByChat.GetValueOrDefault(chatId);

    public Department? FindDepartment(string id) => _departments.GetValueOrDefault(id);

    /// <summary>
    /// The department whose group has this chat id. A community office usually shares its
    /// community's group: call <see cref="ResolveChat"/> when the chat may be a community group.
    /// </summary>
    public Department? FindDepartmentByChatId(string chatId) => _departmentsByChat.GetValueOrDefault(chatId);

    /// <summary>
    /// Who owns a chat. A community group comes first (<see cref="ChatOwner.IsCommunityGroup"/>);
    /// its office department, which shares the group, is reported alongside.
    /// </summary>
    public ChatOwner? ResolveChat(string chatId)
    {
        var community = FindCommunityByChatId(chatId);
        var department = FindDepartmentByChatId(chatId);
        return community is null && department is null ? null : new ChatOwner(community, department);
    }

    /// <summary>A category by code (<c>fire</c>) or display name (<c>消防隐患</c>), case-insensitive.</summary>
    public Category? FindCategory(string codeOrName) => _categories.GetValueOrDefault(codeOrName.Trim());

    /// <summary>The catch-all category; its presence is validated on load.</summary>
    public Category OtherCategory => _categories[Category.OtherCode];

    public Person? FindPerson(string userId) => _people.GetValueOrDefault(userId);

    public Compound? FindCompound(string id) => _compounds.GetValueOrDefault(id);

    /// <summary>The departments listing this user among their members.</summary>
    public IReadOnlyList<Department> DepartmentsOf(string userId) =>
        Departments.Where(d => d.Members.Contains(userId, StringComparer.Ordinal)).ToList();

    /// <summary>The merchant this user redeems points for, if any.</summary>
    public Merchant? MerchantOf(string userId) =>
        Points.Merchants.FirstOrDefault(m => m.Members.Contains(userId, StringComparer.Ordinal));
}
