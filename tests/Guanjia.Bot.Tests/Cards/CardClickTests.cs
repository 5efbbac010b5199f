using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Guanjia.Core.Tickets;
using Guanjia.WeCom.Fake.LongConnection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Guanjia.Bot.Tests.Cards;

/// <summary>
/// Cards and clicks as the checks outside drive them: over the fake long-connection server speaking the
/// official frames, and once through the bot's webhook callback.
/// </summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed partial class CardClickTests(ITestOutputHelper output) : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string WuhuashanGroup = "wrkSFfCgAAwuhuashan";
    private const string SanitationGroup = "wrkSFfCgAAsanit";
    private static readonly TimeSpan ClickDeadline = TimeSpan.FromSeconds(5);

    private readonly GuanjiaFactory _factory = new();
    private FakeLongConnectionServer _server = null!;

    public async Task InitializeAsync()
    {
        await _factory.InitializeAsync();
        _server = await FakeLongConnectionServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await ((IAsyncLifetime)_factory).DisposeAsync();
    }

    [Fact]
    public async Task LongConnection_GroupReport_IsAcknowledgedOnItsReqId_AndTheDepartmentCardsAcceptWorksOnlyForAMember()
    {
        await using var app = LongConnectionApp();
        _ = app.Server;
        await _server.WaitUntilAsync(s => s.IsSubscribed, TimeSpan.FromSeconds(30));

        var reported = Stopwatch.StartNew();
        var reqId = await _server.PushTextAsync("lihua", "南路74号院门口垃圾桶满了，溢出来了，麻烦环卫来拉一下", chatId: WuhuashanGroup);

        var ack = await _server.WaitForFrameAsync(f => f.Cmd == "aibot_respond_msg" && f.ReqId == reqId, TimeSpan.FromSeconds(60));
        output.WriteLine($"report acknowledged on its req_id after {reported.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(reported.Elapsed < ClickDeadline, $"acknowledgement took {reported.Elapsed}");
        var content = ack.Body.GetProperty("markdown").GetProperty("content").GetString()!;
        var number = int.Parse(TicketNumber().Match(content).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var dispatch = await _server.WaitForFrameAsync(
            f => f.Cmd == "aibot_send_msg" && f.Body.GetProperty("chatid").GetString() == SanitationGroup && f.Body.GetProperty("msgtype").GetString() == "template_card",
            TimeSpan.FromSeconds(30));
        var card = dispatch.Body.GetProperty("template_card");
        Assert.Equal("button_interaction", card.GetProperty("card_type").GetString());
        Assert.Equal([$"accept:{number}", $"reject:{number}", $"done:{number}"],
            card.GetProperty("button_list").EnumerateArray().Select(b => b.GetProperty("key").GetString()));
        var taskId = card.GetProperty("task_id").GetString()!;

        // Someone who is not a member of the department: refused, shown to them only, nothing changes.
        var stopwatch = Stopwatch.StartNew();
        var refusedClick = await _server.PushCardClickAsync("lihua", $"accept:{number}", taskId, chatId: SanitationGroup);
        var refusal = await _server.WaitForFrameAsync(f => f.Cmd == "aibot_respond_update_msg" && f.ReqId == refusedClick, ClickDeadline);
        Assert.True(stopwatch.Elapsed < ClickDeadline, $"refusal took {stopwatch.Elapsed}");
        Assert.Equal(["lihua"], refusal.Body.GetProperty("userids").EnumerateArray().Select(u => u.GetString()));
        Assert.Contains("权限", refusal.Body.GetProperty("template_card").GetProperty("sub_title_text").GetString(), StringComparison.Ordinal);
        Assert.Equal(TicketStatus.Dispatched, await StatusAsync(app, number));

        // A member: accepted, the card shows it to everyone.
        stopwatch.Restart();
        var memberClick = await _server.PushCardClickAsync("hw-gao", $"accept:{number}", taskId, chatId: SanitationGroup);
        var update = await _server.WaitForFrameAsync(f => f.Cmd == "aibot_respond_update_msg" && f.ReqId == memberClick, ClickDeadline);
        var answeredIn = stopwatch.Elapsed;
        output.WriteLine($"member's click answered after {answeredIn.TotalMilliseconds:F0} ms");
        Assert.True(answeredIn < ClickDeadline, $"update took {answeredIn}");
        Assert.False(update.Body.TryGetProperty("userids", out _));
        var updated = update.Body.GetProperty("template_card");
        Assert.Equal(taskId, updated.GetProperty("task_id").GetString());
        Assert.Equal("已接单", updated.GetProperty("emphasis_content").GetProperty("title").GetString());
        Assert.Equal("已由 五华区环卫华山片区 接单", updated.GetProperty("emphasis_content").GetProperty("desc").GetString());
        Assert.False(updated.TryGetProperty("button_list", out _));
        // The outcome only: the card no longer tells anyone to tap or type.
        Assert.DoesNotContain("回复", updated.GetProperty("sub_title_text").GetString(), StringComparison.Ordinal);
        Assert.Contains("回复“接单", card.GetProperty("sub_title_text").GetString(), StringComparison.Ordinal);
        Assert.Equal(TicketStatus.Accepted, await StatusAsync(app, number));
    }

    [Fact]
    public async Task LongConnection_DoneClick_SendsTheReporterARatingCardInTheirGroup()
    {
        await using var app = LongConnectionApp();
        _ = app.Server;
        await _server.WaitUntilAsync(s => s.IsSubscribed, TimeSpan.FromSeconds(30));
        var number = await SeedAsync(app);

        var click = await _server.PushCardClickAsync("hw-gao", $"done:{number}", $"gj-dispatch-{number}", chatId: SanitationGroup);

        var update = await _server.WaitForFrameAsync(f => f.Cmd == "aibot_respond_update_msg" && f.ReqId == click, ClickDeadline);
        Assert.Equal("已办结", update.Body.GetProperty("template_card").GetProperty("emphasis_content").GetProperty("title").GetString());
        var rating = await _server.WaitForFrameAsync(
            f => f.Cmd == "aibot_send_msg" && f.Body.GetProperty("chatid").GetString() == WuhuashanGroup && f.Body.GetProperty("msgtype").GetString() == "template_card",
            TimeSpan.FromSeconds(30));
        Assert.Equal([$"rate:{number}:1", $"rate:{number}:2", $"rate:{number}:3", $"reopen:{number}"],
            rating.Body.GetProperty("template_card").GetProperty("button_list").EnumerateArray().Select(b => b.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task Webhook_CardClick_IsAnsweredInTheResponse_WithTheEncryptedCardUpdate()
    {
        var client = _factory.CreateClient();
        var number = await SeedAsync(_factory);

        var refused = await ClickAsync(client, "msg-click-1", "lihua", $"accept:{number}");
        var stopwatch = Stopwatch.StartNew();
        var accepted = await ClickAsync(client, "msg-click-2", "hw-gao", $"accept:{number}");
        Assert.True(stopwatch.Elapsed < ClickDeadline);
        var again = await _factory.CreateClient().SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), ClickJson("msg-click-2", "hw-gao", $"accept:{number}")));

        Assert.Equal(["lihua"], refused.GetProperty("userids").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("update_template_card", accepted.GetProperty("response_type").GetString());
        Assert.Equal("已接单", accepted.GetProperty("template_card").GetProperty("emphasis_content").GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(TicketStatus.Accepted, await StatusAsync(_factory, number));
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Tickets.SelectMany(t => t.Events).CountAsync(e => e.Kind == "accepted")));
    }

    private async Task<JsonElement> ClickAsync(HttpClient client, string msgId, string userId, string key)
    {
        var response = await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), ClickJson(msgId, userId, key)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var envelope = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = envelope.RootElement;
        var encrypt = root.GetProperty("encrypt").GetString()!;
        Assert.Equal(_factory.BotCrypto().ComputeSignature(root.GetProperty("timestamp").GetString()!, root.GetProperty("nonce").GetString()!, encrypt),
            root.GetProperty("msgsignature").GetString());
        using var plain = JsonDocument.Parse(_factory.BotCrypto().Decrypt(encrypt).Value!);
        return plain.RootElement.Clone();
    }

    private static string ClickJson(string msgId, string userId, string key) =>
        JsonSerializer.Serialize(new
        {
            msgid = msgId,
            aibotid = "aibot-test",
            chatid = SanitationGroup,
            chattype = "group",
            from = new { userid = userId },
            msgtype = "event",
            create_time = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            @event = new
            {
                eventtype = "template_card_event",
                template_card_event = new { card_type = "button_interaction", event_key = key, task_id = "gj-dispatch-1" },
            },
        });

    private WebApplicationFactory<Program> LongConnectionApp() =>
        _factory.WithWebHostBuilder(b => b
            .UseSetting("WeCom:Bot:Mode", "LongConnection")
            .UseSetting("WeCom:Bot:Id", _server.BotId)
            .UseSetting("WeCom:Bot:Secret", _server.Secret)
            .UseSetting("WeCom:Bot:WebSocketUrl", _server.Url.ToString()));

    private static async Task<int> SeedAsync(WebApplicationFactory<Program> app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Guanjia.Core.Storage.GuanjiaDbContext>();
        var now = DateTimeOffset.UtcNow;
        var ticket = new Ticket
        {
            Status = TicketStatus.Dispatched,
            Category = "garbage",
            Community = "wuhuashan",
            Compound = "hsnl-74",
            Department = "sanitation",
            Reporter = "lihua",
            Text = "74号院门口垃圾桶满了",
            Conversation = WuhuashanGroup,
            CreatedAt = now,
            DispatchedAt = now,
            DueAt = now.AddHours(4),
        };
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync();
        return ticket.Number;
    }

    private static async Task<TicketStatus> StatusAsync(WebApplicationFactory<Program> app, int number)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Guanjia.Core.Storage.GuanjiaDbContext>();
        return await db.Tickets.Where(t => t.Number == number).Select(t => t.Status).SingleAsync();
    }

    [GeneratedRegex(@"#(\d+)")]
    private static partial Regex TicketNumber();
}
