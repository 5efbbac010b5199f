using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Guanjia.Bot.Tests.Sandbox;

/// <summary>
/// The ticket page, the list and 统计 at a phone's viewport (390×844, as WeCom's built-in browser on
/// an iPhone): nothing scrolls sideways, photos fit. Screenshots go to <c>artifacts/screenshots/phone-*.png</c>.
/// </summary>
[Trait("Category", "Browser")]
public sealed partial class PhoneBrowserTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private const int Width = 390;
    private static readonly string Chromium = Environment.GetEnvironmentVariable("GUANJIA_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    [Fact]
    public async Task TicketPageListAndFigures_AtPhoneWidth_DoNotOverflowAndPhotosFit()
    {
        Assert.True(File.Exists(Chromium), $"Chromium not found at {Chromium}: apt-get install chromium, or set GUANJIA_CHROMIUM.");
        Directory.CreateDirectory(BrowserTests.ScreenshotDir);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });

        // A report with a photo through the simulator (a desktop page), then 办结 by the department.
        var desktop = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai" });
        var simulator = await desktop.NewPageAsync();
        await simulator.GotoAsync(factory.BaseAddress + "sandbox");
        await simulator.Locator("#person").SelectOptionAsync("lihua");
        await simulator.Locator(".convs a[data-id='c:wuhuashan']").ClickAsync();
        await simulator.Locator("#text").FillAsync("华山南路74号院3单元门口的路灯坏了，晚上很黑，老人进出不方便");
        await simulator.Locator("#photo").SetInputFilesAsync(Path.Combine(GuanjiaFactory.RepoRoot, "config", "demo", "photos", "stairwell-extinguisher.jpg"));
        await simulator.Locator("#send").ClickAsync();
        var reply = simulator.Locator(".msg[data-kind='reply'] .bubble").Filter(new() { HasTextRegex = AckPattern() });
        await Expect(reply).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var number = AckPattern().Match(await reply.InnerTextAsync()).Groups[1].Value;

        var phone = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = Width, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        var page = await phone.NewPageAsync();

        await page.GotoAsync(factory.BaseAddress + "#/tickets");
        var row = page.Locator($"tr.row[data-number='{number}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await AssertNoHorizontalOverflowAsync(page, "list");
        Assert.True((await row.BoundingBoxAsync())!.Width <= Width, "a ticket row is wider than the phone");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserTests.ScreenshotDir, "phone-list.png") });

        await page.GotoAsync(factory.BaseAddress + "#/tickets/" + number);
        await Expect(page.Locator("#ticket h2")).ToContainTextAsync($"工单 #{number}");
        var photo = page.Locator(".photos img").First;
        await Expect(photo).ToHaveAttributeAsync("src", BlobPattern());
        await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await photo.ElementHandleAsync());
        var box = (await photo.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= Width, $"the photo spans {box.X}–{box.X + box.Width} px of {Width}");
        Assert.True(box.Width >= Width / 2, $"the photo is only {box.Width} px wide on a {Width} px phone");
        await Expect(page.Locator("#actions")).ToContainTextAsync($"接单 {number}");
        await Expect(page.Locator("#satisfaction")).ToContainTextAsync("未评价");
        await Expect(page.Locator("#events")).ToContainTextAsync("派单");
        await AssertNoHorizontalOverflowAsync(page, "ticket");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserTests.ScreenshotDir, "phone-ticket.png"), FullPage = true });

        await page.GotoAsync(factory.BaseAddress + "#/figures");
        await Expect(page.Locator("#figures-today [data-figure='received'] .value")).Not.ToHaveTextAsync("", new() { Timeout = 15_000 });
        await Expect(page.Locator("#figures-week [data-figure='satisfaction'] .name")).ToHaveTextAsync("满意率");
        await Expect(page.Locator("#figures-week [data-figure='feedback'] .name")).ToHaveTextAsync("回访率");
        foreach (var chart in await page.Locator("img.chart").AllAsync())
        {
            await Expect(chart).ToHaveAttributeAsync("src", BlobPattern());
            await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await chart.ElementHandleAsync());
        }

        await AssertNoHorizontalOverflowAsync(page, "figures");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserTests.ScreenshotDir, "phone-figures.png"), FullPage = true });
    }

    private static async Task AssertNoHorizontalOverflowAsync(IPage page, string what)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var (scroll, inner) = (widths[0], widths[1]);
        Assert.True(scroll <= inner, $"{what}: the page is {scroll} px wide in a {inner} px viewport");
        // A mobile browser zooms out to fit wide content, which widens innerWidth instead of scrolling.
        Assert.True(inner == Width, $"{what}: the browser zoomed out to a {inner} px layout to fit the page");
    }

    [GeneratedRegex(@"已受理 #(\d+)")]
    private static partial Regex AckPattern();

    [GeneratedRegex("^blob:")]
    private static partial Regex BlobPattern();
}
