using System.Diagnostics;
using System.Globalization;
using Guanjia.Core.Community;
using Guanjia.Core.Triage;

namespace Guanjia.Bot.Triage;

/// <summary>
/// <c>dotnet run --project Guanjia.Bot -- triage-eval &lt;file.jsonl&gt;</c>: figures of the shipped model on a labelled set;
/// <c>triage-eval --cv [k] [--tune]</c>: k-fold cross-validation over the training corpus (and the settings grid);
/// <c>triage-train</c>: retrains the shipped model (config/triage/model.zip + model.json) from the corpus.
/// Run from the repository root (dotnet run does that).
/// </summary>
internal static class TriageCommands
{
    private const string CommunityFile = "config/community.yaml";
    private const string KnowledgeDirectory = "config/triage";

    public static async Task<int> EvalAsync(string[] args, TextWriter output)
    {
        var config = CommunityConfigLoader.Load(CommunityFile);
        var c = CultureInfo.InvariantCulture;
        if (args is ["--cv", ..])
        {
            var k = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 5;
            var knowledge = TriageKnowledge.Load(KnowledgeDirectory);
            var corpus = knowledge.Examples.Where(e => config.FindCategory(e.Category) is not null).ToList();
            if (Array.IndexOf(args, "--dump") is var d and >= 0 && d + 1 < args.Length)
            {
                using var dump = File.CreateText(args[d + 1]);
                TriageEvaluation.DumpOutOfFold(config, knowledge, corpus, k, dump);
                return 0;
            }

            if (args.Contains("--tune"))
            {
                await output.WriteAsync(TriageEvaluation.Tune(config, knowledge, corpus, k));
                if (args.Contains("--tune-only"))
                {
                    return 0;
                }
            }

            var cv = TriageEvaluation.CrossValidate(config, knowledge, corpus, k);
            await output.WriteAsync(cv.Summary($"{k}-fold cross-validation over the training corpus"));
            await output.WriteAsync(cv.Reliability());
            await output.WriteAsync(cv.Confusions());
            await output.WriteAsync(GateEvaluation.Summary(cv.Gate, args.Contains("--misses")));
            if (args.Contains("--misses"))
            {
                await output.WriteAsync(cv.MissList());
            }

            return 0;
        }

        if (args is ["--rescore", var dumpFile, ..] && File.Exists(dumpFile))
        {
            // The urgency rules as they are now over out-of-fold signals dumped before (no training): for iterating on cues.
            var knowledge = TriageKnowledge.Load(KnowledgeDirectory);
            await output.WriteAsync(TriageEvaluation.Rescore(knowledge, File.ReadLines(dumpFile), ClassifierSettings.Default, args.Contains("--misses"), args.Contains("--grid")));
            return 0;
        }

        if (args is ["--gate", .. var files] && files.Length > 0 && files.All(File.Exists))
        {
            // The shipped gate on labelled lines it was not trained on (conversation lines and reports).
            var shipped = TicketTriage.Create(config, KnowledgeDirectory);
            await shipped.WhenReady;
            var lines = files.SelectMany(LabelledReport.ReadJsonLines).ToList();
            await output.WriteAsync(GateEvaluation.Summary(TriageEvaluation.EvaluateGate(shipped, config, lines), misses: true));
            return 0;
        }

        if (args is not [var file, ..] || !File.Exists(file))
        {
            await output.WriteLineAsync("用法：dotnet run --project Guanjia.Bot -- triage-eval <文件.jsonl> [--dump 输出.jsonl] | --cv [折数] [--tune [--tune-only]] [--misses] | --gate <文件.jsonl>… | --rescore <dump.jsonl> [--misses] [--grid]");
            return 2;
        }

        var watch = Stopwatch.StartNew();
        var triage = TicketTriage.Create(config, KnowledgeDirectory);
        var constructed = watch.Elapsed;
        await triage.WhenReady;
        var loaded = watch.Elapsed;
        await output.WriteLineAsync(string.Create(c,
            $"model: {triage.ModelSource}, {triage.ModelManifest.Examples} examples, corpus {triage.ModelManifest.CorpusHash[..12]}; constructed in {constructed.TotalMilliseconds:F0} ms, model ready after {loaded.TotalMilliseconds:F0} ms"));
        var reports = LabelledReport.ReadJsonLines(file);
        if (Array.IndexOf(args, "--dump") is var fd and >= 0 && fd + 1 < args.Length)
        {
            // What the decision reads of each report with the shipped model, for --rescore.
            using var dump = File.CreateText(args[fd + 1]);
            TriageEvaluation.Dump(triage, config, reports, dump);
            return 0;
        }

        watch.Restart();
        var report = TriageEvaluation.Evaluate(triage, config, reports);
        await output.WriteLineAsync(string.Create(c, $"triage: {watch.Elapsed.TotalMilliseconds / Math.Max(1, reports.Count):F2} ms per report (wall clock, includes evaluation)"));
        await output.WriteAsync(report.Summary(Path.GetFileName(file)));
        await output.WriteAsync(report.Reliability());
        await output.WriteAsync(report.Confusions());
        await output.WriteAsync(report.MissList());
        return 0;
    }

    public static async Task<int> TrainAsync(TextWriter output)
    {
        var config = CommunityConfigLoader.Load(CommunityFile);
        var watch = Stopwatch.StartNew();
        var manifest = TriageTraining.TrainShipped(config, KnowledgeDirectory, TimeProvider.System);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"trained on {manifest.Examples} examples in {watch.Elapsed.TotalSeconds:F1} s → {KnowledgeDirectory}/{TriageModelStore.ModelFile} (corpus {manifest.CorpusHash[..12]})"));
        return 0;
    }
}
