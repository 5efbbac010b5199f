using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Guanjia.Core.Intake;
using Guanjia.WeCom.Fake;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guanjia.Bot.Tests.Operations;

/// <summary>A poison message through the real service: dead letter, listed, counted, told, retried.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xUnit disposes the factory through IAsyncLifetime.")]
public sealed class DeadLetterTests : IAsyncLifetime
{
    private const string WuhuashanGroup = "wrkSFfCgAAwuhuashan";
    private const string Secret = "门口电瓶车飞线充电 13987654321";

    private readonly GuanjiaFactory _factory = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ThrowingMediaSource _media = new();

    public Task InitializeAsync() => _factory.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_factory).DisposeAsync();

    [Fact]
    public async Task PoisonMessage_AfterMaxAttempts_IsDeadListedCountedToldOnce_AndRetryProcessesIt()
    {
        using var host = _factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Intake:MaxAttempts", "1");
            builder.UseSetting("Intake:MergeWindow", "00:00:00");
            builder.UseSetting("Health:SampleInterval", "00:00:00.050");
            builder.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(_logs)));
            builder.ConfigureTestServices(services => services.AddScoped<IMediaSource>(_ => _media));
        });
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", GuanjiaFactory.ApiKey);
        var callback = SignedCallbacks.BotGroupMixed("m-poison", "lihua", WuhuashanGroup, Secret, "https://wework.qpic.cn/poison.jpg",
            _factory.WeCom.NewResponseUrl().ToString());

        (await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), callback))).EnsureSuccessStatusCode();

        var notice = await _factory.WeCom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.App && m.Target == "chenjing", timeout: TimeSpan.FromSeconds(20));
        Assert.Contains("李华", notice[0].Json, StringComparison.Ordinal);
        Assert.Contains("请在看板处理", notice[0].Json, StringComparison.Ordinal);
        Assert.DoesNotContain("飞线", notice[0].Json, StringComparison.Ordinal);

        var dead = await client.GetFromJsonAsync<JsonElement>("/api/inbox?state=dead");
        var row = Assert.Single(dead.EnumerateArray());
        Assert.Equal("dead", row.GetProperty("state").GetString());
        Assert.Equal("lihua", row.GetProperty("sender").GetString());
        Assert.Equal(1, row.GetProperty("attempts").GetInt32());
        Assert.Equal(nameof(InvalidOperationException), row.GetProperty("lastError").GetString());
        var id = row.GetProperty("id").GetInt64();

        await WaitUntilAsync(async () => System.Text.RegularExpressions.Regex.IsMatch(await client.GetStringAsync("/metrics"), @"(?m)^guanjia_inbox_dead_letters[^ ]* 1(\.0)?\b"));
        Assert.Equal(0, await _factory.WithDbAsync(db => db.Tickets.CountAsync()));

        _media.Throw = false;
        var retry = await client.PostAsync($"/api/inbox/{id}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        await _factory.WaitForIntakeAsync(1);

        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/inbox?state=dead")).EnumerateArray());
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Tickets.CountAsync()));
        Assert.Single(_factory.WeCom.Messages, m => m.Kind == RecordedMessageKind.App && m.Target == "chenjing");
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/inbox/{id}/retry", null)).StatusCode);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("飞线", StringComparison.Ordinal) || l.Contains("13987654321", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_OfUnknownMessage_Returns404ProblemDetails()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", GuanjiaFactory.ApiKey);

        var response = await client.PostAsync("/api/inbox/424242/retry", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Inbox_WithUnknownState_Returns400_AndWithoutKey_Returns401()
    {
        var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/inbox?state=dead")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", GuanjiaFactory.ApiKey);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/inbox?state=everything")).StatusCode);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }

    /// <summary>Throws like a bug would (not a download failure, which intake answers itself) until told not to.</summary>
    private sealed class ThrowingMediaSource : IMediaSource
    {
        public volatile bool Throw = true;

        public Task<MediaFetchResult> FetchAsync(IncomingChannel channel, IncomingImage image, CancellationToken cancellationToken) =>
            Throw
                ? throw new InvalidOperationException("media source broke")
                : Task.FromResult(MediaFetchResult.Fail("下载失败"));
    }
}
