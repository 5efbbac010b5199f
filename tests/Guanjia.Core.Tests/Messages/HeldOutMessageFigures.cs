using System.Globalization;
using System.Text.Json;
using Guanjia.Core.Tests.Commands;
using Xunit.Abstractions;

namespace Guanjia.Core.Tests.Messages;

/// <summary>
/// Figures on the held-out set (tests/data/triage/heldout), written by another helper before any
/// tuning: only measured here, never tuned on. Each message goes through intake as a group
/// @-mention in the sender's community group, an hour after the previous case.
/// </summary>
public sealed class HeldOutMessageFigures(ITestOutputHelper output)
{
    private static string HeldOut(string file) => Path.Combine(RepoPaths.Root, "tests", "data", "triage", "heldout", file);

    [Fact]
    public async Task HeldOutConversation_MakesNoTicket_AndIsAnswered()
    {
        var lines = Read("conversation.jsonl");
        await using var h = new CommandHarness();
        var quiet = 0;
        var answered = 0;
        var missed = new List<string>();
        foreach (var line in lines)
        {
            var before = await h.TicketCountAsync();
            var said = await h.SayAsync(line.GetProperty("from").GetString()!, line.GetProperty("text").GetString(), ChatOf(line));
            var noTicket = await h.TicketCountAsync() == before;
            quiet += noTicket ? 1 : 0;
            answered += said.Replies.Any() ? 1 : 0;
            if (!noTicket)
            {
                missed.Add(line.GetProperty("kind").GetString()!);
            }

            h.Time.Advance(TimeSpan.FromHours(1));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"conversation: {quiet}/{lines.Count} no ticket ({100.0 * quiet / lines.Count:F1}%), {answered} answered; ticketed by kind: {string.Join(", ", missed.GroupBy(k => k).Select(g => $"{g.Key} {g.Count()}"))}"));
        Assert.Equal(lines.Count, answered);
        Assert.True(quiet >= lines.Count * 0.88, $"{quiet}/{lines.Count}");
    }

    [Fact]
    public async Task HeldOutReports_AreNotTakenForSmallTalk()
    {
        var lines = Read("reports.jsonl");
        await using var h = new CommandHarness();
        var ticketed = 0;
        foreach (var line in lines)
        {
            var before = await h.TicketCountAsync();
            await h.SayAsync(line.GetProperty("from").GetString()!, line.GetProperty("text").GetString(), ChatOf(line));
            ticketed += await h.TicketCountAsync() > before ? 1 : 0;
            h.Time.Advance(TimeSpan.FromHours(1));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reports: {ticketed}/{lines.Count} became a ticket ({100.0 * ticketed / lines.Count:F1}%)"));
        Assert.True(ticketed >= lines.Count * 0.99, $"{ticketed}/{lines.Count}");
    }

    [Fact]
    public async Task HeldOutFollowUps_CompleteTheTicket_WithoutASecondOne()
    {
        var lines = Read("followups.jsonl");
        await using var h = new CommandHarness();
        var right = 0;
        var wrong = new List<string>();
        foreach (var line in lines)
        {
            var user = line.GetProperty("from").GetString()!;
            var chat = ChatOf(line);
            var kind = line.GetProperty("secondKind").GetString()!;
            var before = await h.TicketCountAsync();
            var first = await h.SayAsync(user, line.GetProperty("first").GetString(), chat);
            var number = before + 1;
            var ack = first.Replies.FirstOrDefault()?.Content;
            h.Time.Advance(TimeSpan.FromSeconds(40));
            await h.SayAsync(user, line.GetProperty("second").GetString(), chat, quoted: kind == "quote" ? ack : null);

            var tickets = await h.TicketCountAsync() - before;
            var expectedTickets = line.GetProperty("expectedTickets").GetInt32();
            var expectedCompound = line.TryGetProperty("expectedCompound", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var ok = tickets == expectedTickets && (tickets == 0 || (await h.TicketAsync(number)).Compound == expectedCompound);
            right += ok ? 1 : 0;
            if (!ok)
            {
                wrong.Add(kind);
            }

            h.Time.Advance(TimeSpan.FromHours(1));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"follow-ups: {right}/{lines.Count} right ({100.0 * right / lines.Count:F1}%); wrong by kind: {string.Join(", ", wrong.GroupBy(k => k).Select(g => $"{g.Key} {g.Count()}"))}"));
        Assert.True(right >= lines.Count * 0.90, $"{right}/{lines.Count}");
    }

    private static string ChatOf(JsonElement line) =>
        CommandHarness.Config.FindCommunity(line.GetProperty("community").GetString()!)!.ChatId!;

    private static List<JsonElement> Read(string file) =>
        [.. File.ReadLines(HeldOut(file)).Where(l => l.Trim().Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}
