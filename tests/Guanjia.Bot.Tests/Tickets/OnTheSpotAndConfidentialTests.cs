using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Guanjia.Core.Community;
using Guanjia.Core.Outbox;
using Guanjia.WeCom.Fake;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Guanjia.Bot.Tests.Tickets;

/// <summary>
/// 随手办 and confidential tips through encrypted bot callbacks in the community group: what WeCom
/// receives where, and what <c>/api/tickets/{number}</c> says.
/// </summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed partial class OnTheSpotAndConfidentialTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Wuhuashan = "wrkSFfCgAAwuhuashan";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

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
    public async Task OnTheSpotWithPhoto_IsAClosedOnTheSpotTicket_AndASecurityTipReachesThePoliceButNeverTheGroup()
    {
        var config = _factory.Services.GetRequiredService<CommunityConfig>();
        var communityRobot = config.FindCommunity("wuhuashan")!.RobotKey!;
        var policeRobot = config.FindDepartment("police")!.RobotKey!;

        var fixedIt = await SayAsync("lihua", "随手办 74号院3单元楼道里堆的纸箱，已经和住户一起清走了", photo: true);
        Assert.Contains("已记录随手办", fixedIt, StringComparison.Ordinal);
        var settledNumber = Number(fixedIt);
        var settled = await TicketAsync(settledNumber);
        Assert.Equal("closed", settled.GetProperty("status").GetString());
        Assert.True(settled.GetProperty("onTheSpot").GetBoolean());
        Assert.False(settled.GetProperty("confidential").GetBoolean());
        Assert.Equal(1, settled.GetProperty("photos").GetArrayLength());
        // Never dispatched: no outbox row for this ticket goes to anyone but the steward's reply.
        var settledRows = await _factory.WithDbAsync(db => db.Outbox.AsNoTracking().Where(o => o.TicketNumber == settledNumber).ToListAsync());
        Assert.All(settledRows, o => Assert.Equal(OutboxChannel.ResponseUrl, o.Channel));

        const string detail = "车棚里偷电动车电瓶";
        var tip = await SayAsync("lihua", $"74号院有个穿黑衣服的人经常在{detail}，昨晚又来了");
        Assert.Contains("已收到，已转有关部门处理", tip, StringComparison.Ordinal);
        Assert.DoesNotContain(detail, tip, StringComparison.Ordinal);
        var number = Number(tip);
        var ticket = await TicketAsync(number);
        Assert.True(ticket.GetProperty("confidential").GetBoolean());
        Assert.False(ticket.GetProperty("onTheSpot").GetBoolean());
        Assert.Equal("security", ticket.GetProperty("category").GetString());

        var police = await _factory.WeCom.WaitForMessagesAsync(
            m => m.Kind == RecordedMessageKind.Webhook && m.Target == policeRobot && m.Json.Contains(detail, StringComparison.Ordinal), timeout: Timeout);
        Assert.NotEmpty(police);
        await _factory.WeCom.WaitForMessagesAsync(
            m => m.Kind == RecordedMessageKind.App && m.Target.Contains("chenjing", StringComparison.Ordinal) && m.Json.Contains(detail, StringComparison.Ordinal),
            timeout: Timeout);

        // Every row that could reach the community group, sent or not, and everything WeCom received there.
        var rows = await _factory.WithDbAsync(db => db.Outbox.AsNoTracking().ToListAsync());
        Assert.All(
            rows.Where(o => (o.Channel == OutboxChannel.Robot && o.Target == communityRobot) || (o.Channel == OutboxChannel.ResponseUrl && o.Conversation == Wuhuashan)),
            o => Assert.DoesNotContain(detail, o.Content, StringComparison.Ordinal));
        Assert.All(
            _factory.WeCom.Messages.Where(m => m.Kind == RecordedMessageKind.ResponseUrl || (m.Kind == RecordedMessageKind.Webhook && m.Target == communityRobot)),
            m => Assert.DoesNotContain(detail, Strings(m.Json), StringComparison.Ordinal));
    }

    private async Task<JsonElement> TicketAsync(int number)
    {
        using var api = _factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GuanjiaFactory.ApiKey);
        using var response = await api.GetAsync($"/api/tickets/{number}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static int Number(string answer) => int.Parse(TicketNumber().Match(answer).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex("#(\\d+)")]
    private static partial Regex TicketNumber();

    /// <summary>A bot group message in 五华山社区 (with a photo if asked), and the answer WeCom received at its response_url.</summary>
    private async Task<string> SayAsync(string user, string text, bool photo = false)
    {
        var id = ++_sent;
        var responseUrl = _factory.WeCom.NewResponseUrl();
        var json = photo
            ? SignedCallbacks.BotGroupMixed($"onspot-{id}", user, Wuhuashan, text,
                _factory.WeCom.AddDownload(_factory.BotCrypto().EncryptMedia(Jpeg())).ToString(), responseUrl.ToString())
            : SignedCallbacks.BotGroupText($"onspot-{id}", user, Wuhuashan, text, responseUrl.ToString());
        var response = await _client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _factory.WaitForIntakeAsync(id);

        var responseCode = responseUrl.Query.Split("response_code=")[1];
        var answer = await _factory.WeCom.WaitForMessagesAsync(
            m => m.Kind == RecordedMessageKind.ResponseUrl && m.Target == responseCode, timeout: Timeout);
        return Strings(answer[0].Json);
    }

    /// <summary>Every string in the JSON WeCom received, unescaped.</summary>
    private static string Strings(string json)
    {
        var text = new StringBuilder();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.String)
            {
                text.Append(e.GetString()).Append('\n');
            }
            else if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in e.EnumerateObject())
                {
                    Walk(property.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }

        using var document = JsonDocument.Parse(json);
        Walk(document.RootElement);
        return text.ToString();
    }

    private static byte[] Jpeg()
    {
        using var image = new Image<Rgb24>(640, 480, new Rgb24(120, 90, 60));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }
}
