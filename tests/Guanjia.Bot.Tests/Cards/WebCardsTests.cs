using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Guanjia.WeCom.Fake;
using Guanjia.WeCom.Fake.LongConnection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Bot.Tests.Cards;

/// <summary>
/// The gaps of issue 14 at the wire: the person a group message addresses is mentioned, the app carries cards in
/// webhook mode (sent with message/send, clicks on /wecom/callback answered with message/update_template_card), and
/// over the long connection a group known only by its chat id gets everything through the bot, photos included.
/// </summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed partial class WebCardsTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string WuhuashanGroup = "wrkSFfCgAAwuhuashan";
    private const string WuhuashanRobot = "5f2c0d3e-0000-4000-8000-000000000001";
    private const string SanitationGroup = "wrkSFfCgAAsanit";
    private const string StreetGroup = "wrkSFfCgAAstreet";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly GuanjiaFactory _factory = new();
    private FakeLongConnectionServer _server = null!;
    private string? _chatOnlyConfig;

    public async Task InitializeAsync()
    {
        await _factory.InitializeAsync();
        _server = await FakeLongConnectionServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await ((IAsyncLifetime)_factory).DisposeAsync();
        if (_chatOnlyConfig is not null)
        {
            File.Delete(_chatOnlyConfig);
        }
    }

    [Fact]
    public async Task WebhookGroup_AcknowledgementAndResolvedNotice_MentionTheReporter()
    {
        var client = _factory.CreateClient();
        var ackUrl = _factory.WeCom.NewResponseUrl();

        await PostAsync(client, SignedCallbacks.BotGroupText("wc-report-1", "lihua", WuhuashanGroup, "南路74号院门口垃圾桶满了，溢出来了，麻烦环卫来拉一下", ackUrl.ToString()));
        var ack = await OneAsync(m => m.Kind == RecordedMessageKind.ResponseUrl && ackUrl.Query.Contains(m.Target, StringComparison.Ordinal));
        var ackText = MarkdownOf(ack);
        var number = Number(ackText);
        await PostAsync(client, SignedCallbacks.BotGroupText("wc-done-1", "hw-gao", SanitationGroup, $"办结 {number}", _factory.WeCom.NewResponseUrl().ToString()));
        var resolved = await OneAsync(m => m.Kind == RecordedMessageKind.Webhook && m.Target == WuhuashanRobot && MarkdownOf(m).Contains($"#{number}", StringComparison.Ordinal));

        Assert.StartsWith("<@lihua> ", ackText, StringComparison.Ordinal);
        Assert.StartsWith("<@lihua> ", MarkdownOf(resolved), StringComparison.Ordinal);
        Assert.Contains("已办结", MarkdownOf(resolved), StringComparison.Ordinal);
        // The member's own answer in the department group names them, not the reporter.
        var answer = await OneAsync(m => m.Kind == RecordedMessageKind.ResponseUrl && m.Target != ack.Target);
        Assert.StartsWith("<@hw-gao> ", MarkdownOf(answer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebhookGroup_QuestionForTheMissingPlace_MentionsWhoItAsks()
    {
        var client = _factory.CreateClient();
        var url = _factory.WeCom.NewResponseUrl();

        // zhoumin looks after two compounds, so a report that names none is asked which.
        await PostAsync(client, SignedCallbacks.BotGroupText("wc-report-2", "zhoumin", WuhuashanGroup, "楼道里堆满了快递盒子，过不去人", url.ToString()));
        var ack = await OneAsync(m => m.Kind == RecordedMessageKind.ResponseUrl && url.Query.Contains(m.Target, StringComparison.Ordinal));

        Assert.StartsWith("<@zhoumin> ", MarkdownOf(ack), StringComparison.Ordinal);
        Assert.Contains("请补充具体小区", MarkdownOf(ack), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebhookOneToOne_AppReportResolved_ReporterGetsARatingCard_AndOnlyTheirClickRatesIt()
    {
        var client = _factory.CreateClient();
        var number = await SeedAsync(_factory, TicketStatus.Dispatched, conversation: "lihua");
        await PostAsync(client, SignedCallbacks.BotGroupText("wc-done-2", "hw-gao", SanitationGroup, $"办结 {number}", _factory.WeCom.NewResponseUrl().ToString()));

        var sent = await OneAsync(m => m.Kind == RecordedMessageKind.App && m.MsgType == "template_card" && m.Target == "lihua");
        using var body = JsonDocument.Parse(sent.Json);
        var card = body.RootElement.GetProperty("template_card");
        Assert.Equal("button_interaction", card.GetProperty("card_type").GetString());
        Assert.Equal([$"rate:{number}:1", $"rate:{number}:2", $"rate:{number}:3", $"reopen:{number}"],
            card.GetProperty("button_list").EnumerateArray().Select(b => b.GetProperty("key").GetString()));
        var taskId = card.GetProperty("task_id").GetString()!;
        var notice = await OneAsync(m => m.Kind == RecordedMessageKind.App && m.MsgType == "text" && m.Target == "lihua" && m.Json.Contains($"#{number}", StringComparison.Ordinal));
        Assert.Contains("下方卡片", notice.Json, StringComparison.Ordinal);

        // Someone else's click (a card forwarded, say) is refused for them alone and changes nothing.
        var otherCode = _factory.WeCom.IssueResponseCode();
        var refused = await AppClickAsync(client, "wangwu", $"rate:{number}:3", taskId, otherCode);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var refusal = await OneAsync(m => m.Kind == RecordedMessageKind.CardUpdate && m.Target == otherCode);
        using (var r = JsonDocument.Parse(refusal.Json))
        {
            Assert.Equal(["wangwu"], r.RootElement.GetProperty("userids").EnumerateArray().Select(u => u.GetString()));
            Assert.StartsWith("⚠", r.RootElement.GetProperty("template_card").GetProperty("sub_title_text").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(TicketStatus.Resolved, await StatusAsync(_factory, number));

        // The reporter's click rates and closes it; the card shows the outcome to everyone, buttons gone.
        var code = _factory.WeCom.IssueResponseCode();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var clicked = await AppClickAsync(client, "lihua", $"rate:{number}:1", taskId, code);
        output.WriteLine($"app card click answered (card updated) after {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"the click took {stopwatch.Elapsed}");
        Assert.Equal(HttpStatusCode.OK, clicked.StatusCode);
        Assert.Empty(await clicked.Content.ReadAsByteArrayAsync());
        var update = await OneAsync(m => m.Kind == RecordedMessageKind.CardUpdate && m.Target == code);
        using var u = JsonDocument.Parse(update.Json);
        Assert.Equal(1, u.RootElement.GetProperty("atall").GetInt32());
        Assert.False(u.RootElement.TryGetProperty("userids", out _));
        var updated = u.RootElement.TryGetProperty("template_card", out var c) ? c.GetProperty("emphasis_content").GetProperty("title").GetString()
            : u.RootElement.GetProperty("button").GetProperty("replace_name").GetString();
        Assert.Equal("已评价：满意", updated);
        var ticket = await TicketAsync(_factory, number);
        Assert.Equal((TicketStatus.Closed, Satisfactions.Satisfied), (ticket.Status, ticket.Satisfaction));

        // WeCom may deliver the same click again: nothing more happens.
        var again = await AppClickAsync(client, "lihua", $"rate:{number}:1", taskId, code);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single(_factory.WeCom.Messages, m => m.Kind == RecordedMessageKind.CardUpdate && m.Target == code);
        Assert.Equal(1, await _factory.WithDbAsync(db => db.TicketEvents.CountAsync(e => e.TicketNumber == number && e.Kind == TicketEventKinds.Rated)));
    }

    [Fact]
    public async Task WebhookOneToOne_SecretaryGetsTheExtensionCard_AndTheirClickMovesTheDeadline()
    {
        var client = _factory.CreateClient();
        var number = await SeedAsync(_factory, TicketStatus.Accepted, conversation: WuhuashanGroup);
        var due = (await TicketAsync(_factory, number)).DueAt;
        await PostAsync(client, SignedCallbacks.BotGroupText("wc-extend-1", "hw-gao", SanitationGroup, $"延期 {number} 2天 需要调车", _factory.WeCom.NewResponseUrl().ToString()));

        var sent = await OneAsync(m => m.Kind == RecordedMessageKind.App && m.MsgType == "template_card" && m.Json.Contains($"extend-ok:{number}", StringComparison.Ordinal));
        Assert.Equal("chenjing", sent.Target);
        using var body = JsonDocument.Parse(sent.Json);
        var taskId = body.RootElement.GetProperty("template_card").GetProperty("task_id").GetString()!;
        var code = _factory.WeCom.IssueResponseCode();
        var response = await AppClickAsync(client, "chenjing", $"extend-ok:{number}", taskId, code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var update = await OneAsync(m => m.Kind == RecordedMessageKind.CardUpdate && m.Target == code);
        Assert.Contains("已同意延期", update.Json, StringComparison.Ordinal);
        Assert.True((await TicketAsync(_factory, number)).DueAt > due);
    }

    [Fact]
    public async Task LongConnection_GroupReport_AcknowledgementOnTheReqIdMentionsTheReporter_AndTheRatingCardFollowsAMention()
    {
        await using var app = LongConnectionApp();
        _ = app.Server;
        await _server.WaitUntilAsync(s => s.IsSubscribed, Wait);

        var reqId = await _server.PushTextAsync("lihua", "南路74号院门口垃圾桶满了，溢出来了，麻烦环卫来拉一下", chatId: WuhuashanGroup);
        var ack = await _server.WaitForFrameAsync(f => f.Cmd == "aibot_respond_msg" && f.ReqId == reqId, Wait);
        var ackText = ack.Body.GetProperty("markdown").GetProperty("content").GetString()!;
        var number = Number(ackText);
        await _server.PushCardClickAsync("hw-gao", $"done:{number}", $"gj-dispatch-{number}", chatId: SanitationGroup);
        var mention = await _server.WaitForFrameAsync(
            f => f.Cmd == "aibot_send_msg" && f.Body.GetProperty("chatid").GetString() == WuhuashanGroup && f.Body.GetProperty("msgtype").GetString() == "markdown"
                && f.Body.GetProperty("markdown").GetProperty("content").GetString()!.Contains($"#{number}", StringComparison.Ordinal),
            Wait);
        var card = await _server.WaitForFrameAsync(
            f => f.Cmd == "aibot_send_msg" && f.Body.GetProperty("chatid").GetString() == WuhuashanGroup && f.Body.GetProperty("msgtype").GetString() == "template_card",
            Wait);

        Assert.StartsWith("<@lihua> ", ackText, StringComparison.Ordinal);
        var mentionText = mention.Body.GetProperty("markdown").GetProperty("content").GetString()!;
        Assert.StartsWith("<@lihua> ", mentionText, StringComparison.Ordinal);
        Assert.Contains("下方卡片", mentionText, StringComparison.Ordinal);
        Assert.Contains("只有上报人的点击有效", card.Body.GetProperty("template_card").GetProperty("sub_title_text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongConnection_GroupsWithOnlyAChatId_GetRemindersDigestsAndChartsThroughTheBot()
    {
        await using var app = LongConnectionApp(chatOnly: true);
        _ = app.Server;
        await _server.WaitUntilAsync(s => s.IsSubscribed, Wait);
        var number = await SeedAsync(app, TicketStatus.Dispatched, conversation: WuhuashanGroup, overdue: true);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GuanjiaFactory.ApiKey);

        (await client.PostAsync("/api/jobs/reminder-scan/run", null)).EnsureSuccessStatusCode();
        (await client.PostAsync("/api/jobs/daily-digest/run", null)).EnsureSuccessStatusCode();
        (await client.PostAsync("/api/jobs/weekly-report/run", null)).EnsureSuccessStatusCode();

        await MarkdownToAsync(SanitationGroup, $"#{number}");
        await MarkdownToAsync(WuhuashanGroup, $"#{number}");
        await MarkdownToAsync(WuhuashanGroup, "日报");
        await MarkdownToAsync(StreetGroup, "周报");
        // The charts: uploaded in chunks over the connection, then sent by their media_id.
        var image = await _server.WaitForFrameAsync(
            f => f.Cmd == "aibot_send_msg" && f.Body.GetProperty("chatid").GetString() == WuhuashanGroup && f.Body.GetProperty("msgtype").GetString() == "image", Wait);
        var mediaId = image.Body.GetProperty("image").GetProperty("media_id").GetString()!;
        Assert.True(_server.UploadedMedia.TryGetValue(mediaId, out var png));
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], png![..4]);
        Assert.Contains(_server.Frames, f => f.Cmd == "aibot_upload_media_init");
        Assert.DoesNotContain(_factory.WeCom.Messages, m => m.Kind == RecordedMessageKind.Webhook);
        Assert.DoesNotContain(_factory.WeCom.Messages, m => m.Kind == RecordedMessageKind.App && m.Target.Contains("hw-gao", StringComparison.Ordinal));
    }

    private async Task MarkdownToAsync(string chat, string needle) =>
        await _server.WaitForFrameAsync(
            f => f.Cmd == "aibot_send_msg" && f.Body.GetProperty("chatid").GetString() == chat && f.Body.GetProperty("msgtype").GetString() == "markdown"
                && f.Body.GetProperty("markdown").GetProperty("content").GetString()!.Contains(needle, StringComparison.Ordinal),
            Wait);

    private WebApplicationFactory<Program> LongConnectionApp(bool chatOnly = false) =>
        _factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("WeCom:Bot:Mode", "LongConnection")
                .UseSetting("WeCom:Bot:Id", _server.BotId)
                .UseSetting("WeCom:Bot:Secret", _server.Secret)
                .UseSetting("WeCom:Bot:WebSocketUrl", _server.Url.ToString());
            if (chatOnly)
            {
                b.UseSetting("Community:File", ChatOnlyConfig());
            }
        });

    // The sample community with every group robot removed: its groups are known by their chat ids only.
    private string ChatOnlyConfig()
    {
        var yaml = File.ReadAllText(Path.Combine(GuanjiaFactory.RepoRoot, "config", "community.yaml"));
        yaml = RobotKeyField().Replace(yaml, "");
        yaml = RobotKeyLine().Replace(yaml, "");
        Assert.DoesNotMatch(@"(?m)^[^#\n]*robotKey:", yaml);
        _chatOnlyConfig = Path.Combine(Path.GetTempPath(), $"guanjia-chat-only-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(_chatOnlyConfig, yaml);
        return _chatOnlyConfig;
    }

    private async Task<RecordedMessage> OneAsync(Func<RecordedMessage, bool> predicate) =>
        (await _factory.WeCom.WaitForMessagesAsync(predicate, timeout: Wait))[0];

    private async Task PostAsync(HttpClient client, string plaintext)
    {
        using var response = await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), plaintext));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // A click on the app's card as WeCom posts it: template_card_event with the click's response code.
    private async Task<HttpResponseMessage> AppClickAsync(HttpClient client, string user, string key, string taskId, string responseCode)
    {
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var xml = string.Create(CultureInfo.InvariantCulture, $"""
            <xml><ToUserName><![CDATA[{_factory.WeCom.CorpId}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>
            <CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>
            <EventKey><![CDATA[{key}]]></EventKey><TaskId><![CDATA[{taskId}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>
            <ResponseCode><![CDATA[{responseCode}]]></ResponseCode><AgentID>{_factory.WeCom.AgentId}</AgentID></xml>
            """);
        var crypto = _factory.AppCrypto();
        var encrypted = crypto.Encrypt(xml).Value!;
        var timestamp = created.ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var signature = crypto.ComputeSignature(timestamp, nonce, encrypted);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/wecom/callback?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}")
        {
            Content = new StringContent(
                $"<xml><ToUserName><![CDATA[{_factory.WeCom.CorpId}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID><![CDATA[{_factory.WeCom.AgentId}]]></AgentID></xml>",
                Encoding.UTF8,
                "text/xml"),
        };
        return await client.SendAsync(request);
    }

    private static string MarkdownOf(RecordedMessage message)
    {
        using var document = JsonDocument.Parse(message.Json);
        return document.RootElement.TryGetProperty("markdown", out var md) ? md.GetProperty("content").GetString()! : "";
    }

    private static int Number(string text) => int.Parse(TicketNumber().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);

    private static async Task<int> SeedAsync(WebApplicationFactory<Program> app, TicketStatus status, string conversation, bool overdue = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        var now = DateTimeOffset.UtcNow;
        var ticket = new Ticket
        {
            Status = status,
            Category = "garbage",
            Community = "wuhuashan",
            Compound = "hsnl-74",
            Department = "sanitation",
            Reporter = "lihua",
            Text = "74号院门口垃圾桶满了",
            Conversation = conversation,
            CreatedAt = now.AddHours(overdue ? -5 : 0),
            DispatchedAt = now.AddHours(overdue ? -5 : 0),
            AcceptedAt = status == TicketStatus.Accepted ? now : null,
            DueAt = now.AddHours(overdue ? -1 : 4),
        };
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync();
        return ticket.Number;
    }

    private static async Task<Ticket> TicketAsync(WebApplicationFactory<Program> app, int number)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        return await db.Tickets.AsNoTracking().SingleAsync(t => t.Number == number);
    }

    private static async Task<TicketStatus> StatusAsync(WebApplicationFactory<Program> app, int number) => (await TicketAsync(app, number)).Status;

    [GeneratedRegex(@"#(\d+)")]
    private static partial Regex TicketNumber();

    [GeneratedRegex(@",\s*robotKey:\s*[^,}]+")]
    private static partial Regex RobotKeyField();

    [GeneratedRegex(@"(?m)^\s*robotKey:.*\n")]
    private static partial Regex RobotKeyLine();
}
