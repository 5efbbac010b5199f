using System.Globalization;
using Guanjia.Core.Community;
using Guanjia.Core.Triage;

namespace Guanjia.Bench.Triage;

/// <summary>
/// What triage keeps in memory: managed bytes retained (<see cref="GC.GetTotalMemory(bool)"/> after a full
/// collection) by the segmenter's dictionary and by each shipped model, loaded one after the other in this process,
/// then by one prediction of each (the prediction engine and what it builds on first use).
/// Run from the repository root: dotnet run -c Release --project bench/Guanjia.Bench.Triage -- memory [model directory]
/// With <c>--pause</c> it waits for Enter at the end (take a heap dump then: dotnet-dump collect -p &lt;pid&gt; --type Heap).
/// </summary>
internal static class TriageMemory
{
    private const string Sample = "74号院门口垃圾桶满了，溢出来一地";

    public static int Run(string[] args)
    {
        if (args is ["--compare", var first, var second])
        {
            return Compare(first, second);
        }

        if (args is ["--segment", var output])
        {
            return Segment(output);
        }

        if (args is ["--dictionary", ..])
        {
            return CutDictionary(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : SegmenterDictionary.DefaultMinFrequency);
        }

        var root = TriageBenchmarks.FindRoot();
        var directory = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? Path.Combine(root, "config", "triage");
        var config = CommunityConfigLoader.Load(Path.Combine(root, "config", "community.yaml"));
        var codes = config.Categories.Select(c => c.Code).ToArray();
        var manifest = new TriageModelStore(directory).ShippedManifest() ?? throw new InvalidOperationException($"No model.json in {directory}.");
        var text = new ReportText(config, new PlaceResolver(config));

        var rows = new List<(string Part, long Bytes)>();
        var before = Retained();
        var start = before;
        void Step(string part)
        {
            var now = Retained();
            rows.Add((part, now - before));
            before = now;
        }

        ReportText.WarmUp();
        Step("segmenter (jieba.NET dictionary, HMM tables)");
        var input = text.Prepare(Sample);

        var models = new List<CategoryModel>();
        foreach (var (file, modelCodes, label) in new[]
        {
            (TriageModelStore.ModelFile, (IReadOnlyList<string>)manifest.Codes, "category"),
            (TriageModelStore.UrgencyFile, TriageModelStore.UrgencyCodes, "urgency"),
            (TriageModelStore.ConversationFile, TriageModelStore.ConversationCodes, "conversation"),
        })
        {
            var model = CategoryModel.Load(Path.Combine(directory, file), modelCodes, label == "category" ? codes : modelCodes);
            Step($"{label} model loaded ({file}, {new FileInfo(Path.Combine(directory, file)).Length / 1024} KB on disk)");
            _ = model.Probabilities(input);
            Step($"{label} model, first prediction (engine)");
            models.Add(model);
        }

        var total = Retained() - start;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Triage memory, models from {directory}"));
        foreach (var (part, bytes) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0,8:F1} MB  {part}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total / 1048576.0,8:F1} MB  triage in all (managed, retained after a full collection)"));
        if (args.Contains("--pause"))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}: press Enter to end"));
            Console.ReadLine();
        }

        GC.KeepAlive(models);
        GC.KeepAlive(text);
        return 0;
    }

    /// <summary>
    /// Reads every text of the corpus with the models of two directories and prints the largest difference of any
    /// probability and how many top classes differ: a change of how a model is stored must leave both at zero.
    /// </summary>
    private static int Compare(string first, string second)
    {
        var root = TriageBenchmarks.FindRoot();
        var config = CommunityConfigLoader.Load(Path.Combine(root, "config", "community.yaml"));
        var codes = config.Categories.Select(c => c.Code).ToArray();
        var text = new ReportText(config, new PlaceResolver(config));
        var inputs = TriageKnowledge.Load(Path.Combine(root, "config", "triage")).Examples
            .Select(e => text.Prepare(TextNormalizer.Normalize(e.Text))).ToList();
        var different = false;
        foreach (var (file, modelCodes) in new[]
        {
            (TriageModelStore.ModelFile, (IReadOnlyList<string>)codes),
            (TriageModelStore.UrgencyFile, TriageModelStore.UrgencyCodes),
            (TriageModelStore.ConversationFile, TriageModelStore.ConversationCodes),
        })
        {
            var a = CategoryModel.Load(Path.Combine(first, file), ManifestCodes(first, file, modelCodes), modelCodes);
            var b = CategoryModel.Load(Path.Combine(second, file), ManifestCodes(second, file, modelCodes), modelCodes);
            var maxDifference = 0.0;
            var topDiffers = 0;
            foreach (var input in inputs)
            {
                var p = a.Probabilities(input);
                var q = b.Probabilities(input);
                maxDifference = Math.Max(maxDifference, p.Zip(q, (x, y) => Math.Abs(x - y)).Max());
                topDiffers += Array.IndexOf(p, p.Max()) == Array.IndexOf(q, q.Max()) ? 0 : 1;
            }

            different |= topDiffers > 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file}: {inputs.Count} texts, largest probability difference {maxDifference:G3}, top class differs on {topDiffers}"));
        }

        return different ? 1 : 0;
    }

    /// <summary>
    /// Writes the words the classifiers read of every corpus text, one text a line, as the segmenter with the dictionary
    /// in this program's Resources/ cuts them: run it with two dictionaries and compare the files.
    /// </summary>
    private static int Segment(string output)
    {
        var root = TriageBenchmarks.FindRoot();
        var config = CommunityConfigLoader.Load(Path.Combine(root, "config", "community.yaml"));
        var text = new ReportText(config, new PlaceResolver(config));
        File.WriteAllLines(output, TriageKnowledge.Load(Path.Combine(root, "config", "triage")).Examples
            .Select(e => text.Prepare(TextNormalizer.Normalize(e.Text))).Select(i => $"{i.Chars}\t{i.Words}"));
        return 0;
    }

    /// <summary>Cuts jieba.NET's full dictionary (copied beside this program) into Guanjia.Core/Resources/dict.txt for the corpus.</summary>
    private static int CutDictionary(int minFrequency)
    {
        var root = TriageBenchmarks.FindRoot();
        var texts = TriageKnowledge.Load(Path.Combine(root, "config", "triage")).Examples.Select(e => TextNormalizer.Normalize(e.Text));
        var full = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "jieba", "dict.txt"));
        var output = Path.Combine(root, "Guanjia.Core", "Resources", "dict.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var lines = SegmenterDictionary.Cut(full, texts, minFrequency).ToList();
        File.WriteAllLines(output, lines);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{lines.Count - 1} words (of jieba's full list) → {output}"));
        return 0;
    }

    private static IReadOnlyList<string> ManifestCodes(string directory, string file, IReadOnlyList<string> codes) =>
        file == TriageModelStore.ModelFile ? new TriageModelStore(directory).ShippedManifest()!.Codes : codes;

    private static long Retained()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
