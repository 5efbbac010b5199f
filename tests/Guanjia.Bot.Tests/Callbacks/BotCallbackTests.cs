using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Guanjia.Core.Tickets;
using Guanjia.WeCom.Fake;
using Microsoft.EntityFrameworkCore;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Guanjia.Bot.Tests.Callbacks;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class BotCallbackTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string WuhuashanGroup = "wrkSFfCgAAwuhuashan";
    private const string SanitationRobot = "5f2c0d3e-0000-4000-8000-000000000011";
    private const string FireStationRobot = "5f2c0d3e-0000-4000-8000-000000000016";
    private readonly GuanjiaFactory _factory = new();

    public Task InitializeAsync() => _factory.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_factory).DisposeAsync();

    [Fact]
    public async Task Callback_WithBadSignature_Returns401_AndStoresNothing()
    {
        var client = _factory.CreateClient();
        var json = SignedCallbacks.BotGroupText("msg-forged", "lihua", WuhuashanGroup, "74号院垃圾满了", _factory.WeCom.NewResponseUrl().ToString());

        var response = await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), json, forgedSignature: new string('0', 40)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await _factory.WithDbAsync(db => db.Inbox.CountAsync()));
    }

    [Fact]
    public async Task UrlVerification_WithValidSignature_ReturnsDecryptedEchostr()
    {
        var crypto = _factory.BotCrypto();
        var echo = crypto.Encrypt("1616140317555161061").Value!;
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = crypto.ComputeSignature(timestamp, "263014780", echo);
        var client = _factory.CreateClient();

        var body = await client.GetStringAsync(
            $"/wecom/bot/callback?msg_signature={signature}&timestamp={timestamp}&nonce=263014780&echostr={Uri.EscapeDataString(echo)}");

        Assert.Equal("1616140317555161061", body);
    }

    [Fact]
    public async Task GroupReport_BecomesTicketAtTheRightParty_AcknowledgedAndDispatched()
    {
        var client = _factory.CreateClient();
        var responseUrl = _factory.WeCom.NewResponseUrl();
        var json = SignedCallbacks.BotGroupText("msg-garbage-1", "lihua", WuhuashanGroup, "南路74号院门口垃圾桶满了，溢出来了，麻烦环卫来拉一下", responseUrl.ToString());

        var response = await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _factory.WaitForIntakeAsync(1);

        var ticket = await _factory.WithDbAsync(db => db.Tickets.Include(t => t.Events).SingleAsync());
        Assert.Equal(TicketStatus.Dispatched, ticket.Status);
        Assert.Equal("garbage", ticket.Category);
        Assert.Equal("hsnl-74", ticket.Compound);
        Assert.Equal("sanitation", ticket.Department);
        Assert.Equal("wuhuashan", ticket.Community);
        Assert.Equal("lihua", ticket.Reporter);
        Assert.DoesNotContain("@小巷管家", ticket.Text, StringComparison.Ordinal);
        Assert.Equal(["created", "dispatched"], ticket.Events.OrderBy(e => e.Id).Select(e => e.Kind));

        var ack = await _factory.WeCom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.ResponseUrl, timeout: TimeSpan.FromSeconds(20));
        Assert.Contains($"#{ticket.Number}", ack[0].Json, StringComparison.Ordinal);
        Assert.Contains("垃圾清运", ack[0].Json, StringComparison.Ordinal);
        var dispatch = await _factory.WeCom.WaitForMessagesAsync(
            m => m.Kind == RecordedMessageKind.Webhook && m.Target == SanitationRobot, timeout: TimeSpan.FromSeconds(20));
        Assert.Equal("markdown", dispatch[0].MsgType);
        Assert.Contains($"#{ticket.Number}", dispatch[0].Json, StringComparison.Ordinal);
        // Departments outside the community office do not see the steward's name.
        Assert.DoesNotContain("李华", dispatch[0].Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameMessageDeliveredFourTimes_MakesOneTicket()
    {
        var client = _factory.CreateClient();
        var json = SignedCallbacks.BotGroupText("msg-retry-1", "zhoumin", WuhuashanGroup, "华山东路126号院楼道里堆满了快递盒子", _factory.WeCom.NewResponseUrl().ToString());

        for (var i = 0; i < 4; i++)
        {
            // Each delivery is encrypted afresh (new random prefix), as WeCom's retries are.
            var response = await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), json));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await _factory.WaitForIntakeAsync(1);
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Inbox.CountAsync()));
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Tickets.CountAsync()));
    }

    [Fact]
    public async Task UrgentReportWithPhoto_StoresCleanPhoto_AndMentionsTheParty()
    {
        var photo = MakeJpeg();
        var url = _factory.WeCom.AddDownload(_factory.BotCrypto().EncryptMedia(photo));
        var json = SignedCallbacks.BotGroupMixed("msg-fire-1", "wanggang", WuhuashanGroup, "五华山小区3栋有户人家窗户冒出浓烟，好像起火了", url.ToString(), _factory.WeCom.NewResponseUrl().ToString());
        var client = _factory.CreateClient();

        var response = await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _factory.WaitForIntakeAsync(1);

        var ticket = await _factory.WithDbAsync(db => db.Tickets.Include(t => t.Photos).SingleAsync());
        Assert.True(ticket.Urgent);
        Assert.Equal("fire-alarm", ticket.Category);
        Assert.Equal("fire", ticket.Department);
        var stored = Assert.Single(ticket.Photos);
        Assert.True(ticket.DueAt - ticket.CreatedAt <= TimeSpan.FromMinutes(15));

        var images = await _factory.WeCom.WaitForMessagesAsync(
            m => m.Kind == RecordedMessageKind.Webhook && m.Target == FireStationRobot && m.MsgType == "image", timeout: TimeSpan.FromSeconds(20));
        Assert.Single(images);
        var mention = await _factory.WeCom.WaitForMessagesAsync(
            m => m.Kind == RecordedMessageKind.Webhook && m.Target == FireStationRobot && m.MsgType == "text", timeout: TimeSpan.FromSeconds(20));
        Assert.Contains("xf-zhou", mention[0].Json, StringComparison.Ordinal);

        var api = _factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GuanjiaFactory.ApiKey);
        var jpeg = await api.GetByteArrayAsync($"/api/media/{stored.PhotoId}");
        using var image = Image.Load(jpeg);
        Assert.Null(image.Metadata.ExifProfile);
        var dto = await api.GetFromJsonAsync<JsonElement>($"/api/tickets/{ticket.Number}");
        Assert.Equal("fire-alarm", dto.GetProperty("category").GetString());
        Assert.Equal($"/api/media/{stored.PhotoId}?size=thumb", dto.GetProperty("photos")[0].GetProperty("thumbUrl").GetString());
    }

    [Fact]
    public async Task ReportFromSomeoneNotOnTheRoster_IsPolitelyRefused_WithoutTicket()
    {
        var client = _factory.CreateClient();
        var json = SignedCallbacks.BotGroupText("msg-stranger", "stranger", WuhuashanGroup, "74号院垃圾满了", _factory.WeCom.NewResponseUrl().ToString());

        await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), json));
        await _factory.WaitForIntakeAsync(1);

        Assert.Equal(0, await _factory.WithDbAsync(db => db.Tickets.CountAsync()));
        var reply = await _factory.WeCom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.ResponseUrl, timeout: TimeSpan.FromSeconds(20));
        Assert.Contains("名单", reply[0].Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_WithoutKey_Returns401()
    {
        var response = await _factory.CreateClient().GetAsync("/api/tickets");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_UnknownTicket_Returns404ProblemDetails()
    {
        var api = _factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GuanjiaFactory.ApiKey);
        var response = await api.GetAsync("/api/tickets/99999");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static byte[] MakeJpeg()
    {
        using var image = new Image<Rgb24>(640, 480, new Rgb24(200, 80, 40));
        image.Metadata.ExifProfile = new SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile();
        image.Metadata.ExifProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Software, "camera");
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }
}
