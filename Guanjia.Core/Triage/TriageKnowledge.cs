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

    /// <summary>Every cue of every kind.</summary>
    public IReadOnlyList<string> Cues => [.. Hazards.Values.SelectMany(c => c)];
}

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

        return new UrgentRules(kinds, List("negations"), List("hypotheticals"), List("resolved"), List("nonUrgentContexts"))
        {
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
