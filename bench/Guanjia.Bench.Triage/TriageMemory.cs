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

    private static long Retained()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
