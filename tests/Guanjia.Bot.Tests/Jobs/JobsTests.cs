using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.Bot.Tests.Jobs;

public sealed class JobsApiTests(GuanjiaFactory factory) : IClassFixture<GuanjiaFactory>
{
    [Theory]
    [InlineData("reminder-scan")]
    [InlineData("daily-digest")]
    [InlineData("weekly-report")]
    [InlineData("overdue-list")]
    [InlineData("voucher-expiry")]
    public async Task RunJob_KnownName_RunsItNowAndReportsTheResult(string name)
    {
        using var client = Authorized();

        using var response = await client.PostAsync($"/api/jobs/{name}/run", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(name, json.RootElement.GetProperty("job").GetString());
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task RunJob_DailyDigest_EnqueuesASummaryAndAChartPerCommunity()
    {
        using var client = Authorized();

        using var response = await client.PostAsync("/api/jobs/daily-digest/run", null);

        response.EnsureSuccessStatusCode();
        var kinds = await factory.WithDbAsync(db => db.Outbox.Where(m => m.Key.StartsWith("digest:")).Select(m => m.Kind).ToListAsync());
        Assert.True(kinds.Count >= 6);
        Assert.Contains(Core.Outbox.OutboxKind.Image, kinds);
    }

    [Fact]
    public async Task RunJob_VoucherExpiry_ReturnsAnExpiredVouchersPointsToItsOwner()
    {
        var issuedAt = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-40));
        string code;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var config = services.GetRequiredService<CommunityConfig>();
            var book = new PointsBook(services.GetRequiredService<GuanjiaDbContext>(), config, services.GetRequiredService<StreetCalendar>(), issuedAt);
            await new TaskPoints(book).AwardAsync(config.FindPerson("zhaolei")!, "tangyu", "rescue", null);
            code = (await new VoucherDesk(book).IssueVoucherAsync(config.FindPerson("tangyu")!, 4)).VoucherCode!;
        }

        using var client = Authorized();

        using var response = await client.PostAsync("/api/jobs/voucher-expiry/run", null);

        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, json.RootElement.GetProperty("result").GetProperty("expired").GetInt32());
        var (state, balance) = await factory.WithDbAsync(async db =>
            ((await db.Vouchers.SingleAsync(v => v.Code == code)).State, await new Ledger(db).BalanceAsync(Ledger.PersonAccount("tangyu"))));
        Assert.Equal((VoucherState.Expired, 5), (state, balance));
    }

    [Fact]
    public async Task RunJob_UnknownName_Returns404ProblemDetails()
    {
        using var client = Authorized();

        using var response = await client.PostAsync("/api/jobs/nightly-cleanup/run", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("reminder-scan", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RunJob_WithoutApiKey_Returns401()
    {
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/api/jobs/reminder-scan/run", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private HttpClient Authorized()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GuanjiaFactory.ApiKey);
        return client;
    }
}

public sealed class SchedulerPersistenceTests
{
    [Fact]
    public async Task Scheduler_RestartedOnTheSameDatabase_KeepsOneJobAndTriggerEach()
    {
        var factory = new GuanjiaFactory { SchedulerEnabled = true };
        await ((IAsyncLifetime)factory).InitializeAsync();
        (List<string> Jobs, List<(string Name, string Cron, string Zone, long Misfire)> Triggers) first, second;
        try
        {
            first = await StartAndReadAsync(factory);
            second = await StartAndReadAsync(factory);
        }
        finally
        {
            await ((IAsyncLifetime)factory).DisposeAsync();
        }

        string[] expected = ["daily-digest", "overdue-list", "reminder-scan", "triage-retrain", "voucher-expiry", "weekly-report"];
        Assert.Equal(expected, first.Jobs);
        Assert.Equal(expected, second.Jobs);
        Assert.Equal(expected, second.Triggers.Select(t => t.Name));
        Assert.All(second.Triggers, t => Assert.Equal("Asia/Shanghai", t.Zone));
        // CronTriggerMisfireInstruction.FireAndProceed: a missed run fires once on start.
        Assert.All(second.Triggers, t => Assert.Equal(1, t.Misfire));
        Assert.Contains(second.Triggers, t => t.Name == "daily-digest" && t.Cron == "0 0 18 * * ?");
        Assert.Contains(second.Triggers, t => t.Name == "voucher-expiry" && t.Cron == "0 7 * * * ?");
    }

    private static async Task<(List<string> Jobs, List<(string Name, string Cron, string Zone, long Misfire)> Triggers)> StartAndReadAsync(GuanjiaFactory factory)
    {
        await using var host = factory.WithWebHostBuilder(_ => { });
        using var client = host.CreateClient();
        (await client.GetAsync("/healthz")).EnsureSuccessStatusCode();
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var jobs = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT JOB_NAME FROM qrtz_JOB_DETAILS ORDER BY JOB_NAME";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                jobs.Add(reader.GetString(0));
            }
        }

        var triggers = new List<(string, string, string, long)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT t.TRIGGER_NAME, c.CRON_EXPRESSION, c.TIME_ZONE_ID, t.MISFIRE_INSTR
                FROM qrtz_TRIGGERS t JOIN qrtz_CRON_TRIGGERS c ON c.TRIGGER_NAME = t.TRIGGER_NAME AND c.TRIGGER_GROUP = t.TRIGGER_GROUP
                ORDER BY t.TRIGGER_NAME
                """;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                triggers.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            }
        }

        return (jobs, triggers);
    }
}
