using System.Globalization;
using Guanjia.Core.Messages;
using Guanjia.Core.Tests.Triage;
using Guanjia.Core.Triage;
using Xunit.Abstractions;

namespace Guanjia.Core.Tests.Messages;

/// <summary>
/// The conversation gate (shipped models) against the training corpus (config/triage/corpus): its conversation
/// lines are answered, its reports are filed. Trained on, so these are floors that catch a broken gate, not figures;
/// the figures are cross-validated (triage-eval --cv, docs/triage.md). The held-out set is only measured, in
/// <see cref="HeldOutMessageFigures"/>.
/// </summary>
public sealed class CorpusConversationTests(TriageFixture fixture, ITestOutputHelper output) : IClassFixture<TriageFixture>
{
    private List<LabelledReport> Lines(bool conversation) =>
        [.. fixture.Knowledge.Examples.Where(e => (e.Category == LabelledReport.ConversationLabel) == conversation && (conversation || fixture.Config.FindCategory(e.Category) is not null))];

    private bool Talk(LabelledReport line)
    {
        var person = line.From is null ? null : fixture.Config.FindPerson(line.From);
        var community = fixture.Config.FindCommunity(line.Community ?? person?.CommunityId ?? "") ?? fixture.Config.Communities[0];
        return ConversationGate.Decide(line.Text, fixture.Triage.Triage(line.Text, person, community, conversation: true), photo: false) is not null;
    }

    [Fact]
    public void CorpusConversation_IsAnswered()
    {
        var lines = Lines(conversation: true);
        var missed = lines.Where(l => !Talk(l)).ToList();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"conversation answered: {lines.Count - missed.Count}/{lines.Count}"));
        foreach (var line in missed)
        {
            output.WriteLine("filed: " + line.Text);
        }

        Assert.True(lines.Count > 0);
        Assert.True(missed.Count <= lines.Count * 0.05, $"{missed.Count} of {lines.Count} filed");
    }

    [Fact]
    public void CorpusReports_AreFiled()
    {
        var lines = Lines(conversation: false);
        var taken = lines.Where(Talk).ToList();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reports taken for chat: {taken.Count}/{lines.Count}"));
        foreach (var line in taken)
        {
            output.WriteLine("taken: " + line.Text);
        }

        Assert.True(lines.Count > 0);
        Assert.True(taken.Count <= lines.Count * 0.007, $"{taken.Count} of {lines.Count} reports taken for chat");
    }
}
