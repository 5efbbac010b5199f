using Guanjia.WeCom.Api;
using Guanjia.WeCom.Callbacks;
using Guanjia.WeCom.Cards;
using Guanjia.WeCom.LongConnection;
using Microsoft.Extensions.Logging;

namespace Guanjia.WeCom.Tests.LongConnection;

public class LongConnectionClientTests
{
    [Fact]
    public async Task Subscribe_IsTheFirstFrame_WithBotIdAndSecretAndAnSdkStyleReqId()
    {
        await using var h = await LongConnectionHarness.StartAsync();

        await h.NextAsync(LongConnectionState.Authenticated);

        var subscribe = h.Server.Frames[0];
        Assert.Equal("aibot_subscribe", subscribe.Cmd);
        Assert.Matches("^aibot_subscribe_[0-9]{13}_[0-9a-f]{8}$", subscribe.ReqId);
        Assert.Equal(h.Server.BotId, subscribe.Body.GetProperty("bot_id").GetString());
        Assert.Equal(h.Server.Secret, subscribe.Body.GetProperty("secret").GetString());
        Assert.True(h.Client.IsAuthenticated);
    }

    [Fact]
    public async Task Ping_IsSentEvery30Seconds_AndAnsweredPingsKeepTheLink()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        await h.NextAsync(LongConnectionState.Authenticated);

        h.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.DoesNotContain(h.Server.Frames, f => f.Cmd == "ping");

        for (var n = 1; n <= 3; n++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(n == 1 ? 1 : 30));
            await h.Server.WaitUntilAsync(s => s.Frames.Count(f => f.Cmd == "ping") == n);
            await h.NextPongAsync();
        }

        var pings = h.Server.Frames.Where(f => f.Cmd == "ping").ToList();
        Assert.All(pings, p => Assert.Matches("^ping_[0-9]{13}_[0-9a-f]{8}$", p.ReqId));
        Assert.All(pings, p => Assert.DoesNotContain("\"body\"", p.Json, StringComparison.Ordinal));
        Assert.Equal(1, h.Server.Connections);
        Assert.True(h.Client.IsAuthenticated);
    }

    [Fact]
    public async Task Ping_UnansweredTwice_DropsTheLinkAndReconnectsAfter1s()
    {
        await using var h = await LongConnectionHarness.StartAsync(s => s.NeverAck("ping"));
        await h.NextAsync(LongConnectionState.Authenticated);

        h.Time.Advance(TimeSpan.FromSeconds(30));
        await h.Server.WaitUntilAsync(s => s.Frames.Count(f => f.Cmd == "ping") == 1);
        h.Time.Advance(TimeSpan.FromSeconds(30));
        await h.Server.WaitUntilAsync(s => s.Frames.Count(f => f.Cmd == "ping") == 2);
        h.Time.Advance(TimeSpan.FromSeconds(30));

        var waiting = await h.NextAsync(LongConnectionState.WaitingToReconnect);
        Assert.Equal(TimeSpan.FromSeconds(1), waiting.Delay);
        h.Time.Advance(waiting.Delay);
        await h.NextAsync(LongConnectionState.Authenticated);
        Assert.Equal(2, h.Server.Connections);
    }

    [Fact]
    public async Task Request_WithoutAck_TimesOutAfter5Seconds_AsRetryable()
    {
        await using var h = await LongConnectionHarness.StartAsync(s => s.NeverAck("aibot_send_msg"));
        await h.NextAsync(LongConnectionState.Authenticated);

        var send = h.Client.SendMarkdownAsync("wrgroup01", "派单通知");
        await h.Server.WaitForFrameAsync(f => f.Cmd == "aibot_send_msg");
        h.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(send.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        var result = await send.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(WeComErrorCodes.ClientTimeout, result.ErrCode);
        Assert.Equal(WeComErrorKind.Retryable, result.Kind);
    }

    [Fact]
    public async Task Reconnect_WhileWeComIsUnreachable_BacksOffFrom1sDoublingTo30s()
    {
        await using var h = await LongConnectionHarness.StartAsync(s => s.AcceptConnections = false);

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 7; i++)
        {
            var waiting = await h.NextAsync(LongConnectionState.WaitingToReconnect);
            delays.Add(waiting.Delay);
            h.Time.Advance(waiting.Delay);
        }

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task Reconnect_AfterASubscribedConnection_StartsAgainAt1s()
    {
        await using var h = await LongConnectionHarness.StartAsync(s => s.AcceptConnections = false);
        var first = await h.NextAsync(LongConnectionState.WaitingToReconnect);
        h.Time.Advance(first.Delay);
        var second = await h.NextAsync(LongConnectionState.WaitingToReconnect);
        Assert.Equal(TimeSpan.FromSeconds(2), second.Delay);

        h.Server.AcceptConnections = true;
        h.Time.Advance(second.Delay);
        await h.NextAsync(LongConnectionState.Authenticated);
        h.Server.Drop();
        var afterDrop = await h.NextAsync(LongConnectionState.WaitingToReconnect);

        Assert.Equal(TimeSpan.FromSeconds(1), afterDrop.Delay);
        h.Time.Advance(afterDrop.Delay);
        await h.NextAsync(LongConnectionState.Authenticated);
        await h.Server.WaitUntilAsync(s => s.Subscriptions == 2);
    }

    [Fact]
    public async Task Subscribe_RefusedFiveTimes_StopsAndLogsOnceWithoutTheSecret()
    {
        await using var h = await LongConnectionHarness.StartAsync(secret: "wrong-secret-value");

        while (!h.Run!.IsCompleted)
        {
            var next = await Task.WhenAny(h.NextAsync(LongConnectionState.WaitingToReconnect), h.Run);
            if (next is Task<LongConnectionStatus> waiting)
            {
                h.Time.Advance((await waiting).Delay);
            }
        }

        Assert.Equal(LongConnectionStopReason.AuthenticationFailed, await h.Stopped());
        Assert.Equal(5, h.Server.Connections);
        Assert.Equal(0, h.Server.Subscriptions);
        lock (h.Logs)
        {
            Assert.Single(h.Logs, l => l.Level == LogLevel.Critical);
            Assert.Contains(h.Logs, l => l.Level == LogLevel.Critical && l.Message.Contains("WeCom:Bot:Secret", StringComparison.Ordinal));
            Assert.DoesNotContain(h.Logs, l => l.Message.Contains("wrong-secret-value", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Kicked_ByANewerConnection_StopsWithoutReconnecting()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        await h.NextAsync(LongConnectionState.Authenticated);

        await h.Server.KickAsync();

        Assert.Equal(LongConnectionStopReason.Kicked, await h.Stopped());
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, h.Server.Connections);
        var kicked = await h.NextCallbackAsync();
        Assert.True(kicked.IsEvent);
        Assert.Contains("disconnected_event", kicked.BodyJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageCallback_ComesOutWithItsReqIdAndTheWebhookParse()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        await h.NextAsync(LongConnectionState.Authenticated);

        var reqId = await h.Server.PushTextAsync("lihua", "74号院楼道灭火器过期了", chatId: "wrgroup01", msgId: "msg-1");
        var callback = await h.NextCallbackAsync();

        Assert.True(callback.IsMessage);
        Assert.Equal(reqId, callback.ReqId);
        Assert.NotNull(callback.Message);
        Assert.Equal("msg-1", callback.Message.MsgId);
        Assert.Equal("wrgroup01", callback.Message.ChatId);
        Assert.Equal(BotChatType.Group, callback.Message.ChatType);
        Assert.Equal("74号院楼道灭火器过期了", Assert.IsType<BotTextPayload>(callback.Message.Payload).ContentWithoutMention);
    }

    [Fact]
    public async Task Respond_GoesOutOnTheCallbacksReqId_AndIsAcked()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        await h.NextAsync(LongConnectionState.Authenticated);
        var reqId = await h.Server.PushTextAsync("lihua", "路灯坏了");
        var callback = await h.NextCallbackAsync();

        var result = await h.Client.RespondMarkdownAsync(callback.ReqId, "已受理 **#12**");

        Assert.True(result.IsOk, result.ErrMsg);
        var reply = h.Server.Frames.Single(f => f.Cmd == "aibot_respond_msg");
        Assert.Equal(reqId, reply.ReqId);
        Assert.Equal("markdown", reply.Body.GetProperty("msgtype").GetString());
        Assert.Equal("已受理 **#12**", reply.Body.GetProperty("markdown").GetProperty("content").GetString());
        Assert.Contains("已受理", reply.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Respond_RefusedByWeCom_ReturnsItsErrcode()
    {
        await using var h = await LongConnectionHarness.StartAsync(s => s.FailNext("aibot_respond_msg", 846605));
        await h.NextAsync(LongConnectionState.Authenticated);
        await h.Server.PushTextAsync("lihua", "路灯坏了");
        var callback = await h.NextCallbackAsync();

        var result = await h.Client.RespondStreamAsync(callback.ReqId, "s1", "处理中", finish: false);

        Assert.Equal(846605, result.ErrCode);
        Assert.False(result.IsOk);
    }

    [Fact]
    public async Task Request_WhileNotSubscribed_FailsAtOnceAsRetryable()
    {
        await using var h = await LongConnectionHarness.StartAsync(run: false);

        var result = await h.Client.SendMarkdownAsync("wrgroup01", "通知");

        Assert.Equal(WeComErrorKind.Retryable, result.Kind);
        Assert.Empty(h.Server.Frames);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CardClick_IsReadNestedOrFlat_AndAnsweredWithAnUpdateOnItsReqId(bool flat)
    {
        await using var h = await LongConnectionHarness.StartAsync();
        await h.NextAsync(LongConnectionState.Authenticated);
        var card = TemplateCardBuilder.ButtonInteraction().Title("#12 消防").Button("接单", new CardEventKey("accept", 12)).TaskId("t12_1").Build();

        var reqId = await h.Server.PushCardClickAsync("wangwu", "accept:12", "t12_1", chatId: "wrdept01", flat: flat);
        var callback = await h.NextCallbackAsync();
        Assert.True(CardClick.TryRead(callback.Message!, out var click));
        var result = await h.Client.UpdateCardAsync(callback.ReqId, CardUpdates.Outcome(card, "已接单", "王五"));

        Assert.Equal(new CardEventKey("accept", 12), click.Key);
        Assert.Equal(("wangwu", "wrdept01", "t12_1"), (click.UserId, click.ChatId, click.TaskId));
        Assert.True(result.IsOk, result.ErrMsg);
        var update = h.Server.Frames.Single(f => f.Cmd == "aibot_respond_update_msg");
        Assert.Equal(reqId, update.ReqId);
        Assert.Equal("update_template_card", update.Body.GetProperty("response_type").GetString());
        Assert.Equal("t12_1", update.Body.GetProperty("template_card").GetProperty("task_id").GetString());
    }

    [Fact]
    public async Task SendCard_ToAGroup_CarriesTheChatIdOnANewReqId()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        await h.NextAsync(LongConnectionState.Authenticated);
        var card = TemplateCardBuilder.ButtonInteraction().Title("#12 消防").Button("接单", new CardEventKey("accept", 12)).TaskId("t12_1").Build();

        var result = await h.Client.SendCardAsync("wrdept01", card);

        Assert.True(result.IsOk, result.ErrMsg);
        var sent = h.Server.Frames.Single(f => f.Cmd == "aibot_send_msg");
        Assert.Matches("^aibot_send_msg_[0-9]{13}_[0-9a-f]{8}$", sent.ReqId);
        Assert.Equal("wrdept01", sent.Body.GetProperty("chatid").GetString());
        Assert.Equal("template_card", sent.Body.GetProperty("msgtype").GetString());
        Assert.Equal("accept:12", sent.Body.GetProperty("template_card").GetProperty("button_list")[0].GetProperty("key").GetString());
    }

    [Fact]
    public async Task Replies_OnOneReqId_GoOutOneAfterAnother()
    {
        await using var h = await LongConnectionHarness.StartAsync(s => s.NeverAck("aibot_respond_msg"));
        await h.NextAsync(LongConnectionState.Authenticated);
        await h.Server.PushTextAsync("lihua", "路灯坏了");
        var callback = await h.NextCallbackAsync();

        var first = h.Client.RespondStreamAsync(callback.ReqId, "s1", "处理中", finish: false);
        var second = h.Client.RespondStreamAsync(callback.ReqId, "s1", "处理中，已派单", finish: true);
        await h.Server.WaitForFrameAsync(f => f.Cmd == "aibot_respond_msg");
        Assert.Single(h.Server.Frames, f => f.Cmd == "aibot_respond_msg");

        h.Server.AckNormally("aibot_respond_msg");
        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(WeComErrorCodes.ClientTimeout, (await first.WaitAsync(TimeSpan.FromSeconds(10))).ErrCode);
        Assert.True((await second.WaitAsync(TimeSpan.FromSeconds(10))).IsOk);
        var bodies = h.Server.Frames.Where(f => f.Cmd == "aibot_respond_msg").Select(f => f.Body.GetProperty("stream").GetProperty("finish").GetBoolean());
        Assert.Equal([false, true], bodies);
    }
}
