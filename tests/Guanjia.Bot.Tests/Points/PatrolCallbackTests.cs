using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Guanjia.WeCom.Fake;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Guanjia.Bot.Tests.Points;

/// <summary>
/// Patrols with proof and the 记录本 through encrypted callbacks: app location messages (XML) and
/// bot group messages (JSON), answered where WeCom would show them, checked in the ledger.
/// </summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class PatrolCallbackTests : IAsyncLifetime
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
    public async Task Patrols_PayOnlyWithProofInTheStewardsOwnCommunity_AndTheLogbookCountsThem()
    {
        var config = _factory.Services.GetRequiredService<CommunityConfig>();
        var at74 = config.FindCompound("hsnl-74")!.Location!.Value;

        // A location at 74号院 from its steward pays at once.
        var near = await SendLocationAsync("lihua", at74.Latitude + 0.0003, at74.Longitude - 0.0002);
        Assert.Contains("巡查打卡 华山南路74号院：李华 +1 分", near, StringComparison.Ordinal);

        // The same place from a steward of 翠湖 pays nothing.
        var elsewhere = await SendLocationAsync("yangfang", at74.Latitude, at74.Longitude);
        Assert.Contains("不是你所在的翠湖社区，这次打卡不计分", elsewhere, StringComparison.Ordinal);

        // A typed 打卡 without a photo pays nothing and says how to prove it.
        var typed = await SayAsync("zhoumin", "打卡 圆通12号院", Wuhuashan);
        Assert.Contains("打卡需要现场证明，这次没有记分", typed, StringComparison.Ordinal);

        // With a photo it waits for the secretary, who approves it.
        var withPhoto = await SayAsync("zhoumin", "打卡 圆通12号院", Wuhuashan, photo: true);
        Assert.Contains("已记录圆通街12号院的巡查照片", withPhoto, StringComparison.Ordinal);
        Assert.Equal((1, 0, 0), await BalancesAsync());
        var approved = await SayAsync("chenjing", "审核打卡 通过", Wuhuashan);
        Assert.Contains("周敏 圆通街12号院", approved, StringComparison.Ordinal);
        Assert.Equal((1, 1, 0), await BalancesAsync());

        // The 记录本.
        var logbook = await SayAsync("lihua", "记录", Wuhuashan);
        Assert.Contains("巡查打卡 1 次", logbook, StringComparison.Ordinal);
        Assert.Contains("积分：获得 1 分，使用 0 分", logbook, StringComparison.Ordinal);
        var zhoumin = await SayAsync("chenjing", "记录 周敏", Wuhuashan);
        Assert.Contains("周敏", zhoumin, StringComparison.Ordinal);
        Assert.Contains("巡查打卡 1 次", zhoumin, StringComparison.Ordinal);

        // The committee's 考核 table as CSV, and the patrol calendar's data.
        using var api = _factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GuanjiaFactory.ApiKey);
        var month = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/points/logbook?community=wuhuashan&month={month}");
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        using var csv = await api.SendAsync(csvRequest);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var rows = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, rows.Length);
        Assert.Contains(rows, r => r.StartsWith($"{month},李华,lihua,wuhuashan,0,0,0,0,0,1,0,0,1,0", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.Contains("yangfang", StringComparison.Ordinal));
        using var calendar = JsonDocument.Parse(await api.GetStringAsync($"/api/points/patrols?month={month}&community=wuhuashan"));
        Assert.Equal(
            ["hsnl-74:location:approved", "ytj-12:photo:approved"],
            calendar.RootElement.GetProperty("patrols").EnumerateArray()
                .Select(p => $"{p.GetProperty("compound").GetString()}:{p.GetProperty("proof").GetString()}:{p.GetProperty("state").GetString()}").Order());
        using var badMonth = await api.GetAsync("/api/points/logbook?month=2026-13");
        Assert.Equal(HttpStatusCode.BadRequest, badMonth.StatusCode);
    }

    private Task<(int Lihua, int Zhoumin, int Yangfang)> BalancesAsync() => _factory.WithDbAsync(async db =>
    {
        var ledger = new Ledger(db);
        return (
            await ledger.BalanceAsync(Ledger.PersonAccount("lihua")),
            await ledger.BalanceAsync(Ledger.PersonAccount("zhoumin")),
            await ledger.BalanceAsync(Ledger.PersonAccount("yangfang")));
    });

    /// <summary>An app 1:1 location message (Location_X latitude, Location_Y longitude), and the app message sent back.</summary>
    private async Task<string> SendLocationAsync(string user, double latitude, double longitude)
    {
        var id = ++_sent;
        var before = _factory.WeCom.Messages.Count(m => m.Kind == RecordedMessageKind.App && m.Target.Contains(user, StringComparison.Ordinal));
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var xml = string.Create(CultureInfo.InvariantCulture, $"""
            <xml><ToUserName><![CDATA[{_factory.WeCom.CorpId}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>
            <CreateTime>{created}</CreateTime><MsgType><![CDATA[location]]></MsgType>
            <Location_X>{latitude}</Location_X><Location_Y>{longitude}</Location_Y><Scale>15</Scale>
            <Label><![CDATA[云南省昆明市五华区华山南路]]></Label><MsgId>{7_000_000 + id}</MsgId><AgentID>{_factory.WeCom.AgentId}</AgentID></xml>
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

        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _factory.WaitForIntakeAsync(id);
        var sent = await _factory.WeCom.WaitForMessagesAsync(
            m => m.Kind == RecordedMessageKind.App && m.Target.Contains(user, StringComparison.Ordinal), count: before + 1, timeout: Timeout);
        return Strings(sent[^1].Json);
    }

    /// <summary>A bot group message (with a photo if asked), and the answer WeCom received at its response_url.</summary>
    private async Task<string> SayAsync(string user, string text, string chat, bool photo = false)
    {
        var id = ++_sent;
        var responseUrl = _factory.WeCom.NewResponseUrl();
        var json = photo
            ? SignedCallbacks.BotGroupMixed($"patrol-{id}", user, chat, text,
                _factory.WeCom.AddDownload(_factory.BotCrypto().EncryptMedia(Jpeg())).ToString(), responseUrl.ToString())
            : SignedCallbacks.BotGroupText($"patrol-{id}", user, chat, text, responseUrl.ToString());
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
        using var image = new Image<Rgb24>(640, 480, new Rgb24(90, 140, 60));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }
}
