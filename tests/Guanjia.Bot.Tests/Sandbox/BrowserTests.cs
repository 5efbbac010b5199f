using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
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

    [Fact]
    public async Task SimulatorDispatchCard_Clicking接单AsAMember_ShowsTheOutcomeOnTheCard()
    {
        Assert.True(File.Exists(Chromium), $"Chromium not found at {Chromium}: apt-get install chromium, or set GUANJIA_CHROMIUM.");
        Directory.CreateDirectory(ScreenshotDir);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai" });
        var simulator = await context.NewPageAsync();
        await simulator.GotoAsync(factory.BaseAddress + "sandbox");
        await simulator.Locator("#person").SelectOptionAsync("wanggang");
        await simulator.Locator(".convs a[data-id='c:wuhuashan']").ClickAsync();
        await simulator.Locator("#text").FillAsync("华山西路8号院门口的垃圾桶满了，垃圾都堆到路上了");
        await simulator.Locator("#send").ClickAsync();
        // Other tests share the sandbox: this report's acknowledgement is the one naming its place.
        var reply = simulator.Locator(".msg[data-kind='reply'] .bubble").Filter(new() { HasTextRegex = AckPattern() }).Filter(new() { HasText = "华山西路8号院" }).Last;
        await Expect(reply).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var number = AckPattern().Match(await reply.InnerTextAsync()).Groups[1].Value;

        await simulator.Locator("#person").SelectOptionAsync("hw-gao");
        await simulator.Locator(".convs a[data-id='d:sanitation']").ClickAsync();
        var card = simulator.Locator(".wecard").Filter(new() { HasText = $"新工单 #{number}" });
        await Expect(card).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(card.Locator(".card-button")).ToHaveTextAsync(["接单", "退回", "办结"]);
        await simulator.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, "simulator-card.png") });

        await card.Locator(".card-button", new() { HasText = "接单" }).ClickAsync();

        var outcome = simulator.Locator(".wecard").Filter(new() { HasText = "已接单" });
        await Expect(outcome).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(outcome.Locator(".card-button")).ToHaveCountAsync(0);
        await simulator.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, "simulator-card-accepted.png") });
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        Assert.Equal(TicketStatus.Accepted, db.Tickets.Single(t => t.Number == int.Parse(number, CultureInfo.InvariantCulture)).Status);
    }

    [Fact]
    public async Task FiguresPointsAndStatementsTabs_ShowTheApiFigures_ChartsLedger_AndMarkAStatementPaid()
    {
        Assert.True(File.Exists(Chromium), $"Chromium not found at {Chromium}: apt-get install chromium, or set GUANJIA_CHROMIUM.");
        Directory.CreateDirectory(ScreenshotDir);
        var month = await SeedTicketAndLastMonthsRedemptionAsync();
        using var http = factory.RealClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", factory.Keys.ApiKey);
        using var today = JsonDocument.Parse(await http.GetStringAsync("/api/figures?period=today"));
        using var points = JsonDocument.Parse(await http.GetStringAsync("/api/points/yangfang"));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai" });
        var page = await context.NewPageAsync();

        await page.GotoAsync(factory.BaseAddress + "#/figures");
        var received = today.RootElement.GetProperty("received").GetInt32();
        Assert.True(received >= 1);
        await Expect(page.Locator("#figures-today [data-figure='received'] .value")).ToHaveTextAsync(received.ToString(CultureInfo.InvariantCulture), new() { Timeout = 15_000 });
        await Expect(page.Locator("#figures-week [data-figure='rate'] .name")).ToHaveTextAsync("按时办结率");
        await Expect(page.Locator("#figures-today")).ToContainTextAsync("消防隐患");
        foreach (var chart in await page.Locator("img.chart").AllAsync())
        {
            await Expect(chart).ToHaveAttributeAsync("src", BlobPattern());
            await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await chart.ElementHandleAsync());
            Assert.Equal(960, await chart.EvaluateAsync<int>("img => img.naturalWidth"));
        }

        Assert.Equal(2, await page.Locator("img.chart").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, "dashboard-figures.png"), FullPage = true });

        await page.Locator("nav.tabs a", new() { HasText = "积分" }).ClickAsync();
        await Expect(page.Locator("#points")).ToContainTextAsync("请选择一位人员");
        await page.Locator("#points-filters select[name='person']").SelectOptionAsync("yangfang");
        var balance = points.RootElement.GetProperty("balance").GetInt32();
        await Expect(page.Locator("[data-figure='balance'] .value")).ToHaveTextAsync(balance.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-figure='balance'] .name")).ToContainTextAsync("杨芳");
        await Expect(page.Locator("#movements tbody tr")).ToHaveCountAsync(points.RootElement.GetProperty("movements").GetArrayLength());
        await Expect(page.Locator("#vouchers")).ToContainTextAsync("已核销");
        await Expect(page.Locator("#vouchers")).ToContainTextAsync("春晖食品");
        var issueReason = points.RootElement.GetProperty("movements").EnumerateArray()
            .Single(m => m.GetProperty("kind").GetString() == "voucher-issue").GetProperty("reason").GetString()!;
        // The ledger never holds a full voucher code (only its owner's chat reply does).
        Assert.Matches(@"^领券 [A-Z0-9]{4}-\*{4}$", issueReason);
        Assert.Contains(issueReason, await page.Locator("#movements").InnerTextAsync(), StringComparison.Ordinal);
        // The 记录本, the patrol calendar and the committee's 考核 table with its CSV.
        await Expect(page.Locator("#logbook-person")).ToContainTextAsync("杨芳");
        await Expect(page.Locator("#patrol-calendar")).ToContainTextAsync("巡查日历");
        await Expect(page.Locator("#logbook-table")).ToContainTextAsync("管家考核");
        await Expect(page.Locator("#logbook-csv")).Not.ToHaveAttributeAsync("aria-disabled", "true");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, "dashboard-points.png"), FullPage = true });

        await page.GotoAsync(factory.BaseAddress + "#/statements/" + month);
        var row = page.Locator("#statement-table tr[data-merchant='chunhui']");
        await Expect(row).ToContainTextAsync("待付", new() { Timeout = 15_000 });
        await Expect(row).ToContainTextAsync("40.00");
        await Expect(page.Locator("#csv")).ToHaveAttributeAsync("href", BlobPattern());
        await Expect(page.Locator("#statement-table tr[data-merchant='jinhua']")).ToContainTextAsync("本月无核销");
        string? question = null;
        page.Dialog += async (_, dialog) =>
        {
            question = dialog.Message;
            await dialog.AcceptAsync();
        };
        await row.Locator("button.pay").ClickAsync();
        await Expect(row).ToContainTextAsync("已付");
        Assert.Contains("春晖食品", question, StringComparison.Ordinal);
        await Expect(row.Locator("button.pay")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, "dashboard-statements.png"), FullPage = true });
    }

    /// <summary>A fire ticket reported now, and 杨芳's 4-point voucher redeemed at 春晖食品 last month; returns that month.</summary>
    private async Task<string> SeedTicketAndLastMonthsRedemptionAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<GuanjiaDbContext>();
        var config = services.GetRequiredService<CommunityConfig>();
        var now = DateTimeOffset.UtcNow;
        db.Tickets.Add(new Ticket
        {
            Status = TicketStatus.Dispatched,
            Category = "fire",
            Community = "wuhuashan",
            Department = "chuncheng",
            Reporter = "wanggang",
            Text = "楼道堆放杂物堵住了安全出口",
            Conversation = "wrkSFfCgAAwuhuashan",
            CreatedAt = now,
            DispatchedAt = now,
            DueAt = now.AddHours(24),
        });
        await db.SaveChangesAsync();

        var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        var first = new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, TimeSpan.FromHours(8)).AddMonths(-1);
        var book = new PointsBook(db, config, services.GetRequiredService<StreetCalendar>(), new FakeTimeProvider(first.AddDays(14).AddHours(10)));
        await new TaskPoints(book).AwardAsync(config.FindPerson("zhaolei")!, "yangfang", "rescue", null);
        var voucher = await new VoucherDesk(book).IssueVoucherAsync(config.FindPerson("yangfang")!, 4);
        var redeemed = await new VoucherDesk(book).RedeemAsync(new Person("sh-chun", "sh-chun", [], null, []), voucher.VoucherCode);
        Assert.True(redeemed.Succeeded, redeemed.Text);
        return first.ToString("yyyy-MM", CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"已受理 #(\d+)")]
    private static partial Regex AckPattern();

    [GeneratedRegex("^blob:")]
    private static partial Regex BlobPattern();
}
