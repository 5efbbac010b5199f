using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Guanjia.Bot.Tests.Sandbox;

/// <summary>
/// The simulator and the dashboard in headless Chromium (Debian's <c>chromium</c>, or GUANJIA_CHROMIUM).
/// Screenshots go to <c>artifacts/screenshots</c> beside the test assembly.
/// </summary>
[Trait("Category", "Browser")]
public sealed partial class BrowserTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private static readonly string Chromium = Environment.GetEnvironmentVariable("GUANJIA_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    [Fact]
    public async Task SimulatorReportWithPhoto_IsAcknowledged_AndShowsOnTheDashboardWithItsPhoto()
    {
        Assert.True(File.Exists(Chromium), $"Chromium not found at {Chromium}: apt-get install chromium, or set GUANJIA_CHROMIUM.");
        Directory.CreateDirectory(ScreenshotDir);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai" });

        var simulator = await context.NewPageAsync();
        await simulator.GotoAsync(factory.BaseAddress + "sandbox");
        await simulator.Locator("#person").SelectOptionAsync("lihua");
        await simulator.Locator(".convs a[data-id='c:wuhuashan']").ClickAsync();
        await simulator.Locator("#text").FillAsync("74号院3单元楼道的灭火器压力表指针到红区了，应该是过期了");
        await simulator.Locator("#photo").SetInputFilesAsync(Path.Combine(GuanjiaFactory.RepoRoot, "config", "demo", "photos", "stairwell-extinguisher.jpg"));
        await simulator.Locator("#send").ClickAsync();

        var reply = simulator.Locator(".msg[data-kind='reply'] .bubble").Filter(new() { HasTextRegex = AckPattern() });
        await Expect(reply).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(simulator.Locator(".msg.me img")).ToBeVisibleAsync();
        var number = AckPattern().Match(await reply.InnerTextAsync()).Groups[1].Value;
        Assert.Contains("消防隐患", await reply.InnerTextAsync(), StringComparison.Ordinal);
        await simulator.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, "simulator.png") });

        var dashboard = await context.NewPageAsync();
        await dashboard.GotoAsync(factory.BaseAddress.ToString());
        var row = dashboard.Locator($"tr.row[data-number='{number}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(row).ToContainTextAsync("消防隐患");
        await Expect(row.Locator("img.thumb")).ToHaveAttributeAsync("src", BlobPattern());
        await dashboard.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, "dashboard-list.png") });

        await row.ClickAsync();
        await Expect(dashboard.Locator("#ticket h2")).ToContainTextAsync($"工单 #{number}");
        var photo = dashboard.Locator(".photos img").First;
        await Expect(photo).ToHaveAttributeAsync("src", BlobPattern());
        Assert.True(await photo.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : 0") > 0, "the before-photo did not load");
        await Expect(dashboard.Locator("#events")).ToContainTextAsync("创建");
        await dashboard.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, "dashboard-ticket.png"), FullPage = true });
    }

    [GeneratedRegex(@"已受理 #(\d+)")]
    private static partial Regex AckPattern();

    [GeneratedRegex("^blob:")]
    private static partial Regex BlobPattern();
}
