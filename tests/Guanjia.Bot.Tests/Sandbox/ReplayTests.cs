using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Guanjia.Bot.Replay;
using Spectre.Console;

namespace Guanjia.Bot.Tests.Sandbox;

public sealed class ReplayTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    [Fact]
    public async Task SampleDay_ReplaysThroughTheCallback_AndSummarisesTheTickets()
    {
        var file = Path.Combine(GuanjiaFactory.RepoRoot, "config", "demo", "day.jsonl");
        var script = ReplayScript.Load(file);
        var output = new StringWriter();
        using var http = factory.RealClient();
        var runner = new ReplayRunner(http, factory.Keys, RecordingConsole(output), TimeProvider.System) { SkipDelays = true };

        var summary = await runner.RunAsync(script);

        Assert.Empty(script.Errors);
        Assert.InRange(script.Lines.Count, 20, 40);
        Assert.Equal(script.Lines.Count(l => !l.IsDelay), summary.Sent);
        Assert.Equal(summary.Sent, summary.Accepted);
        Assert.Empty(summary.Failures);
        Assert.True(summary.Tickets.Count >= 15, $"only {summary.Tickets.Count} tickets");
        Assert.Equal(summary.Tickets.Count, summary.Tickets.Select(t => t.Number).Distinct().Count());
        var bins = Assert.Single(summary.Tickets, t => t.Line == 3);
        Assert.Equal(("垃圾清运", "五华区环卫华山片区", "华山南路74号院"), (bins.Category, bins.Department, bins.Compound));
        Assert.Contains(summary.Tickets, t => t.Category == "燃气安全" && t.Department == "燃气抢修" && t.Compound == "建设路52号院");

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", factory.Keys.ApiKey);
        var ticket = await http.GetFromJsonAsync<JsonElement>($"/api/tickets/{bins.Number}");
        Assert.Equal(1, ticket.GetProperty("photos").GetArrayLength());

        // The loop closes: 评价 recorded, 延期 agreed, and the merchant's 兑换 on this month's statement.
        Assert.Equal("satisfied", ticket.GetProperty("satisfaction").GetString());
        Assert.Equal("closed", ticket.GetProperty("status").GetString());
        var extinguisher = Assert.Single(summary.Tickets, t => t.Line == 5);
        var extended = await http.GetFromJsonAsync<JsonElement>($"/api/tickets/{extinguisher.Number}");
        Assert.Contains(extended.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "extended");
        var month = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var statements = await http.GetFromJsonAsync<JsonElement>($"/api/points/statements?month={month}");
        var chunhui = Assert.Single(statements.EnumerateArray(), s => s.GetProperty("merchant").GetString() == "chunhui");
        Assert.Equal((1, 4), (chunhui.GetProperty("vouchers").GetInt32(), chunhui.GetProperty("points").GetInt32()));

        var printed = output.ToString();
        Assert.Contains("回放汇总", printed, StringComparison.Ordinal);
        Assert.Contains($"#{bins.Number}", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadLines_AreReportedWithTheirLineNumbers_AndNothingIsSent()
    {
        var file = Path.Combine(Path.GetTempPath(), "guanjia-replay-" + Guid.NewGuid().ToString("N") + ".jsonl");
        await File.WriteAllLinesAsync(file,
        [
            "{ not json",
            """{"from":"nobody","chat":"wuhuashan","text":"74号院垃圾满了"}""",
            """{"from":"lihua","chat":"wuhuashan","photo":"missing.jpg"}""",
            """{"from":"lihua","chat":"wuhuashan","text":"确认 {unknown}"}""",
        ]);
        try
        {
            using var http = factory.RealClient();
            var runner = new ReplayRunner(http, factory.Keys, RecordingConsole(new StringWriter()), TimeProvider.System) { SkipDelays = true };

            var summary = await runner.RunAsync(ReplayScript.Load(file));

            Assert.Equal(0, summary.Accepted);
            Assert.Empty(summary.Tickets);
            Assert.Equal([1, 2, 3, 4], summary.Failures.Select(f => f.Line == 0 ? 1 : f.Line).Order());
            Assert.Contains(summary.Failures, f => f.Reason.Contains("nobody", StringComparison.Ordinal));
            Assert.Contains(summary.Failures, f => f.Reason.Contains("missing.jpg", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IAnsiConsole RecordingConsole(StringWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = AnsiSupport.No,
        Interactive = InteractionSupport.No,
    });
}
