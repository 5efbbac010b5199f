using Guanjia.Core.Triage;
using Xunit.Abstractions;

namespace Guanjia.Core.Tests.Triage;

/// <summary>
/// Honest figures: the dev reports are never trained on here (they are the unseen set), and
/// cross-validation trains on k−1 folds of examples ∪ dev. Floors are what was reached minus a margin.
/// Run: dotnet test tests/Guanjia.Core.Tests --filter TriageEvaluation --logger "console;verbosity=detailed"
/// </summary>
public sealed class TriageEvaluationTests(TriageFixture fixture, ITestOutputHelper output) : IClassFixture<TriageFixture>
{
    [Fact]
    public void DevReports_TrainedOnExamplesOnly_MeetFloors()
    {
        var dev = LabelledReport.ReadJsonLines(RepoPaths.DevReports);
        var report = TriageEvaluation.Evaluate(fixture.Triage, fixture.Config, dev);
        output.WriteLine(report.Summary("dev (trained on examples.jsonl only)"));

        Assert.Equal(50, report.Count);
        Assert.True(report.CategoryAccuracy >= 0.94, $"category accuracy {report.CategoryAccuracy:P1}");
        Assert.True(report.CompoundAccuracy >= 0.98, $"compound accuracy {report.CompoundAccuracy:P1}");
        Assert.Equal(1.0, report.UrgentRecall);
    }

    [Fact]
    public void CrossValidation_OverExamplesAndDev_MeetsFloors()
    {
        var all = fixture.Knowledge.Examples.Concat(LabelledReport.ReadJsonLines(RepoPaths.DevReports)).ToList();
        var report = TriageEvaluation.CrossValidate(fixture.Config, fixture.Knowledge, all, k: 10);
        output.WriteLine(report.Summary($"10-fold cross-validation over examples ∪ dev"));

        Assert.True(report.CategoryAccuracy >= 0.92, $"category accuracy {report.CategoryAccuracy:P1}");
        Assert.True(report.CompoundAccuracy >= 0.98, $"compound accuracy {report.CompoundAccuracy:P1}");
        Assert.True(report.UrgentRecall >= 0.98, $"urgent recall {report.UrgentRecall:P1}");
    }

    [Fact]
    public void Examples_TrainingSetItself_IsFitWell()
    {
        var report = TriageEvaluation.Evaluate(fixture.Triage, fixture.Config, fixture.Knowledge.Examples);
        output.WriteLine(report.Summary("examples.jsonl (training set, for reference)"));

        Assert.True(report.CategoryAccuracy >= 0.95, $"category accuracy {report.CategoryAccuracy:P1}");
    }
}
