using System.Text.Json;
using Guanjia.Core.Storage;
using Guanjia.WeCom.Fake.LongConnection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Bot.Tests.LongConnection;

public sealed class LongConnectionIntakeTests(GuanjiaFactory factory) : IClassFixture<GuanjiaFactory>, IAsyncLifetime
{
    private FakeLongConnectionServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeLongConnectionServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task LongConnectionMode_SubscribesAndStoresAMessageOnce_WithItsReqIdAsReplyRoute()
    {
        await using var app = factory.WithWebHostBuilder(b => b
            .UseSetting("WeCom:Bot:Mode", "LongConnection")
            .UseSetting("WeCom:Bot:Id", _server.BotId)
            .UseSetting("WeCom:Bot:Secret", _server.Secret)
            .UseSetting("WeCom:Bot:WebSocketUrl", _server.Url.ToString()));
        _ = app.Server;
        await _server.WaitUntilAsync(s => s.IsSubscribed, TimeSpan.FromSeconds(30));

        var reqId = await _server.PushTextAsync("lihua", "74号院3单元楼道的灭火器过期了", chatId: "wrgroup01", msgId: "ws-msg-1");
        await _server.PushTextAsync("lihua", "74号院3单元楼道的灭火器过期了", chatId: "wrgroup01", msgId: "ws-msg-1");
        // Frames are stored in arrival order, so once this one is in, the redelivery has been handled.
        await _server.PushTextAsync("wangwu", "路灯不亮", chatId: "wrgroup01", msgId: "ws-msg-2");
        await WaitForInboxAsync(app, "ws-msg-2");

        var rows = await InboxAsync(app, "ws-msg-1");
        var row = Assert.Single(rows);
        using var payload = JsonDocument.Parse(row);
        Assert.Equal(reqId, payload.RootElement.GetProperty("replyReqId").GetString());
        Assert.Equal("wrgroup01", payload.RootElement.GetProperty("chatId").GetString());
        Assert.Equal("74号院3单元楼道的灭火器过期了", payload.RootElement.GetProperty("text").GetString());
        Assert.Equal(1, _server.Connections);
    }

    private static async Task<List<string>> InboxAsync(WebApplicationFactory<Program> app, string msgId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        return await db.Inbox.Where(m => m.MessageId == msgId).Select(m => m.Payload).ToListAsync();
    }

    private static async Task WaitForInboxAsync(WebApplicationFactory<Program> app, string msgId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await InboxAsync(app, msgId)).Count == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The long-connection message did not reach the inbox.");
            }

            await Task.Delay(50);
        }
    }
}
