using System.Text;
using System.Text.Json;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.Fake;

namespace Guanjia.WeCom.Tests.Api;

public class WeComApiClientTests
{
    private const string SendPath = "/cgi-bin/message/send";

    [Fact]
    public async Task SendText_WithChinese_SendsRawUtf8WithoutEscapes()
    {
        await using var host = await WeComTestHost.StartAsync();

        var result = await host.Api.SendTextAsync(["zhangsan"], "你好 <a href=\"https://example.cn/?a=1&b=2\">工单</a> 'x'");

        Assert.True(result.IsOk, result.ErrMsg);
        var body = Encoding.UTF8.GetBytes(Assert.Single(host.Fake.Messages).Json);
        Assert.True(body.AsSpan().IndexOf("你好"u8) >= 0);
        Assert.True(body.AsSpan().IndexOf("<a href="u8) >= 0);
        Assert.True(body.AsSpan().IndexOf("\\u"u8) < 0);
    }

    [Fact]
    public async Task SendText_WithEmoji_IsNotEscaped()
    {
        await using var host = await WeComTestHost.StartAsync();

        var result = await host.Api.SendTextAsync(["zhangsan"], "路灯坏了😀👍");

        Assert.True(result.IsOk, result.ErrMsg);
        Assert.Contains("路灯坏了😀👍", Assert.Single(host.Fake.Messages).Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendText_BodyHasWeComFields()
    {
        await using var host = await WeComTestHost.StartAsync();

        await host.Api.SendTextAsync(["zhangsan", "lisi"], "你好");

        var message = Assert.Single(host.Fake.Messages);
        using var json = JsonDocument.Parse(message.Json);
        Assert.Equal(RecordedMessageKind.App, message.Kind);
        Assert.Equal("zhangsan|lisi", json.RootElement.GetProperty("touser").GetString());
        Assert.Equal("text", json.RootElement.GetProperty("msgtype").GetString());
        Assert.Equal(FakeWeCom.DefaultAgentId, json.RootElement.GetProperty("agentid").GetInt32());
        Assert.Equal("你好", json.RootElement.GetProperty("text").GetProperty("content").GetString());
    }

    [Fact]
    public async Task SendText_WithoutRecipients_IsAProgrammerError()
    {
        await using var host = await WeComTestHost.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Api.SendTextAsync([], "你好"));
        Assert.Equal(0, host.Fake.CallCount(SendPath));
    }

    [Fact]
    public async Task SendText_WithSomeInvalidUsers_SucceedsAndListsThem()
    {
        await using var host = await WeComTestHost.StartAsync();
        host.Fake.MarkUserInvalid("ghost");

        var result = await host.Api.SendTextAsync(["zhangsan", "ghost"], "你好");

        Assert.True(result.IsOk);
        Assert.Equal(["ghost"], result.Value!.InvalidUsers);
        Assert.Equal("zhangsan", Assert.Single(host.Fake.Messages).Target);
    }

    [Fact]
    public async Task SendText_AllRecipientsInvalid_IsPermanent81013()
    {
        await using var host = await WeComTestHost.StartAsync();
        host.Fake.MarkUserInvalid("ghost");

        var result = await host.Api.SendTextAsync(["ghost"], "你好");

        Assert.Equal(81013, result.ErrCode);
        Assert.Equal(WeComErrorKind.Permanent, result.Kind);
        Assert.Null(result.Value);
    }

    [Fact]
    public async Task FrequencyLimit45009_IsRetryable()
    {
        await using var host = await WeComTestHost.StartAsync();
        host.Fake.FailNext(SendPath, FakeFailure.ErrCode(45009, "api freq out of limit"));

        var result = await host.Api.SendTextAsync(["zhangsan"], "你好");

        Assert.Equal(45009, result.ErrCode);
        Assert.Equal(WeComErrorKind.Retryable, result.Kind);
        Assert.Equal(1, host.Fake.CallCount(SendPath));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Http5xx_IsRetryableResult(int status)
    {
        await using var host = await WeComTestHost.StartAsync();
        host.Fake.FailNext(SendPath, FakeFailure.HttpStatus(status));

        var result = await host.Api.SendTextAsync(["zhangsan"], "你好");

        Assert.Equal(WeComErrorCodes.ClientHttpServerError, result.ErrCode);
        Assert.Equal(WeComErrorKind.Retryable, result.Kind);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), result.ErrMsg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangingServer_TimesOutAsRetryableResult()
    {
        await using var host = await WeComTestHost.StartAsync(new() { ["WeCom:RequestTimeout"] = "00:00:00.300" });
        host.Fake.FailNext(SendPath, FakeFailure.Hang(TimeSpan.FromSeconds(10)));

        var result = await host.Api.SendTextAsync(["zhangsan"], "你好");

        Assert.Equal(WeComErrorCodes.ClientTimeout, result.ErrCode);
        Assert.Equal(WeComErrorKind.Retryable, result.Kind);
        var logs = string.Join('\n', host.Logs.Lines);
        Assert.Contains("[2005]", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-token-", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Fake.Secret, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServer_IsRetryableNetworkError()
    {
        await using var host = await WeComTestHost.StartAsync(new() { ["WeCom:ApiBaseUrl"] = "http://127.0.0.1:1/" });

        var result = await host.Webhook.SendTextAsync("key", "你好");

        Assert.Equal(WeComErrorCodes.ClientNetworkError, result.ErrCode);
        Assert.Equal(WeComErrorKind.Retryable, result.Kind);
    }

    [Fact]
    public async Task CallerCancellation_Propagates()
    {
        await using var host = await WeComTestHost.StartAsync();
        host.Fake.FailNext(SendPath, FakeFailure.Hang(TimeSpan.FromSeconds(10)));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Api.SendTextAsync(["zhangsan"], "你好", cts.Token));
    }

    [Fact]
    public async Task UploadMedia_SendsMultipartPartMediaWithFilenameAndLength()
    {
        await using var host = await WeComTestHost.StartAsync();
        var photo = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6 };

        var result = await host.Api.UploadMediaAsync(photo, "现场照片.jpg", "image/jpeg");

        Assert.True(result.IsOk, result.ErrMsg);
        var upload = Assert.Single(host.Fake.Uploads);
        Assert.Equal("media", upload.PartName);
        Assert.Equal("____.jpg", upload.FileName);
        Assert.Equal(photo.Length, upload.DeclaredLength);
        Assert.Equal("image/jpeg", upload.ContentType);
        Assert.Equal("image", upload.Type);
        Assert.Equal(upload.MediaId, result.Value!.MediaId);
    }

    [Fact]
    public async Task UploadedImage_CanBeSentByMediaId()
    {
        await using var host = await WeComTestHost.StartAsync();
        var uploaded = await host.Api.UploadMediaAsync(new byte[] { 1, 2, 3, 4, 5, 6 }, "a.png", "image/png");

        var sent = await host.Api.SendImageAsync(["zhangsan"], uploaded.Value!.MediaId);

        Assert.True(sent.IsOk);
        using var json = JsonDocument.Parse(Assert.Single(host.Fake.Messages).Json);
        Assert.Equal(uploaded.Value.MediaId, json.RootElement.GetProperty("image").GetProperty("media_id").GetString());
    }

    [Fact]
    public async Task GetMedia_ReturnsBytesContentTypeAndFileName()
    {
        await using var host = await WeComTestHost.StartAsync();
        var bytes = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var mediaId = host.Fake.AddMedia(bytes, "image/png", "photo.png");

        var result = await host.Api.GetMediaAsync(mediaId);

        Assert.True(result.IsOk, result.ErrMsg);
        Assert.Equal(bytes, result.Value!.Content);
        Assert.Equal("image/png", result.Value.ContentType);
        Assert.Equal("photo.png", result.Value.FileName);
    }

    [Fact]
    public async Task GetMedia_JsonErrorWithHttp200_IsFailedResult()
    {
        await using var host = await WeComTestHost.StartAsync();

        var result = await host.Api.GetMediaAsync("no-such-media");

        Assert.False(result.IsOk);
        Assert.Equal(40007, result.ErrCode);
        Assert.Null(result.Value);
    }

    [Fact]
    public async Task ReadMedia_ErrorObjectWithoutJsonContentType_IsDetected()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            Content = new ByteArrayContent("  {\"errcode\":40007,\"errmsg\":\"invalid media_id\"}"u8.ToArray()),
        };
        response.Content.Headers.ContentType = new("application/octet-stream");

        var result = await WeComApiClient.ReadMediaAsync(response, CancellationToken.None);

        Assert.Equal(40007, result.ErrCode);
    }

    [Fact]
    public async Task AppChat_CreateThenSend_RecordsMessageToChat()
    {
        await using var host = await WeComTestHost.StartAsync();

        var created = await host.Api.CreateAppChatAsync("幸福里社区工作群", ["zhangsan", "lisi"], owner: "zhangsan", chatId: "xingfuli01");
        var sent = await host.Api.SendAppChatMarkdownAsync(created.Value!, "**#153** 已派单");

        Assert.Equal("xingfuli01", created.Value);
        Assert.True(sent.IsOk);
        var message = Assert.Single(host.Fake.Messages);
        Assert.Equal((RecordedMessageKind.AppChat, "xingfuli01", "markdown"), (message.Kind, message.Target, message.MsgType));
    }

    [Fact]
    public async Task AppChatSend_ToUnknownChat_IsPermanent()
    {
        await using var host = await WeComTestHost.StartAsync();

        var result = await host.Api.SendAppChatTextAsync("nochat", "你好");

        Assert.Equal(40050, result.ErrCode);
        Assert.Equal(WeComErrorKind.Permanent, result.Kind);
    }
}
