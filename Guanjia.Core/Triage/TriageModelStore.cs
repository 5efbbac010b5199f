using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Guanjia.Core.Triage;

/// <summary>What a trained category model was trained on, saved beside it as <c>model.json</c>.</summary>
public sealed record TriageModelManifest
{
    /// <summary>Bumped whenever the features or the trainer change, so a shipped model built the old way reads as stale.</summary>
    public const int CurrentTrainerVersion = 7;

    [JsonPropertyName("trainerVersion")]
    public int TrainerVersion { get; init; } = CurrentTrainerVersion;

    /// <summary>SHA-256 of the labelled examples (text and category) the model was trained on.</summary>
    [JsonPropertyName("corpusHash")]
    public required string CorpusHash { get; init; }

    [JsonPropertyName("examples")]
    public int Examples { get; init; }

    /// <summary>How many of the examples were secretaries' corrections (改类, re-派单).</summary>
    [JsonPropertyName("corrections")]
    public int Corrections { get; init; }

    [JsonPropertyName("trainedAt")]
    public DateTimeOffset TrainedAt { get; init; }

    /// <summary>The categories in the order of the model's score slots.</summary>
    [JsonPropertyName("codes")]
    public required IReadOnlyList<string> Codes { get; init; }

    /// <summary>The hash of the examples as the trainer sees them (version, then each text and category).</summary>
    public static string HashOf(IEnumerable<LabelledReport> examples)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"v{CurrentTrainerVersion}\n")));
        foreach (var e in examples)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{e.Text}\t{e.Category}\n"));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

/// <summary>A loaded category model and where it came from (<c>shipped</c>, <c>saved</c>, <c>trained</c>).</summary>
/// <param name="Model">The category model.</param>
/// <param name="Urgency">The learned urgency model (slots: calm, urgent), the second net under the cue rules.</param>
/// <param name="Conversation">The conversation gate (slots: report, conversation): is this message a report at all?</param>
/// <param name="Manifest">What they were trained on.</param>
/// <param name="Source">Where they came from.</param>
internal sealed record TriageModel(CategoryModel Model, CategoryModel Urgency, CategoryModel Conversation, TriageModelManifest Manifest, string Source);

/// <summary>
/// Where category models live: the one shipped in <c>config/triage/</c> (model.zip + model.json)
/// and the ones the nightly retraining saved under <c>data/triage/</c>, one folder per training,
/// written to a temporary folder and moved into place so a half-written model is never read.
/// The newest saved model wins over the shipped one.
/// </summary>
public sealed class TriageModelStore(string shippedDirectory, string? savedDirectory = null)
{
    public const string ModelFile = "model.zip";
    public const string UrgencyFile = "urgency.zip";
    public const string ConversationFile = "conversation.zip";
    public const string ManifestFile = "model.json";
    private const int KeepSaved = 3;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private static readonly ConcurrentDictionary<string, Lazy<CategoryModel>> Loaded = new(StringComparer.Ordinal);

    public string ShippedDirectory { get; } = shippedDirectory;

    public string? SavedDirectory { get; } = savedDirectory;

    /// <summary>The manifest shipped with the repository, or null when none is shipped.</summary>
    public TriageModelManifest? ShippedManifest() => ReadManifest(ShippedDirectory);

    /// <summary>The newest saved model that loads, else the shipped one, else null (then the caller trains).</summary>
    internal TriageModel? LoadNewest(IReadOnlyList<string> codes)
    {
        foreach (var directory in SavedModels())
        {
            if (TryLoad(directory, codes, "saved") is { } saved)
            {
                return saved;
            }
        }

        return TryLoad(ShippedDirectory, codes, "shipped");
    }

    /// <summary>Saves a newly trained model under the saved directory and returns its folder.</summary>
    internal string Save(TriageModel model)
    {
        var root = SavedDirectory ?? throw new InvalidOperationException("No directory to save triage models in.");
        Directory.CreateDirectory(root);
        var manifest = model.Manifest;
        var name = manifest.TrainedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var final = Path.Combine(root, name);
        var temporary = Path.Combine(root, $".{name}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporary);
        try
        {
            WriteTo(temporary, model);
            if (Directory.Exists(final))
            {
                Directory.Delete(final, recursive: true);
            }

            Directory.Move(temporary, final);
        }
        catch
        {
            Directory.Delete(temporary, recursive: true);
            throw;
        }

        foreach (var old in SavedModels().Skip(KeepSaved))
        {
            Directory.Delete(old, recursive: true);
        }

        return final;
    }

    /// <summary>Writes model.zip and model.json into a folder (the shipped model is written this way by triage-train).</summary>
    internal static void WriteTo(string directory, TriageModel model)
    {
        Directory.CreateDirectory(directory);
        model.Model.Save(Path.Combine(directory, ModelFile));
        model.Urgency.Save(Path.Combine(directory, UrgencyFile));
        model.Conversation.Save(Path.Combine(directory, ConversationFile));
        File.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(model.Manifest, Json) + "\n");
    }

    private IEnumerable<string> SavedModels() =>
        SavedDirectory is { } root && Directory.Exists(root)
            ? Directory.GetDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.')).OrderDescending(StringComparer.Ordinal)
            : [];

    private static TriageModel? TryLoad(string directory, IReadOnlyList<string> codes, string source)
    {
        var manifest = ReadManifest(directory);
        var path = Path.Combine(directory, ModelFile);
        if (manifest is null || !File.Exists(path) || !File.Exists(Path.Combine(directory, UrgencyFile))
            || !File.Exists(Path.Combine(directory, ConversationFile)) || manifest.TrainerVersion != TriageModelManifest.CurrentTrainerVersion)
        {
            return null;
        }

        try
        {
            // One load per model file per process: every host in a test run shares it (the models are thread-safe).
            var model = Cached(path, manifest.Codes, codes);
            var urgency = Cached(Path.Combine(directory, UrgencyFile), UrgencyCodes, UrgencyCodes);
            var conversation = Cached(Path.Combine(directory, ConversationFile), ConversationCodes, ConversationCodes);
            return new TriageModel(model, urgency, conversation, manifest, source);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or InvalidDataException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The urgency model's two slots.</summary>
    internal static readonly string[] UrgencyCodes = ["calm", "urgent"];

    /// <summary>The conversation gate's two slots.</summary>
    internal static readonly string[] ConversationCodes = ["report", LabelledReport.ConversationLabel];

    private static CategoryModel Cached(string path, IReadOnlyList<string> modelCodes, IReadOnlyList<string> codes)
    {
        var file = new FileInfo(path);
        var key = $"{file.FullName}|{file.LastWriteTimeUtc.Ticks}|{file.Length}|{string.Join(',', codes)}";
        return Loaded.GetOrAdd(key, _ => new Lazy<CategoryModel>(() => CategoryModel.Load(path, modelCodes, codes))).Value;
    }

    private static TriageModelManifest? ReadManifest(string directory)
    {
        var path = Path.Combine(directory, ManifestFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<TriageModelManifest>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
