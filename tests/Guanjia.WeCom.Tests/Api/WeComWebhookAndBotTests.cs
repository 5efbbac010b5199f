using System.Security.Cryptography;
using System.Text.Json;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.Fake;

namespace Guanjia.WeCom.Tests.Api;

public class WeComWebhookAndBotTests
{
    private const string RobotKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

    [Fact]
    public async Task WebhookText_WithMentions_SendsMentionedList()
    {
        await using var host = await WeComTestHost.StartAsync();

        var result = await host.Webhook.SendTextAsync(RobotKey, "#153 加急", ["wangwu", "@all"]);

        Assert.True(result.IsOk, result.ErrMsg);
        var message = Assert.Single(host.Fake.Messages);
        Assert.Equal((RecordedMessageKind.Webhook, RobotKey, "text"), (message.Kind, message.Target, message.MsgType));
        using var json = JsonDocument.Parse(message.Json);
        var mentioned = json.RootElement.GetProperty("text").GetProperty("mentioned_list").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(["wangwu", "@all"], mentioned);
    }

    [Fact]
    public async Task WebhookImage_SendsBase64AndMd5OfRawBytes()
    {
        await using var host = await WeComTestHost.StartAsync();
        var image = RandomNumberGenerator.GetBytes(50_000);

        var result = await host.Webhook.SendImageAsync(RobotKey, image);

        Assert.True(result.IsOk, result.ErrMsg);
        using var json = JsonDocument.Parse(Assert.Single(host.Fake.Messages).Json);
        var body = json.RootElement.GetProperty("image");
        Assert.Equal(image, Convert.FromBase64String(body.GetProperty("base64").GetString()!));
#pragma warning disable CA5351 // the robot protocol's MD5
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(image)), body.GetProperty("md5").GetString());
#pragma warning restore CA5351
    }

    [Fact]
    public async Task WebhookImage_ExactlyTwoMegabytes_IsSent()
    {
        await using var host = await WeComTestHost.StartAsync();

        var result = await host.Webhook.SendImageAsync(RobotKey, new byte[WeComWebhookClient.MaxImageBytes]);

        Assert.True(result.IsOk, result.ErrMsg);
    }

    [Fact]
    public async Task WebhookImage_OverTwoMegabytes_IsRefusedBeforeSending()
    {
        await using var host = await WeComTestHost.StartAsync();

        var result = await host.Webhook.SendImageAsync(RobotKey, new byte[WeComWebhookClient.MaxImageBytes + 1]);

        Assert.Equal(WeComErrorCodes.ClientImageTooLarge, result.ErrCode);
        Assert.Equal(WeComErrorKind.Permanent, result.Kind);
        Assert.Equal(0, host.Fake.CallCount("/cgi-bin/webhook/send"));
    }

    [Fact]
    public async Task WebhookMarkdownAndNews_AreAccepted()
    {
        await using var host = await WeComTestHost.StartAsync();

        var markdown = await host.Webhook.SendMarkdownAsync(RobotKey, "## 今日汇总\n<font color=\"warning\">3</font> 件超时");
        var news = await host.Webhook.SendNewsAsync(RobotKey, [new WebhookArticle("周报", "https://example.cn/r", "本周 12 件", null)]);

        Assert.True(markdown.IsOk && news.IsOk);
        Assert.Equal(["markdown", "news"], host.Fake.Messages.Select(m => m.MsgType));
        Assert.Contains("<font color=\\\"warning\\\">", host.Fake.Messages[0].Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_RobotRemoved93000_IsPermanent()
    {
        await using var host = await WeComTestHost.StartAsync();
        host.Fake.RemoveRobot(RobotKey);

        var result = await host.Webhook.SendMarkdownAsync(RobotKey, "你好");

        Assert.Equal(93000, result.ErrCode);
        Assert.Equal(WeComErrorKind.Permanent, result.Kind);
    }

    [Fact]
    public async Task Webhook_21stMessageInAMinute_IsRetryable45009()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var fake = await FakeWeComServer.StartAsync(timeProvider: clock);
        await using var host = await WeComTestHost.StartAsync(new() { ["WeCom:ApiBaseUrl"] = fake.BaseAddress.ToString() });
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await host.Webhook.SendTextAsync(RobotKey, $"{i}")).IsOk);
        }

        var limited = await host.Webhook.SendTextAsync(RobotKey, "21");
        clock.Advance(TimeSpan.FromMinutes(1));
        var later = await host.Webhook.SendTextAsync(RobotKey, "22");

        Assert.Equal((45009, WeComErrorKind.Retryable), (limited.ErrCode, limited.Kind));
        Assert.True(later.IsOk);
    }

    [Fact]
    public async Task ResponseUrl_SecondPostIsRefusedInProcess()
    {
        await using var host = await WeComTestHost.StartAsync();
        var responseUrl = host.Fake.NewResponseUrl();

        var first = await host.Bot.PostMarkdownAsync(responseUrl, "已受理，单号 **#153**");
        var second = await host.Bot.PostMarkdownAsync(responseUrl, "再发一次");

        Assert.True(first.IsOk, first.ErrMsg);
        Assert.Equal(WeComErrorCodes.ClientResponseUrlAlreadyUsed, second.ErrCode);
        Assert.Equal(WeComErrorKind.Permanent, second.Kind);
        Assert.Equal(1, host.Fake.CallCount("/cgi-bin/aibot/response"));
        var message = Assert.Single(host.Fake.Messages);
        Assert.Equal((RecordedMessageKind.ResponseUrl, "markdown"), (message.Kind, message.MsgType));
        Assert.Equal(responseUrl.Query, "?response_code=" + message.Target);
    }

    [Fact]
    public async Task ResponseUrl_UsedByAnotherProcess_FailsWithWeComErrcode()
    {
        await using var host = await WeComTestHost.StartAsync();
        var responseUrl = host.Fake.NewResponseUrl();
        using var other = new HttpClient();
        (await other.PostAsync(responseUrl, new StringContent("{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"x\"}}"))).Dispose();

        var result = await host.Bot.PostMarkdownAsync(responseUrl, "你好");

        Assert.Equal(FakeWeCom.ResponseCodeUsedErrCode, result.ErrCode);
        Assert.Equal(WeComErrorKind.Permanent, result.Kind);
    }

    [Fact]
    public async Task BotDownload_ReturnsBytesAsServed()
    {
        await using var host = await WeComTestHost.StartAsync();
        var encrypted = RandomNumberGenerator.GetBytes(4096);
        var url = host.Fake.AddDownload(encrypted);

        var result = await host.Bot.DownloadAsync(url);

        Assert.True(result.IsOk, result.ErrMsg);
        Assert.Equal(encrypted, result.Value!.Content);
    }

    [Fact]
    public async Task BotDownload_ExpiredUrl_IsPermanentHttpError()
    {
        await using var host = await WeComTestHost.StartAsync();

        var result = await host.Bot.DownloadAsync(new Uri(host.Fake.BaseAddress, "fake/download/gone"));

        Assert.Equal(WeComErrorCodes.ClientHttpError, result.ErrCode);
        Assert.Equal(WeComErrorKind.Permanent, result.Kind);
    }

    [Fact]
    public async Task WaitForMessages_CompletesWhenMessageArrives()
    {
        await using var host = await WeComTestHost.StartAsync();
        var waiting = host.Fake.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.Webhook, count: 2, TimeSpan.FromSeconds(5));

        await host.Webhook.SendTextAsync(RobotKey, "一");
        Assert.False(waiting.IsCompleted);
        await host.Webhook.SendTextAsync(RobotKey, "二");

        Assert.Equal(2, (await waiting).Count);
    }

    [Fact]
    public async Task WaitForMessages_ThrowsTimeoutWhenNothingArrives()
    {
        await using var host = await WeComTestHost.StartAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => host.Fake.WaitForMessagesAsync(_ => true, timeout: TimeSpan.FromMilliseconds(100)));
    }
}
