using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guanjia.Core.Community;

/// <summary>Reads and validates community.yaml; every error names the key path and the line.</summary>
public static class CommunityConfigLoader
{
    private static readonly string[] KnownRoles = [Person.StewardRole, Person.SecretaryRole, Person.AdminRole];

    public static CommunityConfig Load(string path)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommunityConfigException($"cannot read community file '{path}': {e.Message}", e);
        }

        return Parse(yaml);
    }

    public static CommunityConfig Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new CommunityConfigException("(document)", $"not valid YAML: {e.Message}", e.Start.Line);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new CommunityConfigException("(document)", "expected a mapping at the top level", 1);
        }

        var top = new Node("", root);
        var departments = top.Sequence("departments").Select(ReadDepartment).ToList();
        Unique(departments, d => d.Value.Id, "id", "department");
        var departmentIds = departments.Select(d => d.Value.Id).ToHashSet(StringComparer.Ordinal);

        var street = ReadStreet(top.Map("street"), departmentIds);
        var communities = top.Sequence("communities").Select(n => ReadCommunity(n, departmentIds)).ToList();
        if (communities.Count == 0)
        {
            throw top.Error("communities", "at least one community is required");
        }

        Unique(communities, c => c.Value.Id, "id", "community");
        Unique(communities, c => c.Value.ChatId, "chatId", "community chat");
        Unique(
            communities.SelectMany(c => c.Value.Compounds.Select((k, i) => (Node: c.Node.Sequence("compounds")[i], Value: k))).ToList(),
            c => c.Value.Id,
            "id",
            "compound");

        var categories = top.Sequence("categories").Select(n => ReadCategory(n, departmentIds)).ToList();
        Unique(categories, c => c.Value.Code, "code", "category");
        Unique(categories, c => c.Value.Name, "name", "category name");
        if (!categories.Any(c => c.Value.Code == Category.OtherCode))
        {
            throw top.Error("categories", $"the catch-all category '{Category.OtherCode}' is missing");
        }

        var compoundsByCommunity = communities.ToDictionary(
            c => c.Value.Id,
            c => c.Value.Compounds.Select(k => k.Id).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
        var people = top.Sequence("people").Select(n => ReadPerson(n, compoundsByCommunity)).ToList();
        Unique(people, p => p.Value.UserId, "userid", "person");

        var points = ReadPoints(top.Map("points"));
        var holidays = top.Has("holidays") ? ReadHolidays(top.Map("holidays")) : null;

        return new CommunityConfig(
            street,
            communities.Select(c => c.Value).ToList(),
            departments.Select(d => d.Value).ToList(),
            categories.Select(c => c.Value).ToList(),
            people.Select(p => p.Value).ToList(),
            points,
            holidays);
    }

    private static Street ReadStreet(Node n, HashSet<string> departmentIds)
    {
        var timeZone = n.OptionalString("timezone") ?? "Asia/Shanghai";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            throw n.Error("timezone", $"'{timeZone}' is not a known time zone");
        }

        return new Street(n.String("id"), n.String("name"), timeZone, DepartmentRef(n, "office", departmentIds),
            n.Has("confirmWithin") ? n.Duration("confirmWithin") : null);
    }

    private static (Node Node, Department Value) ReadDepartment(Node n) =>
        (n, new Department(n.String("id"), n.String("name"), n.OptionalString("chatId"), n.OptionalString("robotKey"), n.StringList("members")));

    private static (Node Node, CommunityInfo Value) ReadCommunity(Node n, HashSet<string> departmentIds)
    {
        var id = n.String("id");
        var compounds = n.Sequence("compounds").Select(c => ReadCompound(c, id, departmentIds)).ToList();
        return (n, new CommunityInfo(id, n.String("name"), n.String("chatId"), n.OptionalString("robotKey"), DepartmentRef(n, "office", departmentIds), compounds));
    }

    private static Compound ReadCompound(Node n, string communityId, HashSet<string> departmentIds)
    {
        var management = n.String("management") switch
        {
            "full" => Management.Full,
            "semi" => Management.Semi,
            "none" => Management.None,
            var other => throw n.Error("management", $"'{other}' is not one of full, semi, none"),
        };
        var property = n.Has("property") ? DepartmentRef(n, "property", departmentIds) : null;
        if (management == Management.Full && property is null)
        {
            throw n.Error("property", "a compound with management 'full' needs its property department");
        }

        if (management == Management.None && property is not null)
        {
            throw n.Error("property", "a compound with management 'none' cannot have a property department");
        }

        return new Compound(n.String("id"), n.String("name"), n.StringList("aliases"), management, property, communityId, n.OptionalPoint("location"));
    }

    private static (Node Node, Category Value) ReadCategory(Node n, HashSet<string> departmentIds)
    {
        var department = n.String("department");
        if (department is not (Category.PropertyRole or Category.CommunityRole) && !departmentIds.Contains(department))
        {
            throw n.Error("department", $"'{department}' is not a department id, '{Category.PropertyRole}' or '{Category.CommunityRole}'");
        }

        var points = n.OptionalInt("points") ?? 0;
        if (points < 0)
        {
            throw n.Error("points", "must not be negative");
        }

        return (n, new Category(
            n.String("code"),
            n.String("name"),
            department,
            n.Duration("sla"),
            n.Has("urgentSla") ? n.Duration("urgentSla") : null,
            points,
            n.OptionalBool("alwaysUrgent") ?? false,
            n.Has("acceptSla") ? n.Duration("acceptSla") : null,
            n.OptionalBool("confidential") ?? false,
            n.OptionalString("advice")));
    }

    private static (Node Node, Person Value) ReadPerson(Node n, Dictionary<string, HashSet<string>> compoundsByCommunity)
    {
        var roles = n.StringList("roles");
        for (var i = 0; i < roles.Count; i++)
        {
            if (!KnownRoles.Contains(roles[i]))
            {
                throw n.Child("roles").Error(i, $"'{roles[i]}' is not one of {string.Join(", ", KnownRoles)}");
            }
        }

        var community = n.OptionalString("community");
        if (community is not null && !compoundsByCommunity.ContainsKey(community))
        {
            throw n.Error("community", $"unknown community '{community}'");
        }

        var compounds = n.StringList("compounds");
        if (compounds.Count > 0 && community is null)
        {
            throw n.Error("compounds", "a person with compounds needs a community");
        }

        for (var i = 0; i < compounds.Count; i++)
        {
            if (!compoundsByCommunity[community!].Contains(compounds[i]))
            {
                throw n.Child("compounds").Error(i, $"compound '{compounds[i]}' is not in community '{community}'");
            }
        }

        if (roles.Contains(Person.StewardRole) && community is null)
        {
            throw n.Error("community", "a steward needs a community");
        }

        return (n, new Person(n.String("userid"), n.String("name"), roles, community, compounds));
    }

    private static PointsConfig ReadPoints(Node n)
    {
        var value = n.Decimal("pointValueCny");
        if (value <= 0)
        {
            throw n.Error("pointValueCny", "must be positive");
        }

        var tasks = n.Sequence("tasks").Select(ReadTask).ToList();
        Unique(tasks, t => t.Value.Code, "code", "task");
        var merchants = n.Sequence("merchants").Select(m => (Node: m, Value: new Merchant(m.String("id"), m.String("name"), m.StringList("members")))).ToList();
        Unique(merchants, m => m.Value.Id, "id", "merchant");
        var validDays = n.OptionalInt("voucherValidDays") ?? 30;
        if (validDays <= 0)
        {
            throw n.Error("voucherValidDays", "must be positive");
        }

        var duplicates = n.OptionalString("duplicateReporters") switch
        {
            null or "none" => DuplicateReporters.None,
            "all" => DuplicateReporters.All,
            _ => throw n.Error("duplicateReporters", "must be none or all"),
        };
        var radius = n.OptionalInt("patrolRadius") ?? PointsConfig.DefaultPatrolRadius;
        if (radius <= 0)
        {
            throw n.Error("patrolRadius", "must be a positive number of metres");
        }

        return new PointsConfig(
            value,
            n.OptionalInt("dailyCapPerPerson") ?? int.MaxValue,
            tasks.Select(t => t.Value).ToList(),
            merchants.Select(m => m.Value).ToList(),
            validDays,
            duplicates,
            radius);
    }

    private static (Node Node, PointsTask Value) ReadTask(Node n)
    {
        var fromCategory = n.OptionalString("points") == "category";
        int? points = fromCategory ? null : n.Int("points");
        return (n, new PointsTask(n.String("code"), n.String("name"), points, fromCategory, n.OptionalInt("perDay")));
    }

    private static Holidays ReadHolidays(Node n) => new(n.DateList("off"), n.DateList("workdays"));

    private static string DepartmentRef(Node n, string key, HashSet<string> departmentIds)
    {
        var id = n.String(key);
        return departmentIds.Contains(id) ? id : throw n.Error(key, $"unknown department '{id}'");
    }

    private static void Unique<T>(IReadOnlyList<(Node Node, T Value)> items, Func<(Node Node, T Value), string> key, string keyName, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!seen.Add(key(item)))
            {
                throw item.Node.Error(keyName, $"duplicate {what} '{key(item)}'");
            }
        }
    }

    /// <summary>A YAML node with the key path that reached it, so errors can name both path and line.</summary>
    private sealed class Node(string path, YamlNode yaml)
    {
        public string Path { get; } = path;

        public YamlNode Yaml { get; } = yaml;

        private YamlMappingNode Mapping => Yaml as YamlMappingNode
            ?? throw new CommunityConfigException(Display(Path), "expected a mapping", Yaml.Start.Line);

        public bool Has(string key) => Yaml is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) && !IsNull(v);

        public Node Child(string key)
        {
            if (!Mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) || IsNull(value))
            {
                throw new CommunityConfigException(Sub(key), "is required", Yaml.Start.Line);
            }

            return new Node(Sub(key), value);
        }

        public Node Map(string key)
        {
            var child = Child(key);
            return child.Yaml is YamlMappingNode ? child : throw child.Here("expected a mapping");
        }

        public Node this[int index] => new($"{Path}[{index}]", ((YamlSequenceNode)Yaml).Children[index]);

        public List<Node> Sequence(string key)
        {
            if (!Has(key))
            {
                return [];
            }

            var child = Child(key);
            return child.Yaml is YamlSequenceNode seq
                ? seq.Children.Select((c, i) => new Node($"{child.Path}[{i}]", c)).ToList()
                : throw child.Here("expected a list");
        }

        public string String(string key)
        {
            var child = Child(key);
            var text = child.Yaml is YamlScalarNode s ? s.Value?.Trim() : null;
            return string.IsNullOrEmpty(text) ? throw child.Here("expected a non-empty text") : text;
        }

        public string? OptionalString(string key) => Has(key) ? String(key) : null;

        public int Int(string key)
        {
            var text = String(key);
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Child(key).Here($"'{text}' is not a whole number");
        }

        public int? OptionalInt(string key) => Has(key) ? Int(key) : null;

        public decimal Decimal(string key)
        {
            var text = String(key);
            return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Child(key).Here($"'{text}' is not a number");
        }

        public bool? OptionalBool(string key)
        {
            if (!Has(key))
            {
                return null;
            }

            var text = String(key);
            return text switch
            {
                "true" or "True" or "yes" => true,
                "false" or "False" or "no" => false,
                _ => throw Child(key).Here($"'{text}' is not true or false"),
            };
        }

        /// <summary><c>[lat, lng]</c> in degrees, or null when the key is absent.</summary>
        public GeoPoint? OptionalPoint(string key)
        {
            if (!Has(key))
            {
                return null;
            }

            var child = Child(key);
            if (child.Yaml is not YamlSequenceNode { Children.Count: 2 } seq)
            {
                throw child.Here("expected [latitude, longitude]");
            }

            var values = new double[2];
            for (var i = 0; i < 2; i++)
            {
                var text = (seq.Children[i] as YamlScalarNode)?.Value?.Trim();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                {
                    throw child.Error(i, $"'{text}' is not a number");
                }
            }

            if (values[0] is < -90 or > 90 || values[1] is < -180 or > 180)
            {
                throw child.Here("latitude must be within ±90 and longitude within ±180");
            }

            return new GeoPoint(values[0], values[1]);
        }

        public TimeLimit Duration(string key)
        {
            var text = String(key);
            return TimeLimit.TryParse(text, out var limit)
                ? limit
                : throw Child(key).Here($"'{text}' is not a duration");
        }

        public List<string> StringList(string key)
        {
            if (!Has(key))
            {
                return [];
            }

            var child = Child(key);
            if (child.Yaml is not YamlSequenceNode seq)
            {
                throw child.Here("expected a list");
            }

            var list = new List<string>();
            for (var i = 0; i < seq.Children.Count; i++)
            {
                var text = (seq.Children[i] as YamlScalarNode)?.Value?.Trim();
                list.Add(string.IsNullOrEmpty(text) ? throw child.Error(i, "expected a non-empty text") : text);
            }

            return list;
        }

        public List<DateOnly> DateList(string key)
        {
            var texts = StringList(key);
            var list = new List<DateOnly>();
            for (var i = 0; i < texts.Count; i++)
            {
                list.Add(DateOnly.TryParseExact(texts[i], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                    ? d
                    : throw Child(key).Error(i, $"'{texts[i]}' is not a date (yyyy-MM-dd)"));
            }

            return list;
        }

        public CommunityConfigException Error(string key, string problem)
        {
            if (Yaml is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v))
            {
                return new CommunityConfigException(Sub(key), problem, v.Start.Line);
            }

            return new CommunityConfigException(Sub(key), problem, Yaml.Start.Line);
        }

        public CommunityConfigException Error(int index, string problem) =>
            new($"{Path}[{index}]", problem, ((YamlSequenceNode)Yaml).Children[index].Start.Line);

        public CommunityConfigException Here(string problem) => new(Display(Path), problem, Yaml.Start.Line);

        private string Sub(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

        private static string Display(string path) => path.Length == 0 ? "(document)" : path;

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };
    }
}
