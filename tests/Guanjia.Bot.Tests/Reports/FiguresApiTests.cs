using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Guanjia.Core.Tickets;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.Bot.Tests.Reports;

/// <summary>
/// The dashboard's figures over HTTP with the clock fixed at Wednesday 11 November 2026, 10:00 street
/// time (this week began Monday 9 November), and tickets seeded around it.
/// </summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class FiguresApiTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Now = new(2026, 11, 11, 10, 0, 0, Shanghai);

    private readonly GuanjiaFactory _root = new();
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        await _root.InitializeAsync();
        _factory = _root.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now))));
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await ((IAsyncLifetime)_root).DisposeAsync();
    }

    [Fact]
    public async Task Figures_WithoutKey_Returns401()
    {
        using var response = await _factory.CreateClient().GetAsync("/api/figures?period=today");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/figures?period=year")]
    [InlineData("/api/figures?period=today&community=atlantis")]
    [InlineData("/api/figures/chart.png?period=week&community=wuhuashan")]
    public async Task Figures_BadQuery_Returns400Problem(string url)
    {
        using var response = await Client().GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Figures_Today_CountTodaysTicketsWithRateMediansAndNamedBreakdowns()
    {
        await SeedAsync();

        using var json = JsonDocument.Parse(await Client().GetStringAsync("/api/figures?period=today"));
        var f = json.RootElement;

        Assert.Equal("today", f.GetProperty("period").GetString());
        Assert.Equal("华山街道", f.GetProperty("scope").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 11, 0, 0, 0, Shanghai), f.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(Now, f.GetProperty("to").GetDateTimeOffset());
        Assert.Equal((3, 1, 4, 1), (Int(f, "received"), Int(f, "resolved"), Int(f, "open"), Int(f, "overdue")));
        Assert.Equal(1.0, f.GetProperty("onTimeRate").GetDouble());
        Assert.Equal("100%", f.GetProperty("onTimeRateText").GetString());
        Assert.Equal(20, f.GetProperty("medianToAcceptMinutes").GetDouble());
        Assert.Equal(40, f.GetProperty("medianToResolveMinutes").GetDouble());
        Assert.Equal([("fire", "消防隐患", 2), ("garbage", "垃圾清运", 1)], Counts(f, "byCategory"));
        Assert.Equal([("chuncheng", "春城物业", 2), ("sanitation", "五华区环卫华山片区", 1)], Counts(f, "byDepartment"));
        Assert.Equal([4], f.GetProperty("overdueTickets").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()));
    }

    [Fact]
    public async Task Figures_Week_CountFromMonday_AndTheMedianOfTwoIsTheirMean()
    {
        await SeedAsync();

        using var json = JsonDocument.Parse(await Client().GetStringAsync("/api/figures?period=week"));
        var f = json.RootElement;

        Assert.Equal(new DateTimeOffset(2026, 11, 9, 0, 0, 0, Shanghai), f.GetProperty("from").GetDateTimeOffset());
        Assert.Equal((5, 2, 1, 4, 1), (Int(f, "received"), Int(f, "resolved"), Int(f, "resolvedOnTime"), Int(f, "open"), Int(f, "overdue")));
        Assert.Equal("50%", f.GetProperty("onTimeRateText").GetString());
        Assert.Equal(30, f.GetProperty("medianToAcceptMinutes").GetDouble());
        Assert.Equal((40 + (24 * 60)) / 2.0, f.GetProperty("medianToResolveMinutes").GetDouble());
    }

    [Fact]
    public async Task Figures_ForACommunity_CountOnlyItsTickets()
    {
        await SeedAsync();

        using var json = JsonDocument.Parse(await Client().GetStringAsync("/api/figures?period=today&community=cuihu"));
        var f = json.RootElement;

        Assert.Equal("翠湖社区", f.GetProperty("scope").GetString());
        Assert.Equal((1, 0, 1), (Int(f, "received"), Int(f, "resolved"), Int(f, "open")));
        Assert.Equal(JsonValueKind.Null, f.GetProperty("onTimeRate").ValueKind);
        Assert.Equal("—", f.GetProperty("onTimeRateText").GetString());
    }

    [Theory]
    [InlineData("today")]
    [InlineData("week")]
    [InlineData("month")]
    public async Task Chart_ReturnsAPngOfTheDigestPanels(string period)
    {
        await SeedAsync();

        using var response = await Client().GetAsync($"/api/figures/chart.png?period={period}");
        var png = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        // Two panels stacked: the PNG header's height is twice a panel's.
        Assert.Equal(2 * Core.Digest.ChartRenderer.PanelHeight, (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23]);
    }

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();

    private static List<(string Id, string Name, int Count)> Counts(JsonElement e, string name) =>
        [.. e.GetProperty(name).EnumerateArray().Select(c => (c.GetProperty("id").GetString()!, c.GetProperty("name").GetString()!, c.GetProperty("count").GetInt32()))];

    private HttpClient Client()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GuanjiaFactory.ApiKey);
        return client;
    }

    /// <summary>Tickets 1–6; times are street time.</summary>
    private Task<int> SeedAsync() => _root.WithDbAsync(async db =>
    {
        DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, Shanghai);
        // 1: today, accepted after 30 minutes, open.
        db.Tickets.Add(New("fire", "wuhuashan", "chuncheng", At(11, 8), At(12, 8), TicketStatus.Accepted, accepted: At(11, 8, 30)));
        // 2: today, accepted after 10 minutes, resolved after 40 on time.
        db.Tickets.Add(New("fire", "wuhuashan", "chuncheng", At(11, 9), At(11, 12), TicketStatus.Resolved, accepted: At(11, 9, 10), resolved: At(11, 9, 40)));
        // 3: Monday, accepted after an hour, resolved a day later, late.
        db.Tickets.Add(New("facility", "wuhuashan", "yunling", At(9, 10), At(9, 12), TicketStatus.Resolved, accepted: At(9, 11), resolved: At(10, 10)));
        // 4: Monday, still dispatched, due Tuesday: overdue.
        db.Tickets.Add(New("garbage", "wuhuashan", "sanitation", At(9, 9), At(10, 9), TicketStatus.Dispatched));
        // 5: last week, open, not yet due.
        db.Tickets.Add(New("facility", "wuhuashan", "yunling", At(5, 9), At(20, 9), TicketStatus.Dispatched));
        // 6: today in 翠湖.
        db.Tickets.Add(New("garbage", "cuihu", "sanitation", At(11, 7), At(11, 11), TicketStatus.Dispatched));
        return await db.SaveChangesAsync();
    });

    private static Ticket New(
        string category, string community, string department, DateTimeOffset created, DateTimeOffset due, TicketStatus status,
        DateTimeOffset? accepted = null, DateTimeOffset? resolved = null) => new()
        {
            Status = status,
            Category = category,
            Community = community,
            Department = department,
            Reporter = "lihua",
            Text = "测试工单",
            Conversation = "wrkSFfCgAAwuhuashan",
            CreatedAt = created.ToUniversalTime(),
            DispatchedAt = created.ToUniversalTime(),
            AcceptedAt = accepted?.ToUniversalTime(),
            ResolvedAt = resolved?.ToUniversalTime(),
            DueAt = due.ToUniversalTime(),
        };
}
