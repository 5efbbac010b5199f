using System.Text.Json;
using System.Text.Json.Serialization;
using Guanjia.Core.Community;
using YamlDotNet.RepresentationModel;

namespace Guanjia.Core.Triage;

/// <summary>A labelled report: training examples (examples.jsonl) and evaluation sets share this shape.</summary>
public sealed record LabelledReport
{
    [JsonPropertyName("text")]
    public required string Text { get; init; }

    /// <summary>Lines of the corpus that are not reports (greetings, thanks, 收到) carry this label; triage does not train on them.</summary>
    public const string ConversationLabel = "conversation";

    [JsonPropertyName("category")]
    public required string Category { get; init; }

    [JsonPropertyName("urgent")]
    public bool Urgent { get; init; }

    /// <summary>The reporter's userid; place resolution is only checked where it is given.</summary>
    [JsonPropertyName("from")]
    public string? From { get; init; }

    [JsonPropertyName("compound")]
    public string? Compound { get; init; }

    [JsonPropertyName("department")]
    public string? Department { get; init; }

    [JsonPropertyName("community")]
    public string? Community { get; init; }

    /// <summary>Reads one JSON object per line; blank lines and lines starting with // are skipped.</summary>
    public static IReadOnlyList<LabelledReport> ReadJsonLines(string path)
    {
        var list = new List<LabelledReport>();
        var lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                list.Add(JsonSerializer.Deserialize<LabelledReport>(trimmed)
                    ?? throw new InvalidDataException($"{path}:{lineNo}: empty line object"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{lineNo}: {e.Message}", e);
            }
        }

        return list;
    }
}

/// <summary>
/// Urgency rules: cues by hazard kind, negations that cancel a cue just before it, phrases that
/// settle a cue later in the report (已经灭了), and contexts that cancel all cues (演练).
/// <see cref="Corroborate"/> cues also name harmless things (扶手断了, 墙皮掉下来): they count only when
/// the learned urgency model agrees. <see cref="AllClear"/> phrases say an always-urgent category's
/// danger is not there now (没闻到味道, 误报), so a rusty gas meter is not an emergency.
/// </summary>
public sealed record UrgentRules(
    IReadOnlyDictionary<string, IReadOnlyList<string>> Hazards,
    IReadOnlyList<string> Negations,
    IReadOnlyList<string> Hypotheticals,
    IReadOnlyList<string> Resolved,
    IReadOnlyList<string> NonUrgentContexts)
{
    public IReadOnlyList<string> Corroborate { get; init; } = [];

    public IReadOnlyList<string> AllClear { get; init; } = [];

    /// <summary>Time words that put a cue in the past when they stand earlier in its clause (上个月旁边小区着火, 以前有老人摔倒过).</summary>
    public IReadOnlyList<string> Past { get; init; } = [];

    /// <summary>Words that make a cue a question of what could happen when they follow it in its clause (着火了咋个跑).</summary>
    public IReadOnlyList<string> HypotheticalsAfter { get; init; } = [];

    /// <summary>Phrases that contain a cue but name nothing dangerous (网线断了, 被电信诈骗, 全是烟头): a cue inside them is not read.</summary>
    public IReadOnlyList<string> Harmless { get; init; } = [];

    /// <summary>Per hazard kind, ordinary sources of the same signs (烧烤 and 烧纸 smoke, 电焊 sparks): where the report names one, a cue of that kind is weak.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Ordinary { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Cues that name a danger only to a person (倒在地上, 不见了): weak unless a person is named earlier in the sentence (站牌被撞倒 is not).</summary>
    public IReadOnlyList<string> NeedsPerson { get; init; } = [];

    /// <summary>Words that name a person (人, 娃娃, 老人, 他), for <see cref="NeedsPerson"/>.</summary>
    public IReadOnlyList<string> Persons { get; init; } = [];

    /// <summary>Present time words (现在, 至今, 今早): between a past word and a cue they bring the cue to now (昨晚出去了到现在没回来).</summary>
    public IReadOnlyList<string> Present { get; init; } = ["现在", "至今"];

    /// <summary>Habit words (平时, 一般): a settling phrase after one in its clause settles nothing (平时半个钟头就回来了).</summary>
    public IReadOnlyList<string> Habitual { get; init; } = [];

    /// <summary>Guesses that something is happening, not fears that it could (怕是漏气了): a hypothetical inside one does not count.</summary>
    public IReadOnlyList<string> Hedges { get; init; } = [];

    /// <summary>
    /// Danger read from two words of one sentence, a thing and its sign (燃气…漏, 娃娃…找不到, 裂…底下有人): a cue of
    /// <see cref="UrgentPair.Kind"/> that needs corroboration, found where no single phrase was listed.
    /// </summary>
    public IReadOnlyList<UrgentPair> Pairs { get; init; } = [];

    /// <summary>Every cue of every kind.</summary>
    public IReadOnlyList<string> Cues => [.. Hazards.Values.SelectMany(c => c)];
}

/// <summary>A thing (<paramref name="With"/>) and a sign (<paramref name="Signs"/>) within <paramref name="Reach"/> characters of each other in one sentence.</summary>
public sealed record UrgentPair(string Kind, IReadOnlyList<string> With, IReadOnlyList<string> Signs, int Reach);

/// <summary>
/// The triage knowledge shipped in <c>config/triage/</c>: weighted phrases per category
/// (<c>phrases.yaml</c>), urgency rules (<c>urgent.yaml</c>) and labelled examples
/// (<c>examples.jsonl</c> and the training corpus <c>corpus/*.jsonl</c>).
/// </summary>
public sealed record TriageKnowledge(
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Phrases,
    UrgentRules Urgent,
    IReadOnlyList<LabelledReport> Examples)
{
    public const string PhrasesFile = "phrases.yaml";
    public const string UrgentFile = "urgent.yaml";
    public const string ExamplesFile = "examples.jsonl";
    public const string CorpusDirectory = "corpus";

    public static TriageKnowledge Load(string directory)
    {
        var phrases = LoadPhrases(Path.Combine(directory, PhrasesFile));
        var urgent = LoadUrgent(Path.Combine(directory, UrgentFile));
        var examples = TrainingFiles(directory).SelectMany(LabelledReport.ReadJsonLines).ToList();
        return new TriageKnowledge(phrases, urgent, examples);
    }

    /// <summary>The labelled files the model is trained on, in a fixed order: examples.jsonl, then corpus/*.jsonl by name.</summary>
    public static IReadOnlyList<string> TrainingFiles(string directory)
    {
        var corpus = Path.Combine(directory, CorpusDirectory);
        var files = new List<string> { Path.Combine(directory, ExamplesFile) };
        if (Directory.Exists(corpus))
        {
            files.AddRange(Directory.GetFiles(corpus, "*.jsonl").Order(StringComparer.Ordinal));
        }

        return files;
    }

    /// <summary>Checks that every phrase and example names a category of the config.</summary>
    public void Validate(CommunityConfig config)
    {
        foreach (var code in Phrases.Keys.Where(c => config.FindCategory(c) is null))
        {
            throw new InvalidDataException($"{PhrasesFile}: unknown category '{code}'");
        }

        foreach (var e in Examples.Where(e => config.FindCategory(e.Category) is null && e.Category != LabelledReport.ConversationLabel))
        {
            throw new InvalidDataException($"{ExamplesFile}: unknown category '{e.Category}' in \"{e.Text}\"");
        }
    }

    private static Dictionary<string, IReadOnlyDictionary<string, double>> LoadPhrases(string path)
    {
        var root = LoadYaml(path);
        var result = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var (key, value) in root.Children)
        {
            var code = ((YamlScalarNode)key).Value!;
            if (value is not YamlMappingNode map)
            {
                throw new InvalidDataException($"{path}: '{code}' must map phrases to weights (line {value.Start.Line})");
            }

            var weights = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (p, w) in map.Children)
            {
                var phrase = TextNormalizer.Normalize(((YamlScalarNode)p).Value!);
                if (!double.TryParse(((YamlScalarNode)w).Value, System.Globalization.CultureInfo.InvariantCulture, out var weight))
                {
                    throw new InvalidDataException($"{path}: {code}.{phrase} weight is not a number (line {w.Start.Line})");
                }

                weights[phrase] = weight;
            }

            result[code] = weights;
        }

        return result;
    }

    private static UrgentRules LoadUrgent(string path)
    {
        var root = LoadYaml(path);
        List<string> List(string key) => OptionalList(key) ?? throw new InvalidDataException($"{path}: '{key}' must be a list");
        List<string>? OptionalList(string key) =>
            root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlSequenceNode seq
                ? seq.Children.Select(c => TextNormalizer.Normalize(((YamlScalarNode)c).Value!)).ToList()
                : null;
        if (!root.Children.TryGetValue(new YamlScalarNode("hazards"), out var hazardsNode) || hazardsNode is not YamlMappingNode hazards)
        {
            throw new InvalidDataException($"{path}: 'hazards' must map each hazard kind to a list of cues");
        }

        var kinds = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (kind, cues) in hazards.Children)
        {
            kinds[((YamlScalarNode)kind).Value!] = cues is YamlSequenceNode seq
                ? seq.Children.Select(c => TextNormalizer.Normalize(((YamlScalarNode)c).Value!)).ToList()
                : throw new InvalidDataException($"{path}: hazards.{kind} must be a list (line {cues.Start.Line})");
        }

        var corroborate = OptionalList("corroborate") ?? [];
        if (corroborate.FirstOrDefault(c => !kinds.Values.Any(k => k.Contains(c))) is { } stray)
        {
            throw new InvalidDataException($"{path}: corroborate cue '{stray}' is not a cue of any hazard kind");
        }

        var needsPerson = OptionalList("needsPerson") ?? [];
        if (needsPerson.FirstOrDefault(c => !kinds.Values.Any(k => k.Contains(c))) is { } strayPerson)
        {
            throw new InvalidDataException($"{path}: needsPerson cue '{strayPerson}' is not a cue of any hazard kind");
        }

        var ordinary = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (root.Children.TryGetValue(new YamlScalarNode("ordinary"), out var ordinaryNode) && ordinaryNode is YamlMappingNode ordinaryMap)
        {
            foreach (var (kind, words) in ordinaryMap.Children)
            {
                var name = ((YamlScalarNode)kind).Value!;
                ordinary[name] = kinds.ContainsKey(name) && words is YamlSequenceNode seq
                    ? seq.Children.Select(c => TextNormalizer.Normalize(((YamlScalarNode)c).Value!)).ToList()
                    : throw new InvalidDataException($"{path}: ordinary.{name} must be a list under a hazard kind (line {words.Start.Line})");
            }
        }

        var pairs = new List<UrgentPair>();
        if (root.Children.TryGetValue(new YamlScalarNode("pairs"), out var pairsNode) && pairsNode is YamlSequenceNode pairList)
        {
            foreach (var item in pairList.Children.OfType<YamlMappingNode>())
            {
                List<string> Words(string key) => item.Children.TryGetValue(new YamlScalarNode(key), out var n) && n is YamlSequenceNode seq
                    ? seq.Children.Select(c => TextNormalizer.Normalize(((YamlScalarNode)c).Value!)).ToList()
                    : throw new InvalidDataException($"{path}: pairs: '{key}' must be a list (line {item.Start.Line})");
                var kind = item.Children.TryGetValue(new YamlScalarNode("kind"), out var k) ? ((YamlScalarNode)k).Value! : "";
                var reach = item.Children.TryGetValue(new YamlScalarNode("reach"), out var r)
                    ? int.Parse(((YamlScalarNode)r).Value!, System.Globalization.CultureInfo.InvariantCulture)
                    : 20;
                pairs.Add(kinds.ContainsKey(kind)
                    ? new UrgentPair(kind, Words("with"), Words("signs"), reach)
                    : throw new InvalidDataException($"{path}: pairs: kind '{kind}' is not a hazard kind (line {item.Start.Line})"));
            }
        }

        return new UrgentRules(kinds, List("negations"), List("hypotheticals"), List("resolved"), List("nonUrgentContexts"))
        {
            Pairs = pairs,
            Ordinary = ordinary,
            NeedsPerson = needsPerson,
            Persons = OptionalList("persons") ?? [],
            Hedges = OptionalList("hedges") ?? [],
            Present = OptionalList("present") ?? ["现在", "至今"],
            Habitual = OptionalList("habitual") ?? [],
            Corroborate = corroborate,
            AllClear = OptionalList("allClear") ?? [],
            Past = OptionalList("past") ?? [],
            HypotheticalsAfter = OptionalList("hypotheticalsAfter") ?? [],
            Harmless = OptionalList("harmless") ?? [],
        };
    }

    private static YamlMappingNode LoadYaml(string path)
    {
        var stream = new YamlStream();
        using var reader = File.OpenText(path);
        try
        {
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidDataException($"{path}: {e.Message} (line {e.Start.Line})", e);
        }

        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new InvalidDataException($"{path}: expected a mapping at the top level");
    }
}
