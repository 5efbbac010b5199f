using System.Globalization;
using System.Text.Json;
using Guanjia.Core.Messages;
using Xunit.Abstractions;

namespace Guanjia.Core.Tests.Messages;

/// <summary>
/// The small-talk rule against the training corpus (config/triage/corpus): its conversation lines
/// are recognised, its reports are not. The held-out set is only measured, in <see cref="HeldOutMessageFigures"/>.
/// </summary>
public sealed class CorpusConversationTests(ITestOutputHelper output)
{
    private static IEnumerable<string> Texts(string pattern) =>
        Directory.GetFiles(Path.Combine(RepoPaths.TriageKnowledge, "corpus"), pattern)
            .SelectMany(File.ReadLines)
            .Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!);

    [Fact]
    public void CorpusConversation_IsRecognisedAsSmallTalk()
    {
        var lines = Texts("conversation-*.jsonl").ToList();
        var missed = lines.Where(t => !ConversationRecognizer.TryRecognize(t, out _)).ToList();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"conversation recognised: {lines.Count - missed.Count}/{lines.Count}"));
        foreach (var text in missed)
        {
            output.WriteLine("missed: " + text);
        }

        Assert.True(lines.Count > 0);
        Assert.True(missed.Count <= lines.Count * 0.05, $"{missed.Count} of {lines.Count} missed");
    }

    [Fact]
    public void CorpusReports_AreNeverSmallTalk()
    {
        var lines = Texts("train-*.jsonl").ToList();
        var taken = lines.Where(t => ConversationRecognizer.TryRecognize(t, out _)).ToList();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reports taken for small talk: {taken.Count}/{lines.Count}"));
        foreach (var text in taken)
        {
            output.WriteLine("taken: " + text);
        }

        Assert.True(lines.Count > 0);
        Assert.True(taken.Count <= lines.Count * 0.007, $"{taken.Count} of {lines.Count} reports taken for small talk");
    }
}
