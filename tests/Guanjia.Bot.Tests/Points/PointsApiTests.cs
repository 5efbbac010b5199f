using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Guanjia.Bot.Tests.Points;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class PointsApiTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly GuanjiaFactory _factory = new();

    public Task InitializeAsync() => _factory.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_factory).DisposeAsync();

    [Fact]
    public async Task Points_WithoutKey_Returns401()
    {
        var response = await _factory.CreateClient().GetAsync("/api/points/lihua");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Points_UnknownUser_Returns404Problem()
    {
        var response = await Client().GetAsync("/api/points/nobody");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Points_ForAPerson_ReturnsBalanceAndEveryMovementWithRunningBalance()
    {
        var code = await WithPointsAsync(Now(), async (p, c) =>
        {
            await p.AwardAsync(c.FindPerson("zhaolei")!, "lihua", "mediation", "调解");
            return (await p.IssueVoucherAsync(c.FindPerson("lihua")!, 2)).VoucherCode!;
        });

        using var json = JsonDocument.Parse(await Client().GetStringAsync("/api/points/lihua"));
        var root = json.RootElement;

        Assert.Equal("lihua", root.GetProperty("userId").GetString());
        Assert.Equal("李华", root.GetProperty("name").GetString());
        Assert.Equal(1, root.GetProperty("balance").GetInt32());
        var movements = root.GetProperty("movements").EnumerateArray().ToList();
        Assert.Equal([3, -2], movements.Select(m => m.GetProperty("amount").GetInt32()));
        Assert.Equal([3, 1], movements.Select(m => m.GetProperty("balance").GetInt32()));
        Assert.Equal("task:mediation", movements[0].GetProperty("kind").GetString());
        var voucher = root.GetProperty("vouchers").EnumerateArray().Single();
        Assert.Equal(code[..4] + "-****", voucher.GetProperty("code").GetString());
        Assert.Equal("issued", voucher.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("/api/points/statements")]
    [InlineData("/api/points/statements?month=2026-13")]
    [InlineData("/api/points/statements?month=Nov")]
    public async Task Statements_BadMonth_Returns400Problem(string url)
    {
        var response = await Client().GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Statements_AsJson_GivePointsAndCnyPerMerchant()
    {
        await RedeemInOctoberAsync(4, "sh-chun");
        await RedeemInOctoberAsync(3, "sh-chun");

        using var json = JsonDocument.Parse(await Client().GetStringAsync("/api/points/statements?month=2026-10"));
        var chunhui = json.RootElement.EnumerateArray().Single(s => s.GetProperty("merchant").GetString() == "chunhui");

        Assert.Equal(3, json.RootElement.GetArrayLength());
        Assert.Equal(2, chunhui.GetProperty("vouchers").GetInt32());
        Assert.Equal(7, chunhui.GetProperty("points").GetInt32());
        Assert.Equal(70m, chunhui.GetProperty("cny").GetDecimal());
        Assert.Equal("open", chunhui.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Statements_AcceptCsv_GivesUtf8CsvWithAHeaderRow()
    {
        await RedeemInOctoberAsync(4, "sh-cui");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/points/statements?month=2026-10");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));

        var response = await Client().SendAsync(request);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("month,merchant,merchantName,vouchers,points,cny,status,paidAt", lines[0]);
        Assert.Contains("2026-10,cuiyuan,翠园水果,1,4,40.00,open,", lines);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task MarkPaid_AfterTheMonth_FreezesTheStatement_AndASecondTimeIs409()
    {
        await RedeemInOctoberAsync(5, "sh-jin");
        var client = Client();

        var paid = await client.PostAsync("/api/points/statements/jinhua/2026-10/paid", null);
        var again = await client.PostAsync("/api/points/statements/jinhua/2026-10/paid", null);
        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/points/statements?month=2026-10"));

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var jinhua = json.RootElement.EnumerateArray().Single(s => s.GetProperty("merchant").GetString() == "jinhua");
        Assert.Equal(("paid", 50m), (jinhua.GetProperty("status").GetString(), jinhua.GetProperty("cny").GetDecimal()));
        var books = await _factory.WithDbAsync(db => new Ledger(db).ReconcileAsync());
        Assert.True(books.Balanced, string.Join("; ", books.Problems));
        Assert.Equal(5, await _factory.WithDbAsync(db => new Ledger(db).BalanceAsync(Ledger.Settlement)));
    }

    [Theory]
    [InlineData("/api/points/statements/nobody/2026-10/paid", HttpStatusCode.NotFound)]
    [InlineData("/api/points/statements/chunhui/2026-1/paid", HttpStatusCode.BadRequest)]
    [InlineData("/api/points/statements/chunhui/2999-01/paid", HttpStatusCode.Conflict)]
    public async Task MarkPaid_BadRequests_AreProblems(string url, HttpStatusCode expected)
    {
        var response = await Client().PostAsync(url, null);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await _factory.WithDbAsync(db => Task.FromResult(db.MerchantStatements.Count())));
    }

    private static FakeTimeProvider Now() => new(DateTimeOffset.UtcNow);

    private HttpClient Client()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GuanjiaFactory.ApiKey);
        return client;
    }

    private async Task RedeemInOctoberAsync(int points, string merchantMember)
    {
        var october = new FakeTimeProvider(new DateTimeOffset(2026, 10, 15, 2, 0, 0, TimeSpan.Zero));
        var redeemed = await WithPointsAsync(october, async (p, c) =>
        {
            await p.AwardAsync(c.FindPerson("zhaolei")!, "yangfang", "rescue", null);
            var voucher = await p.IssueVoucherAsync(c.FindPerson("yangfang")!, points);
            return await p.RedeemAsync(new Person(merchantMember, merchantMember, [], null, []), voucher.VoucherCode);
        });
        Assert.True(redeemed.Succeeded, redeemed.Text);
    }

    private async Task<T> WithPointsAsync<T>(TimeProvider time, Func<PointsDesk, CommunityConfig, Task<T>> action)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var config = services.GetRequiredService<CommunityConfig>();
        var book = new PointsBook(services.GetRequiredService<GuanjiaDbContext>(), config, services.GetRequiredService<StreetCalendar>(), time);
        return await action(new PointsDesk(new TaskPoints(book), new VoucherDesk(book)), config);
    }

    /// <summary>The points features these tests drive directly.</summary>
    private sealed record PointsDesk(TaskPoints Tasks, VoucherDesk Vouchers)
    {
        public Task<PointsReply> AwardAsync(Person actor, string person, string task, string? note) => Tasks.AwardAsync(actor, person, task, note);

        public Task<PointsReply> IssueVoucherAsync(Person actor, int points) => Vouchers.IssueVoucherAsync(actor, points);

        public Task<PointsReply> RedeemAsync(Person actor, string? code) => Vouchers.RedeemAsync(actor, code);
    }
}
