using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Guanjia.Core.Outbox;
using Guanjia.Core.Tickets;
using Guanjia.WeCom.Fake;
using Microsoft.EntityFrameworkCore;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Guanjia.Bot.Tests.Commands;

/// <summary>
/// One working day through encrypted bot callbacks: reports, every lifecycle command, and a
/// dozen refused attempts that must change nothing.
/// </summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class ScriptedDayTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Wuhuashan = "wrkSFfCgAAwuhuashan";
    private const string Cuihu = "wrkSFfCgAAcuihu";
    private const string Sanitation = "wrkSFfCgAAsanit";
    private const string Chuncheng = "wrkSFfCgAAchuncheng";
    private const string Municipal = "wrkSFfCgAAmunicipal";
    private const string Urban = "wrkSFfCgAAurban";
    private const string WuhuashanRobot = "5f2c0d3e-0000-4000-8000-000000000001";
    private const string StreetRobot = "5f2c0d3e-0000-4000-8000-000000000010";
    private const string SanitationRobot = "5f2c0d3e-0000-4000-8000-000000000011";
    private const string ChunchengRobot = "5f2c0d3e-0000-4000-8000-000000000012";
    private const string UrbanRobot = "5f2c0d3e-0000-4000-8000-000000000018";
    private const string MunicipalRobot = "5f2c0d3e-0000-4000-8000-000000000019";

    private readonly GuanjiaFactory _factory = new();
    private HttpClient _client = null!;
    private int _sent;

    public async Task InitializeAsync()
    {
        await _factory.InitializeAsync();
        _client = _factory.CreateClient();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)_factory).DisposeAsync();

    [Fact]
    public async Task ScriptedDay_LeavesEveryTicketInItsStatus_WithCompleteHistory_AndRefusalsChangeNothing()
    {
        // Reports.
        var t1 = await ReportAsync("lihua", "南路74号院门口垃圾桶满了，溢出来了，麻烦环卫来拉一下");
        var t2 = await ReportAsync("zhoumin", "华山东路126号院门口有辆车乱停，把消防通道堵住了");
        var t3 = await ReportAsync("wanggang", "五华山小区3栋楼道的灯坏了，晚上一片漆黑");
        // The same problem from a second steward is a duplicate for the secretary to merge; the same
        // reporter's next message in the merge window would instead add a detail to their ticket.
        var t4 = await ReportAsync("zhoumin", "五华山小区3栋楼道灯不亮，老人上下楼不方便");
        var t5 = await ReportAsync("lihua", "南路74号院有人从楼上私拉电线给电动车充电");
        Assert.Equal("sanitation", (await TicketAsync(t1)).Department);

        // T1: 接单 by quoting the dispatch, 办结 with an after-photo, the reporter 确认.
        await RefusedAsync("lihua", $"接单 {t1}", Wuhuashan, "没有使用“接单”的权限");
        await RefusedAsync("cc-he", $"接单 {t1}", Chuncheng, "不是派给贵单位的");
        await RefusedAsync("hw-gao", $"接单 {t1}", Wuhuashan, "请在本部门群");
        await RefusedAsync("hw-gao", "接单 999", Sanitation, "没有找到工单 #999");
        await RefusedAsync("hw-gao", "/接单 abc", Sanitation, "应为数字");
        await SayAsync("hw-gao", "接单", Sanitation, quoted: $"新工单 #{t1}\n> 分类：垃圾清运");
        await RefusedAsync("hw-gao", $"退回 {t1}", Sanitation, "缺少“原因”");
        await RefusedAsync("cg-zheng", $"办结 {t1}", Urban, "不是派给贵单位的");
        await SayAsync("hw-gao", $"办结 {t1} 已清运", Sanitation, photo: true);
        await RefusedAsync("zhoumin", $"确认 {t1}", Wuhuashan, "不属于您负责的社区");
        await SayAsync("lihua", $"确认 {t1}", Wuhuashan);

        // T2: 改类 → municipal 退回 → 派单 urban → 接单 → 办结 → 重办 → 升级.
        await SayAsync("chenjing", $"改类 {t2} 市政设施", Wuhuashan);
        await SayAsync("sz-feng", $"退回 {t2} 车辆乱停不属于市政管辖", Municipal);
        await RefusedAsync("chenjing", $"派单 {t2}", Wuhuashan, "缺少“部门”");
        await RefusedAsync("liuyang", $"派单 {t2} urban", Cuihu, "不属于您负责的社区");
        await SayAsync("chenjing", $"派单 {t2} 城管华山中队", Wuhuashan);
        await SayAsync("cg-zheng", $"接单 #{t2}", Urban);
        await SayAsync("cg-zheng", $"办结 {t2} 已劝离", Urban);
        await RefusedAsync("lihua", $"确认 {t2}", Wuhuashan, "不属于您负责的社区");
        await SayAsync("zhoumin", $"重办 {t2} 车又停回来了", Wuhuashan);
        await RefusedAsync("lihua", $"升级 {t2}", Wuhuashan, "没有使用“升级”的权限");
        await SayAsync("zhaolei", $"升级 {t2} 反复发生，请街道协调", chat: null);

        // T4 merges into T3; T5 is cancelled by its reporter.
        await RefusedAsync("chenjing", $"合并 {t4} {t4}", Wuhuashan, "不能把工单并入它自己");
        await SayAsync("chenjing", $"合并 {t4} {t3}", Wuhuashan);
        await RefusedAsync("yangfang", $"撤销 {t5}", Cuihu, "不属于您负责的社区");
        await SayAsync("lihua", $"撤销 {t5}", Wuhuashan);
        await RefusedAsync("lihua", $"确认 {t5}", Wuhuashan, "不能确认");

        // Final statuses and complete histories.
        var one = await TicketAsync(t1);
        Assert.Equal(TicketStatus.Closed, one.Status);
        Assert.Equal(["created", "dispatched", "accepted", "resolved", "closed"], Kinds(one));
        var after = Assert.Single(one.Photos, p => p.Stage == "after");
        Assert.Equal(after.PhotoId, one.Events.Single(e => e.Kind == "resolved").Photos);
        Assert.True(one.AcceptedAt >= one.DispatchedAt);

        var two = await TicketAsync(t2);
        Assert.Equal((TicketStatus.Dispatched, "urban", "public-works"), (two.Status, two.Department, two.Category));
        Assert.Equal(
            ["created", "dispatched", "recategorised", "dispatched", "returned", "dispatched", "accepted", "resolved", "reopened", "escalated"],
            Kinds(two));
        Assert.NotNull(two.EscalatedAt);
        Assert.All(two.Events.Skip(2), e => Assert.NotEqual("guanjia", e.By));

        var three = await TicketAsync(t3);
        Assert.Equal(TicketStatus.Dispatched, three.Status);
        Assert.Contains(three.Events, e => e.Kind == "merged-in" && e.Note!.Contains("zhoumin", StringComparison.Ordinal));
        var four = await TicketAsync(t4);
        Assert.Equal((TicketStatus.Merged, t3), (four.Status, four.MergedInto!.Value));
        Assert.Equal(TicketStatus.Cancelled, (await TicketAsync(t5)).Status);
        Assert.Equal("cancelled", Kinds(await TicketAsync(t5)).Last());

        // The API shows the history with from/to and the after-photo's stage.
        var api = _factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GuanjiaFactory.ApiKey);
        var dto = await api.GetFromJsonAsync<JsonElement>($"/api/tickets/{t1}");
        Assert.Equal("closed", dto.GetProperty("status").GetString());
        var resolved = dto.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "resolved");
        Assert.Equal(("accepted", "resolved"), (resolved.GetProperty("from").GetString(), resolved.GetProperty("to").GetString()));
        Assert.Equal(after.PhotoId, resolved.GetProperty("photos")[0].GetString());
        Assert.Contains(dto.GetProperty("photos").EnumerateArray(), p => p.GetProperty("stage").GetString() == "after");

        // What went out to WeCom.
        var wecom = _factory.WeCom;
        var timeout = TimeSpan.FromSeconds(60);
        await wecom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.Webhook && m.Target == MunicipalRobot && m.Json.Contains($"#{t2}", StringComparison.Ordinal), timeout: timeout);
        await wecom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.Webhook && m.Target == UrbanRobot && m.Json.Contains($"#{t2}", StringComparison.Ordinal), count: 2, timeout: timeout);
        await wecom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.Webhook && m.Target == StreetRobot && m.Json.Contains("反复发生", StringComparison.Ordinal), timeout: timeout);
        await wecom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.Webhook && m.Target == WuhuashanRobot && m.MsgType == "image", timeout: timeout);
        await wecom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.Webhook && m.Target == WuhuashanRobot && m.Json.Contains("车辆乱停不属于市政管辖", StringComparison.Ordinal), timeout: timeout);
        await wecom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.Webhook && m.Target == SanitationRobot && m.Json.Contains($"#{t1}", StringComparison.Ordinal), timeout: timeout);
        var answers = await wecom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.ResponseUrl && m.Json.Contains("用法", StringComparison.Ordinal), count: 15, timeout: timeout);
        Assert.Equal(15, answers.Count);
    }

    [Fact]
    public async Task Conversation_GreetingMakesNoTicket_FollowUpPlaceCompletesAndReRoutes_AddAttachesAPhoto()
    {
        // Small talk: answered, no ticket.
        var hello = await SayAsync("lihua", "你好", Wuhuashan);
        Assert.Equal(0, await _factory.WithDbAsync(db => db.Tickets.CountAsync()));
        Assert.Contains("帮助", (await AnswerAsync(hello)).Content, StringComparison.Ordinal);

        // A report without a place asks for it; the next message names it: one ticket, re-routed.
        var asked = await SayAsync("zhoumin", "楼道的灯坏了，晚上一片漆黑", Wuhuashan);
        Assert.Contains("请补充具体小区", (await AnswerAsync(asked)).Content, StringComparison.Ordinal);
        var n = await _factory.WithDbAsync(db => db.Tickets.MaxAsync(t => t.Number));
        Assert.Equal("wuhuashan-office", (await TicketAsync(n)).Department);

        var place = await SayAsync("zhoumin", "是华山南路74号院", Wuhuashan);
        Assert.Contains($"已补充到工单 #{n}", (await AnswerAsync(place)).Content, StringComparison.Ordinal);
        var ticket = await TicketAsync(n);
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Tickets.CountAsync()));
        Assert.Equal(("hsnl-74", "chuncheng"), (ticket.Compound, ticket.Department));
        Assert.Contains(ticket.Events, e => e.Kind == TicketEventKinds.PlaceAdded);

        // Thanks is conversation; 补充 with a photo adds it and sends it to the new party.
        await SayAsync("zhoumin", "好的谢谢", Wuhuashan);
        await SayAsync("zhoumin", $"补充 {n} 3栋门口那盏", Wuhuashan, photo: true);
        ticket = await TicketAsync(n);
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Tickets.CountAsync()));
        Assert.Single(ticket.Photos, p => p.Stage == PhotoStages.Before);
        Assert.Contains("3栋门口那盏", ticket.Text, StringComparison.Ordinal);

        var wecom = _factory.WeCom;
        var timeout = TimeSpan.FromSeconds(60);
        await wecom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.Webhook && m.Target == ChunchengRobot && m.Json.Contains($"新工单 #{n}", StringComparison.Ordinal), timeout: timeout);
        await wecom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.Webhook && m.Target == ChunchengRobot && m.MsgType == "image", timeout: timeout);
        await wecom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.Webhook && m.Target == WuhuashanRobot && m.Json.Contains("无需再处理", StringComparison.Ordinal), timeout: timeout);
    }

    private Task<OutboxMessage> AnswerAsync(string responseUrl) =>
        _factory.WithDbAsync(db => db.Outbox.SingleAsync(o => o.Target == responseUrl));

    private static List<string> Kinds(Ticket ticket) => [.. ticket.Events.OrderBy(e => e.Id).Select(e => e.Kind)];

    private async Task<int> ReportAsync(string user, string text)
    {
        await SayAsync(user, text, Wuhuashan);
        return await _factory.WithDbAsync(db => db.Tickets.MaxAsync(t => t.Number));
    }

    private async Task RefusedAsync(string user, string text, string? chat, string expected)
    {
        var before = await SnapshotAsync();
        var responseUrl = await SayAsync(user, text, chat);

        Assert.Equal(before, await SnapshotAsync());
        var answer = await _factory.WithDbAsync(db => db.Outbox.SingleAsync(o => o.Target == responseUrl));
        Assert.Contains(expected, answer.Content, StringComparison.Ordinal);
        Assert.Contains("用法：", answer.Content, StringComparison.Ordinal);
    }

    private Task<string> SnapshotAsync() => _factory.WithDbAsync(async db =>
    {
        var tickets = await db.Tickets.AsNoTracking().OrderBy(t => t.Number)
            .Select(t => new { t.Number, t.Status, t.Department, t.Category, t.Urgent, t.DueAt, t.AcceptedAt, t.MergedInto, t.EscalatedAt })
            .ToListAsync();
        var events = await db.TicketEvents.CountAsync();
        var photos = await db.TicketPhotos.CountAsync();
        var outbound = await db.Outbox.CountAsync(o => o.Channel != OutboxChannel.ResponseUrl);
        return JsonSerializer.Serialize(new { tickets, events, photos, outbound });
    });

    private async Task<Ticket> TicketAsync(int number) => await _factory.WithDbAsync(db =>
        db.Tickets.AsNoTracking().Include(t => t.Events).Include(t => t.Photos).AsSplitQuery().SingleAsync(t => t.Number == number));

    /// <summary>Sends one encrypted bot callback and waits until intake has processed it; returns its response_url.</summary>
    private async Task<string> SayAsync(string user, string text, string? chat, string? quoted = null, bool photo = false)
    {
        var id = ++_sent;
        var responseUrl = _factory.WeCom.NewResponseUrl().ToString();
        var content = chat is null ? text : "@小巷管家 " + text;
        object body = photo
            ? new
            {
                msgtype = "mixed",
                mixed = new
                {
                    msg_item = new object[]
                    {
                        new { msgtype = "text", text = new { content } },
                        new { msgtype = "image", image = new { url = _factory.WeCom.AddDownload(_factory.BotCrypto().EncryptMedia(MakeJpeg(id))).ToString() } },
                    },
                },
            }
            : new { msgtype = "text", text = new { content } };
        var envelope = new Dictionary<string, object?>
        {
            ["msgid"] = $"day-{id}",
            ["aibotid"] = "aibot-test",
            ["chattype"] = chat is null ? "single" : "group",
            ["from"] = new { userid = user },
            ["response_url"] = responseUrl,
        };
        if (chat is not null)
        {
            envelope["chatid"] = chat;
        }

        foreach (var property in JsonSerializer.SerializeToElement(body).EnumerateObject())
        {
            envelope[property.Name] = property.Value;
        }

        if (quoted is not null)
        {
            envelope["quote"] = new { msgtype = "text", text = new { content = quoted } };
        }

        var response = await _client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), JsonSerializer.Serialize(envelope)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _factory.WaitForIntakeAsync(id);
        return responseUrl;
    }

    private static byte[] MakeJpeg(int seed)
    {
        using var image = new Image<Rgb24>(320, 240, new Rgb24((byte)(seed * 37), 120, 60));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }
}
