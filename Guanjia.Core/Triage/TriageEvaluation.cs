using System.Globalization;
using System.Text;
using Guanjia.Core.Community;

namespace Guanjia.Core.Triage;

/// <summary>Accuracy figures of triage over a labelled set.</summary>
public sealed record EvaluationReport(
    int Count,
    int CategoryCorrect,
    int CompoundChecked,
    int CompoundCorrect,
    int UrgentTotal,
    int UrgentFound,
    int FalseUrgent,
    IReadOnlyList<(string Expected, string Actual, string Text)> CategoryErrors,
    IReadOnlyList<(string? Expected, string? Actual, string Text)> CompoundErrors)
{
    public double CategoryAccuracy => Count == 0 ? 0 : (double)CategoryCorrect / Count;

    public double CompoundAccuracy => CompoundChecked == 0 ? 1 : (double)CompoundCorrect / CompoundChecked;

    public double UrgentRecall => UrgentTotal == 0 ? 1 : (double)UrgentFound / UrgentTotal;

    public static EvaluationReport Combine(IEnumerable<EvaluationReport> parts)
    {
        var list = parts.ToList();
        return new EvaluationReport(
            list.Sum(p => p.Count),
            list.Sum(p => p.CategoryCorrect),
            list.Sum(p => p.CompoundChecked),
            list.Sum(p => p.CompoundCorrect),
            list.Sum(p => p.UrgentTotal),
            list.Sum(p => p.UrgentFound),
            list.Sum(p => p.FalseUrgent),
            list.SelectMany(p => p.CategoryErrors).ToList(),
            list.SelectMany(p => p.CompoundErrors).ToList());
    }

    public string Summary(string title)
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"{title}: n={Count}");
        sb.AppendLine(c, $"  category accuracy {CategoryAccuracy:P1} ({CategoryCorrect}/{Count})");
        sb.AppendLine(c, $"  compound accuracy {CompoundAccuracy:P1} ({CompoundCorrect}/{CompoundChecked})");
        sb.AppendLine(c, $"  urgent recall     {UrgentRecall:P1} ({UrgentFound}/{UrgentTotal}), false urgent {FalseUrgent}");
        foreach (var pair in CategoryErrors.GroupBy(e => $"{e.Expected} → {e.Actual}").OrderByDescending(g => g.Count()))
        {
            sb.AppendLine(c, $"  confused {pair.Key} ×{pair.Count()}: {string.Join(" | ", pair.Select(e => e.Text))}");
        }

        foreach (var e in CompoundErrors)
        {
            sb.AppendLine(c, $"  compound {e.Expected ?? "null"} → {e.Actual ?? "null"}: {e.Text}");
        }

        return sb.ToString();
    }
}

/// <summary>Measures triage honestly: on a held-out set, and by k-fold cross-validation.</summary>
public static class TriageEvaluation
{
    public static EvaluationReport Evaluate(TicketTriage triage, CommunityConfig config, IEnumerable<LabelledReport> reports)
    {
        int count = 0, categoryCorrect = 0, compoundChecked = 0, compoundCorrect = 0, urgentTotal = 0, urgentFound = 0, falseUrgent = 0;
        var categoryErrors = new List<(string, string, string)>();
        var compoundErrors = new List<(string?, string?, string)>();
        foreach (var report in reports)
        {
            var reporter = report.From is null ? null : config.FindPerson(report.From);
            var community = (report.Community ?? reporter?.CommunityId) is { } id ? config.FindCommunity(id) : null;
            community ??= config.Communities[0];
            var result = triage.Triage(report.Text, reporter, community);
            count++;
            if (result.CategoryCode == report.Category)
            {
                categoryCorrect++;
            }
            else
            {
                categoryErrors.Add((report.Category, result.CategoryCode, report.Text));
            }

            if (reporter is not null)
            {
                compoundChecked++;
                if (result.CompoundId == report.Compound)
                {
                    compoundCorrect++;
                }
                else
                {
                    compoundErrors.Add((report.Compound, result.CompoundId, report.Text));
                }
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
        }

        return new EvaluationReport(count, categoryCorrect, compoundChecked, compoundCorrect, urgentTotal, urgentFound, falseUrgent, categoryErrors, compoundErrors);
    }

    /// <summary>
    /// k-fold cross-validation: the reports are dealt round-robin into k folds (deterministic);
    /// each fold is triaged by a model trained on the other k−1 folds and the same phrases and rules.
    /// </summary>
    public static EvaluationReport CrossValidate(CommunityConfig config, TriageKnowledge knowledge, IReadOnlyList<LabelledReport> reports, int k)
    {
        var parts = new List<EvaluationReport>();
        for (var fold = 0; fold < k; fold++)
        {
            var test = reports.Where((_, i) => i % k == fold).ToList();
            var train = reports.Where((_, i) => i % k != fold).ToList();
            var triage = new TicketTriage(config, knowledge with { Examples = train });
            parts.Add(Evaluate(triage, config, test));
        }

        return EvaluationReport.Combine(parts);
    }
}
