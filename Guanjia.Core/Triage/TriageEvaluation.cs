using System.Globalization;
using System.Text;
using Guanjia.Core.Community;

namespace Guanjia.Core.Triage;

/// <summary>One report the triage got wrong somewhere, for the list of misses.</summary>
public sealed record TriageMiss(LabelledReport Report, TriageResult Result, string ExpectedDepartment);

/// <summary>Accuracy figures of triage over a labelled set.</summary>
public sealed record EvaluationReport(
    int Count,
    int CategoryCorrect,
    int Asked,
    int ConfidentlyWrongCategory,
    int DepartmentCorrect,
    int ConfidentlyWrongDepartment,
    int CompoundChecked,
    int CompoundCorrect,
    int UrgentTotal,
    int UrgentFound,
    int FalseUrgent,
    IReadOnlyList<TriageMiss> Misses,
    IReadOnlyList<(double Confidence, bool Correct)> Confidences)
{
    /// <summary>What the conversation gate read of each line (reports and conversation lines), when it was evaluated.</summary>
    public IReadOnlyList<GateLine> Gate { get; init; } = [];

    /// <summary>The best guess is the labelled category (asked or not).</summary>
    public double CategoryAccuracy => Ratio(CategoryCorrect, Count);

    /// <summary>The department the ticket is dispatched to (the community office when asked) is the labelled one.</summary>
    public double DepartmentAccuracy => Ratio(DepartmentCorrect, Count);

    public double AskedRate => Ratio(Asked, Count);

    public double ConfidentlyWrongCategoryRate => Ratio(ConfidentlyWrongCategory, Count);

    public double ConfidentlyWrongDepartmentRate => Ratio(ConfidentlyWrongDepartment, Count);

    public double CompoundAccuracy => CompoundChecked == 0 ? 1 : (double)CompoundCorrect / CompoundChecked;

    public double UrgentRecall => UrgentTotal == 0 ? 1 : (double)UrgentFound / UrgentTotal;

    public double UrgentPrecision => UrgentFound + FalseUrgent == 0 ? 1 : (double)UrgentFound / (UrgentFound + FalseUrgent);

    public static EvaluationReport Combine(IEnumerable<EvaluationReport> parts)
    {
        var list = parts.ToList();
        return new EvaluationReport(
            list.Sum(p => p.Count),
            list.Sum(p => p.CategoryCorrect),
            list.Sum(p => p.Asked),
            list.Sum(p => p.ConfidentlyWrongCategory),
            list.Sum(p => p.DepartmentCorrect),
            list.Sum(p => p.ConfidentlyWrongDepartment),
            list.Sum(p => p.CompoundChecked),
            list.Sum(p => p.CompoundCorrect),
            list.Sum(p => p.UrgentTotal),
            list.Sum(p => p.UrgentFound),
            list.Sum(p => p.FalseUrgent),
            [.. list.SelectMany(p => p.Misses)],
            [.. list.SelectMany(p => p.Confidences)])
        {
            Gate = [.. list.SelectMany(p => p.Gate)],
        };
    }

    /// <summary>The figures, one per line.</summary>
    public string Summary(string title)
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"{title}: n={Count}");
        sb.AppendLine(c, $"  category (best guess)      {CategoryAccuracy,7:P1} ({CategoryCorrect}/{Count})");
        sb.AppendLine(c, $"  department (as dispatched) {DepartmentAccuracy,7:P1} ({DepartmentCorrect}/{Count})");
        sb.AppendLine(c, $"  compound                   {CompoundAccuracy,7:P1} ({CompoundCorrect}/{CompoundChecked})");
        sb.AppendLine(c, $"  urgent recall              {UrgentRecall,7:P1} ({UrgentFound}/{UrgentTotal})");
        sb.AppendLine(c, $"  urgent precision           {UrgentPrecision,7:P1} ({UrgentFound}/{UrgentFound + FalseUrgent})");
        sb.AppendLine(c, $"  asked (secretaries pick)   {AskedRate,7:P1} ({Asked}/{Count})");
        sb.AppendLine(c, $"  confidently wrong category {ConfidentlyWrongCategoryRate,7:P1} ({ConfidentlyWrongCategory}/{Count})");
        sb.AppendLine(c, $"  confidently wrong dept.    {ConfidentlyWrongDepartmentRate,7:P1} ({ConfidentlyWrongDepartment}/{Count})");
        return sb.ToString();
    }

    /// <summary>Reliability: per confidence band, how often the best guess was right.</summary>
    public string Reliability()
    {
        var sb = new StringBuilder("  reliability (confidence band: n, accuracy)\n");
        double[] edges = [0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001];
        for (var i = 0; i < edges.Length - 1; i++)
        {
            var band = Confidences.Where(x => x.Confidence >= edges[i] && x.Confidence < edges[i + 1]).ToList();
            if (band.Count > 0)
            {
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"    [{edges[i]:0.00}, {Math.Min(edges[i + 1], 1):0.00}) n={band.Count,5} mean conf {band.Average(b => b.Confidence),6:P1} accuracy {band.Count(b => b.Correct) / (double)band.Count,6:P1}");
            }
        }

        return sb.ToString();
    }

    /// <summary>Expected category → best guess, counted, largest first (the diagonal left out).</summary>
    public string Confusions()
    {
        var sb = new StringBuilder("  confusions (expected → best guess ×n)\n");
        foreach (var g in Misses.Where(m => m.Report.Category != m.Result.BestGuessCode)
                     .GroupBy(m => $"{m.Report.Category} → {m.Result.BestGuessCode}")
                     .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"    {g.Key,-28} ×{g.Count()}");
        }

        return sb.ToString();
    }

    /// <summary>Every miss with what was expected and what came out.</summary>
    public string MissList()
    {
        var sb = new StringBuilder("  misses\n");
        var c = CultureInfo.InvariantCulture;
        foreach (var m in Misses)
        {
            var r = m.Result;
            var what = new List<string>();
            if (m.Report.Category != r.BestGuessCode)
            {
                what.Add($"category {m.Report.Category}→{r.BestGuessCode}{(r.LowConfidence ? " (asked)" : "")} p={r.Confidence:0.00}");
            }

            if (m.ExpectedDepartment != r.DepartmentId)
            {
                what.Add($"department {m.ExpectedDepartment}→{r.DepartmentId}");
            }

            if (m.Report.From is not null && m.Report.Compound != r.CompoundId)
            {
                what.Add($"compound {m.Report.Compound ?? "null"}→{r.CompoundId ?? "null"}");
            }

            if (m.Report.Urgent != r.Urgent)
            {
                what.Add(m.Report.Urgent ? "urgent MISSED" : $"false urgent ({r.UrgentCue ?? "category"})");
            }

            sb.AppendLine(c, $"    {string.Join("; ", what)}: {m.Report.Text}");
        }

        return sb.ToString();
    }

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}

/// <summary>Measures triage honestly: on a labelled set never trained on, and by k-fold cross-validation.</summary>
public static class TriageEvaluation
{
    // The urgency thresholds Tune scores (2.0 = the learned model never decides alone).
    private static readonly double[] LearnedGrid = [2.0, 0.6, 0.5, 0.45, 0.4, 0.3];
    private static readonly double[] CorroborateGrid = [0.0, 0.05, 0.1, 0.2];
    private static readonly double[] AlwaysUrgentGrid = [0.0, 0.05, 0.1, 0.2];

    public static EvaluationReport Evaluate(TicketTriage triage, CommunityConfig config, IEnumerable<LabelledReport> reports, IEnumerable<LabelledReport>? conversation = null)
    {
        var gate = new List<GateLine>();
        int count = 0, categoryCorrect = 0, asked = 0, wrongCategory = 0, departmentCorrect = 0, wrongDepartment = 0;
        int compoundChecked = 0, compoundCorrect = 0, urgentTotal = 0, urgentFound = 0, falseUrgent = 0;
        var misses = new List<TriageMiss>();
        var confidences = new List<(double, bool)>();
        foreach (var report in reports)
        {
            var (reporter, community) = SenderOf(config, report);
            var result = triage.Triage(report.Text, reporter, community, conversation: conversation is not null);
            if (conversation is not null)
            {
                gate.Add(new GateLine(false, report.Text, result));
            }

            var expectedDepartment = report.Department ?? ExpectedDepartment(config, report, community);
            count++;
            var categoryOk = result.BestGuessCode == report.Category;
            var departmentOk = result.DepartmentId == expectedDepartment;
            var compoundOk = reporter is null || result.CompoundId == report.Compound;
            categoryCorrect += categoryOk ? 1 : 0;
            asked += result.LowConfidence ? 1 : 0;
            wrongCategory += !result.LowConfidence && !categoryOk ? 1 : 0;
            departmentCorrect += departmentOk ? 1 : 0;
            wrongDepartment += !result.LowConfidence && !departmentOk ? 1 : 0;
            confidences.Add((result.Confidence, categoryOk));
            if (reporter is not null)
            {
                compoundChecked++;
                compoundCorrect += compoundOk ? 1 : 0;
            }

            if (report.Urgent)
            {
                urgentTotal++;
                urgentFound += result.Urgent ? 1 : 0;
            }
            else if (result.Urgent)
            {
                falseUrgent++;
            }

            if (!categoryOk || !departmentOk || !compoundOk || report.Urgent != result.Urgent)
            {
                misses.Add(new TriageMiss(report, result, expectedDepartment));
            }
        }

        gate.AddRange((conversation ?? []).Select(line => new GateLine(true, line.Text, GateTriage(triage, config, line))));
        return new EvaluationReport(count, categoryCorrect, asked, wrongCategory, departmentCorrect, wrongDepartment,
            compoundChecked, compoundCorrect, urgentTotal, urgentFound, falseUrgent, misses, confidences)
        {
            Gate = gate,
        };
    }

    /// <summary>The conversation gate's reading of labelled lines (conversation or reports) with the model in use.</summary>
    public static IReadOnlyList<GateLine> EvaluateGate(TicketTriage triage, CommunityConfig config, IEnumerable<LabelledReport> lines) =>
        [.. lines.Select(line => new GateLine(line.Category == LabelledReport.ConversationLabel, line.Text, GateTriage(triage, config, line)))];

    private static TriageResult GateTriage(TicketTriage triage, CommunityConfig config, LabelledReport line)
    {
        var (reporter, community) = SenderOf(config, line);
        return triage.Triage(line.Text, reporter, community, conversation: true);
    }

    // Who wrote a labelled line and in which community (its own, the writer's, else the first).
    private static (Person? Reporter, CommunityInfo Community) SenderOf(CommunityConfig config, LabelledReport line)
    {
        var reporter = line.From is null ? null : config.FindPerson(line.From);
        var community = (line.Community ?? reporter?.CommunityId) is { } id ? config.FindCommunity(id) : null;
        return (reporter, community ?? config.Communities[0]);
    }

    /// <summary>
    /// k-fold cross-validation: the reports are dealt round-robin into k folds (deterministic);
    /// each fold is triaged by a model trained on the other k−1 folds with the same phrases and rules.
    /// </summary>
    /// <remarks>
    /// The conversation lines of the knowledge are dealt into k folds of their own the same way (the reports' folds do not
    /// change), and each fold's conversation gate is evaluated on its held-back reports and conversation lines.
    /// </remarks>
    public static EvaluationReport CrossValidate(CommunityConfig config, TriageKnowledge knowledge, IReadOnlyList<LabelledReport> reports, int k, ClassifierSettings? settings = null)
    {
        var parts = new List<EvaluationReport>();
        var conversation = ConversationLines(knowledge);
        for (var fold = 0; fold < k; fold++)
        {
            var test = reports.Where((_, i) => i % k == fold).ToList();
            var triage = new TicketTriage(config, knowledge with { Examples = TrainingFold(reports, conversation, k, fold) }, store: null, settings);
            parts.Add(Evaluate(triage, config, test, conversation.Where((_, i) => i % k == fold)));
        }

        return EvaluationReport.Combine(parts);
    }

    /// <summary>
    /// Chooses the classifier settings by cross-validation: out-of-fold model probabilities are
    /// collected once, then every phrase weight, temperature and ask threshold of the grid is
    /// scored on them. Prints one line per setting; returns the out-of-fold log-loss best setting's line.
    /// </summary>
    public static string Tune(CommunityConfig config, TriageKnowledge knowledge, IReadOnlyList<LabelledReport> reports, int k)
    {
        var outOfFold = new List<(string Label, double[] Model, string Stripped, bool Urgent, UrgencySignal Urgency, bool Always)>();
        CategoryClassifier? classifier = null;
        var conversation = ConversationLines(knowledge);
        for (var fold = 0; fold < k; fold++)
        {
            var triage = new TicketTriage(config, knowledge with { Examples = TrainingFold(reports, conversation, k, fold) });
            classifier = triage.Classifier;
            foreach (var report in reports.Where((_, i) => i % k == fold))
            {
                var (model, stripped, urgency) = triage.Explain(report.Text);
                outOfFold.Add((report.Category, model, stripped, report.Urgent, urgency, config.FindCategory(report.Category)?.AlwaysUrgent ?? false));
            }
        }

        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var codes = classifier!.Codes;
        foreach (var weight in new[] { 0.0, 0.25, 0.5, 1.0 })
        {
            foreach (var temperature in new[] { 0.5, 0.75, 1.0, 1.5 })
            {
                var settings = new ClassifierSettings(weight, temperature, 0, 0);
                var scored = outOfFold.Select(o =>
                {
                    var p = classifier.Combine(o.Stripped, o.Model, settings);
                    var best = Array.IndexOf(p, p.Max());
                    var truth = codes.ToList().IndexOf(o.Label);
                    return (Confidence: p[best], Correct: codes[best] == o.Label, LogLoss: -Math.Log(Math.Max(truth < 0 ? 1e-9 : p[truth], 1e-9)));
                }).ToList();
                sb.Append(c, $"phrases×{weight:0.00} T={temperature:0.00}: accuracy {scored.Count(s => s.Correct) / (double)scored.Count:P1}, log-loss {scored.Average(s => s.LogLoss):0.000}; ask below →");
                foreach (var threshold in new[] { 0.4, 0.5, 0.6, 0.7 })
                {
                    var askedN = scored.Count(s => s.Confidence < threshold);
                    var wrong = scored.Count(s => s.Confidence >= threshold && !s.Correct);
                    sb.Append(c, $" {threshold:0.0}: asked {askedN / (double)scored.Count:P1} wrong {wrong / (double)scored.Count:P1};");
                }

                sb.AppendLine();
            }
        }

        // Urgency: the cue rules alone, then with the learned model from each threshold, cues needing
        // corroboration from each of theirs (the labelled category's alwaysUrgent applied as in triage).
        foreach (var (threshold, corroborate, always) in
            from t in LearnedGrid
            from co in CorroborateGrid
            from a in AlwaysUrgentGrid
            select (t, co, a))
        {
            var settings = ClassifierSettings.Default with { UrgentAbove = threshold, CorroborateAbove = corroborate, AlwaysUrgentAbove = always };
            var said = outOfFold.Select(o => (Labelled: o.Urgent, Found: TicketTriage.Decide(o.Urgency, o.Always, settings) != UrgencyReason.None)).ToList();
            var total = said.Count(s => s.Labelled);
            var found = said.Count(s => s.Labelled && s.Found);
            var falseUrgent = said.Count(s => !s.Labelled && s.Found);
            sb.AppendLine(c, $"urgent: rules{(threshold > 1 ? " only" : $" + learned ≥ {threshold:0.00}")}, corroborated ≥ {corroborate:0.00}, always-urgent category ≥ {always:0.00}: recall {found / (double)Math.Max(1, total):P1} ({found}/{total}), precision {found / (double)Math.Max(1, found + falseUrgent):P1}");
        }

        return sb.ToString();
    }

    /// <summary>
    /// Writes, per report, what the decision reads out of fold (model probabilities, the urgency signals,
    /// the learned urgency probability) as JSON lines, for studying the urgency and category decisions offline.
    /// </summary>
    public static void DumpOutOfFold(CommunityConfig config, TriageKnowledge knowledge, IReadOnlyList<LabelledReport> reports, int k, TextWriter output)
    {
        var conversation = ConversationLines(knowledge);
        for (var fold = 0; fold < k; fold++)
        {
            var triage = new TicketTriage(config, knowledge with { Examples = TrainingFold(reports, conversation, k, fold) });
            Dump(triage, config, reports.Where((_, i) => i % k == fold), output);
        }
    }

    /// <summary>What the decision reads of each report with the model of <paramref name="triage"/> (as <see cref="DumpOutOfFold"/>): for a file never trained on.</summary>
    public static void Dump(TicketTriage triage, CommunityConfig config, IEnumerable<LabelledReport> reports, TextWriter output)
    {
        foreach (var report in reports)
        {
            var (model, stripped, urgency) = triage.Explain(report.Text);
            var combined = triage.Classifier.Combine(stripped, model, triage.Settings);
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                text = report.Text,
                category = report.Category,
                urgent = report.Urgent,
                model,
                combined,
                cue = urgency.Cue?.Cue,
                kind = urgency.Cue?.Kind,
                corroborate = urgency.Cue?.Corroborate ?? false,
                quiet = urgency.Quiet,
                namesCue = urgency.NamesCue,
                allClear = urgency.AllClear,
                learned = urgency.Learned,
                always = config.FindCategory(report.Category)?.AlwaysUrgent ?? false,
                found = TicketTriage.Decide(urgency, config.FindCategory(report.Category)?.AlwaysUrgent ?? false, triage.Settings) != UrgencyReason.None,
            }));
        }
    }

    /// <summary>
    /// The urgency rules of <paramref name="knowledge"/> read again over out-of-fold signals written by <see cref="DumpOutOfFold"/>
    /// (the learned probabilities are the dump's, no model is trained): recall and precision with <paramref name="settings"/>,
    /// with <paramref name="misses"/> every false alarm and missed emergency with why, and with <paramref name="grid"/>
    /// the thresholds scored by a cost where a missed emergency weighs <paramref name="missCost"/> false alarms.
    /// </summary>
    public static string Rescore(TriageKnowledge knowledge, IEnumerable<string> dumpLines, ClassifierSettings settings, bool misses, bool grid, double missCost = 10)
    {
        var detector = new UrgencyDetector(knowledge.Urgent);
        var lines = dumpLines.Where(l => l.Length > 0).Select(l =>
        {
            using var json = System.Text.Json.JsonDocument.Parse(l);
            var r = json.RootElement;
            var text = r.GetProperty("text").GetString() ?? "";
            var learned = r.GetProperty("learned").GetDouble();
            var signal = TicketTriage.UrgencySignals(detector, TextNormalizer.Normalize(text), () => learned);
            return (Text: text, Category: r.GetProperty("category").GetString() ?? "", Urgent: r.GetProperty("urgent").GetBoolean(), Always: r.GetProperty("always").GetBoolean(), Signal: signal);
        }).ToList();

        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var decided = lines.Select(x => (Line: x, Reason: TicketTriage.Decide(x.Signal, x.Always, settings))).ToList();
        sb.AppendLine(c, $"rescored {lines.Count}: {UrgencyFigures(decided.Select(d => (d.Line.Urgent, d.Reason != UrgencyReason.None)))}");
        if (misses)
        {
            foreach (var (line, reason) in decided.Where(d => d.Line.Urgent != (d.Reason != UrgencyReason.None)).OrderBy(d => d.Line.Urgent).ThenBy(d => d.Reason))
            {
                var s = line.Signal;
                var why = line.Urgent
                    ? $"MISSED{(s.NamesCue ? " names a cue" : "")}{(s.Cue is { } m ? $" cue {m.Cue}/{m.Kind}{(m.Corroborate ? " (corroborate)" : "")}" : "")}{(s.Quiet ? " quiet" : "")}{(s.AllClear ? " all-clear" : "")}"
                    : $"FALSE {reason}{(s.Cue is { } f ? $" {f.Cue}/{f.Kind}{(f.Corroborate ? " corroborated" : "")}{(f.Weak ? " weak" : "")}" : "")}{(line.Always ? " always-urgent" : "")}";
                sb.AppendLine(c, $"  {why} learned {s.Learned:0.00} [{line.Category}] {line.Text}");
            }
        }

        if (grid)
        {
            var scored = new List<(double Cost, string Line)>();
            foreach (var learned in new[] { 2.0, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2 })
            {
                foreach (var corroborate in new[] { 0.0, 0.05, 0.1, 0.15, 0.2, 0.3 })
                {
                    foreach (var always in new[] { 0.0, 0.05, 0.1, 0.2, 0.3 })
                    {
                        var t = settings with { UrgentAbove = learned, CorroborateAbove = corroborate, AlwaysUrgentAbove = always };
                        var said = lines.Select(x => (x.Urgent, TicketTriage.Decide(x.Signal, x.Always, t) != UrgencyReason.None)).ToList();
                        var missed = said.Count(z => z.Urgent && !z.Item2);
                        var falseAlarms = said.Count(z => !z.Urgent && z.Item2);
                        scored.Add((missCost * missed + falseAlarms, $"learned ≥ {learned:0.00}, corroborated ≥ {corroborate:0.00}, always ≥ {always:0.00}: cost {missCost * missed + falseAlarms}, {UrgencyFigures(said)}"));
                    }
                }
            }

            foreach (var (_, line) in scored.OrderBy(x => x.Cost).Take(15))
            {
                sb.AppendLine(c, $"  {line}");
            }
        }

        return sb.ToString();
    }

    private static string UrgencyFigures(IEnumerable<(bool Labelled, bool Found)> said)
    {
        var list = said.ToList();
        var total = list.Count(s => s.Labelled);
        var found = list.Count(s => s.Labelled && s.Found);
        var flagged = list.Count(s => s.Found);
        return string.Create(CultureInfo.InvariantCulture, $"recall {found / (double)Math.Max(1, total):P1} ({found}/{total}), precision {found / (double)Math.Max(1, flagged):P1} ({found}/{flagged}), missed {total - found}, false alarms {flagged - found}");
    }

    private static List<LabelledReport> ConversationLines(TriageKnowledge knowledge) =>
        [.. knowledge.Examples.Where(e => e.Category == LabelledReport.ConversationLabel)];

    // A fold's training set: the other folds' reports, then the other folds' conversation lines.
    private static List<LabelledReport> TrainingFold(IReadOnlyList<LabelledReport> reports, List<LabelledReport> conversation, int k, int fold) =>
        [.. reports.Where((_, i) => i % k != fold), .. conversation.Where((_, i) => i % k != fold)];

    /// <summary>The labelled department: the labelled category routed with the labelled compound.</summary>
    private static string ExpectedDepartment(CommunityConfig config, LabelledReport report, CommunityInfo community)
    {
        var category = config.FindCategory(report.Category) ?? config.OtherCategory;
        var compound = report.Compound is { } id ? config.FindCompound(id) : null;
        return Router.Route(category, compound, community);
    }
}
