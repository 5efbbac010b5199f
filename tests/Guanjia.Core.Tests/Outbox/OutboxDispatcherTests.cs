using Guanjia.Core.Outbox;
using Microsoft.EntityFrameworkCore;
using Moq;
using static Guanjia.Core.Tests.Outbox.OutboxWorld;

namespace Guanjia.Core.Tests.Outbox;

public sealed class OutboxDispatcherTests : IDisposable
{
    private readonly OutboxWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task Send_MarksEachMessageSentBeforeTheNextIsSent()
    {
        _world.ToRobot("a", SanitationRobot);
        _world.ToRobot("b", SanitationRobot);
        var stateOfFirstWhenSecondWasSent = OutboxState.Pending;
        _world.Transport
            .Setup(t => t.SendAsync(It.Is<OutboxMessage>(m => m.Key == "b"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                stateOfFirstWhenSecondWasSent = _world.Row("a").State;
                return OutboxSendResult.Ok;
            });

        await _world.PassAsync();

        Assert.Equal(OutboxState.Sent, stateOfFirstWhenSecondWasSent);
        Assert.All(_world.Rows(), m => Assert.Equal(OutboxState.Sent, m.State));
    }

    [Fact]
    public async Task Send_ToDifferentDestinations_GoesOutTogether_UpToTheParallelism_OneAtATimePerDestination()
    {
        _world.Options.Parallelism = 2;
        _world.ToRobot("sanitation-1", SanitationRobot);
        _world.ToRobot("sanitation-2", SanitationRobot);
        _world.ToRobot("fire", FireRobot);
        _world.ToRobot("street", StreetRobot);
        var inFlight = 0;
        var most = 0;
        var waves = new List<string[]>();
        var current = new List<string>();
        var together = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _world.Transport
            .Setup(t => t.SendAsync(It.IsAny<OutboxMessage>(), It.IsAny<CancellationToken>()))
            .Returns(async (OutboxMessage m, CancellationToken _) =>
            {
                Task gate;
                lock (waves)
                {
                    current.Add(m.Key);
                    most = Math.Max(most, ++inFlight);
                    gate = together.Task;
                    if (inFlight == 2)
                    {
                        together.SetResult();
                    }
                }

                // Answered only once two sends are in flight together (sent one by one, this times out).
                await gate.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
                lock (waves)
                {
                    if (--inFlight == 0)
                    {
                        waves.Add([.. current]);
                        current.Clear();
                        together = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                }

                return OutboxSendResult.Ok;
            });

        await _world.PassAsync();

        Assert.Equal(2, most);
        Assert.Equal([["sanitation-1", "fire"], ["sanitation-2", "street"]], waves);
        Assert.All(_world.Rows(), m => Assert.Equal(OutboxState.Sent, m.State));
    }

    [Theory]
    [InlineData(OutboxFailure.Transient, -1003)] // HTTP 5xx
    [InlineData(OutboxFailure.Transient, -1001)] // timeout
    [InlineData(OutboxFailure.Transient, -1)] // WeCom busy
    [InlineData(OutboxFailure.TokenRejected, 42001)] // still expired after the client's own refresh
    public async Task TransientFailure_IsRetriedAfterBackoff_NotBefore(OutboxFailure failure, int code)
    {
        _world.ToRobot("a", SanitationRobot);
        _world.Answer(Fail(failure, code));

        await _world.PassAsync();
        _world.Time.Advance(_world.Options.BaseBackoff - TimeSpan.FromMilliseconds(1));
        await _world.PassAsync();

        Assert.Single(_world.Sent);
        Assert.Equal(OutboxState.Pending, _world.Row("a").State);

        _world.Time.Advance(TimeSpan.FromMilliseconds(1));
        await _world.PassAsync();

        Assert.Equal(2, _world.Sent.Count);
        Assert.Equal(OutboxState.Sent, _world.Row("a").State);
    }

    [Fact]
    public async Task RepeatedFailures_BackOffExponentially_UpToTheCap()
    {
        _world.Options.MaxBackoff = TimeSpan.FromSeconds(10);
        _world.ToRobot("a", SanitationRobot);
        _world.Answer(Enumerable.Repeat(Fail(OutboxFailure.Transient, -1), 5).ToArray());
        List<TimeSpan> waits = [];

        for (var i = 0; i < 5; i++)
        {
            await _world.PassAsync();
            var row = _world.Row("a");
            waits.Add(row.NextAttemptAt - _world.Time.GetUtcNow());
            _world.Time.Advance(waits[^1]);
        }

        Assert.Equal([2, 4, 8, 10, 10], waits.Select(w => (int)w.TotalSeconds));
        await _world.PassAsync();
        Assert.Equal(OutboxState.Sent, _world.Row("a").State);
    }

    [Fact]
    public async Task FailedMessage_HoldsBackLaterMessagesOfItsDestination_ButNotOthers()
    {
        _world.ToRobot("first", SanitationRobot);
        _world.ToRobot("second", SanitationRobot);
        _world.ToRobot("other", FireRobot);
        _world.Answer(Fail(OutboxFailure.Transient, -1003));

        await _world.PassAsync();
        await _world.PassAsync(); // same instant: "second" must still wait behind "first"

        Assert.Equal(["first", "other"], _world.Sent.Select(s => s.Key));

        _world.Time.Advance(_world.Options.BaseBackoff);
        await _world.PassAsync();

        Assert.Equal(["first", "other", "first", "second"], _world.Sent.Select(s => s.Key));
    }

    [Fact]
    public async Task RateLimit45009_RestsTheDestinationForTheWholeWindow()
    {
        _world.ToRobot("a", SanitationRobot);
        _world.ToRobot("b", SanitationRobot);
        _world.ToRobot("other", FireRobot);
        _world.Answer(Fail(OutboxFailure.RateLimited, 45009));

        await _world.PassAsync();
        _world.Time.Advance(TimeSpan.FromSeconds(59));
        await _world.PassAsync();

        Assert.Equal(["a", "other"], _world.Sent.Select(s => s.Key));

        _world.Time.Advance(TimeSpan.FromSeconds(1));
        await _world.PassAsync();

        Assert.Equal(["a", "other", "a", "b"], _world.Sent.Select(s => s.Key));
    }

    [Fact]
    public async Task Pacing_SendsAtMost20PerRobotPerMinute_UrgentDispatchesFirst()
    {
        for (var i = 0; i < 22; i++)
        {
            _world.ToDepartment($"normal-{i}", "sanitation");
        }

        _world.ToDepartment("urgent-0", "sanitation", urgent: true);
        _world.ToDepartment("urgent-1", "sanitation", urgent: true);

        await _world.PassAsync();
        await _world.PassAsync();

        Assert.Equal(20, _world.Sent.Count);
        Assert.Equal(["urgent-0", "urgent-1"], _world.Sent.Take(2).Select(s => s.Key));
        Assert.Equal(Enumerable.Range(0, 18).Select(i => $"normal-{i}"), _world.Sent.Skip(2).Select(s => s.Key));

        _world.Time.Advance(TimeSpan.FromMinutes(1));
        await _world.PassAsync();

        Assert.Equal(24, _world.Sent.Count);
        Assert.All(_world.Rows(), m => Assert.Equal(OutboxState.Sent, m.State));
    }

    [Fact]
    public async Task RobotRemoved93000_HoldsItsMessages_TellsTheStreetOfficeOnce_StopsCallingIt()
    {
        _world.ToDepartment("d1", "sanitation", ticket: 1);
        _world.ToDepartment("d2", "sanitation", ticket: 2);
        _world.Answer(Fail(OutboxFailure.RobotRemoved, 93000));

        await _world.PassAsync();
        _world.ToDepartment("d3", "sanitation", ticket: 3);
        await _world.PassAsync();
        _world.Time.Advance(TimeSpan.FromHours(1));
        await _world.PassAsync();

        Assert.Equal(1, _world.Sent.Count(s => s.Target == SanitationRobot));
        Assert.All(["d1", "d2", "d3"], key => Assert.Equal(OutboxState.Held, _world.Row(key).State));
        var notices = _world.Sent.Where(s => s.Target == StreetRobot).ToList();
        var notice = Assert.Single(notices);
        Assert.Contains("五华区环卫华山片区", notice.Content, StringComparison.Ordinal);
        Assert.Contains("重新添加机器人", notice.Content, StringComparison.Ordinal);
        Assert.DoesNotContain(SanitationRobot, notice.Key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermanentFailure_DropsTheMessage_AndTellsTheStreetOffice()
    {
        _world.ToRobot("too-long", SanitationRobot, ticket: 12);
        _world.Answer(Fail(OutboxFailure.Permanent, 40058));

        await _world.PassAsync();
        await _world.PassAsync();

        Assert.Equal(OutboxState.Dropped, _world.Row("too-long").State);
        var notice = Assert.Single(_world.Sent, s => s.Target == StreetRobot);
        Assert.Contains("#12", notice.Content, StringComparison.Ordinal);
        Assert.Contains("40058", notice.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1003)]
    [InlineData(-1001)]
    [InlineData(-1)]
    public async Task ResponseUrl_TransientFailure_IsRetriedOnTheSameUrl(int code)
    {
        _world.Reply("ack");
        _world.Answer(Fail(code == 45009 ? OutboxFailure.RateLimited : OutboxFailure.Transient, code));

        await _world.PassAsync();
        _world.Time.Advance(_world.Options.BaseBackoff);
        await _world.PassAsync();

        Assert.Equal(2, _world.Sent.Count);
        Assert.All(_world.Sent, s => Assert.Equal((OutboxChannel.ResponseUrl, ResponseUrl), (s.Channel, s.Target)));
        Assert.Equal(OutboxState.Sent, _world.Row("ack").State);
    }

    [Fact]
    public async Task ResponseUrl_RefusedAsUsed_FallsBackToTheCommunityRobotMentioningTheReporter()
    {
        _world.Reply("ack");
        _world.Answer(Fail(OutboxFailure.Permanent, 40058));

        await _world.PassAsync();

        Assert.Equal(2, _world.Sent.Count);
        var fallback = _world.Sent[1];
        Assert.Equal((OutboxChannel.Robot, WuhuashanRobot, OutboxKind.Markdown), (fallback.Channel, fallback.Target, fallback.Kind));
        Assert.StartsWith("<@lihua> ", fallback.Content, StringComparison.Ordinal);
        Assert.Contains("#7", fallback.Content, StringComparison.Ordinal);
        Assert.Equal(OutboxState.Sent, _world.Row("ack").State);
    }

    [Fact]
    public async Task ResponseUrl_TimedOutThenRefusedAsUsed_IsTakenAsDelivered_NotSentAgainAnotherWay()
    {
        _world.Reply("ack");
        _world.Answer(new OutboxSendResult(OutboxFailure.Transient, -1001, MayHaveArrived: true), Fail(OutboxFailure.Permanent, 40058));

        await _world.PassAsync();
        _world.Time.Advance(_world.Options.BaseBackoff);
        await _world.PassAsync();

        Assert.Equal(2, _world.Sent.Count);
        Assert.All(_world.Sent, s => Assert.Equal(OutboxChannel.ResponseUrl, s.Channel));
        var row = _world.Row("ack");
        Assert.Equal(OutboxState.Sent, row.State);
        Assert.StartsWith("presumed-delivered", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResponseUrl_UsedByAnEarlierReply_SecondReplyGoesAnotherWay_EvenAfterATimeout()
    {
        _world.Reply("photo-ack");
        _world.Reply("ack");
        _world.Answer(OutboxSendResult.Ok, new OutboxSendResult(OutboxFailure.Transient, -1001, MayHaveArrived: true), Fail(OutboxFailure.Permanent, 40058));

        await _world.PassAsync();
        _world.Time.Advance(_world.Options.BaseBackoff);
        await _world.PassAsync();

        Assert.Equal(OutboxChannel.Robot, _world.Sent[^1].Channel);
        Assert.StartsWith("fallback:refused", _world.Row("ack").LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResponseUrl_InOneToOneChat_FallsBackToTheAppMessageToTheReporter()
    {
        _world.Reply("ack", chatId: null);
        _world.Answer(Fail(OutboxFailure.AddressUnusable, -1007));

        await _world.PassAsync();

        var fallback = _world.Sent[1];
        Assert.Equal((OutboxChannel.AppUser, "lihua", OutboxKind.Text), (fallback.Channel, fallback.Target, fallback.Kind));
        Assert.Equal(OutboxState.Sent, _world.Row("ack").State);
    }

    [Fact]
    public async Task ResponseUrl_Expired_IsNotTried_AndGoesToThePersonAnotherWay()
    {
        _world.Reply("ack", chatId: null, receivedAt: _world.Time.GetUtcNow());
        _world.Time.Advance(TimeSpan.FromMinutes(59));

        await _world.PassAsync();

        var only = Assert.Single(_world.Sent);
        Assert.Equal((OutboxChannel.AppUser, "lihua"), (only.Channel, only.Target));
        Assert.StartsWith("fallback:expired", _world.Row("ack").LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://example.com/x")]
    [InlineData("not a url")]
    public async Task ResponseUrl_Invalid_IsNotTried_AndGoesToThePersonAnotherWay(string url)
    {
        _world.Reply("ack", responseUrl: url);

        await _world.PassAsync();

        var only = Assert.Single(_world.Sent);
        Assert.Equal((OutboxChannel.Robot, WuhuashanRobot), (only.Channel, only.Target));
    }

    [Fact]
    public async Task ResponseUrl_FailingEveryTime_FallsBackAfterTheConfiguredAttempts()
    {
        _world.Reply("ack");
        _world.Answer(Enumerable.Repeat(Fail(OutboxFailure.Transient, -1003), _world.Options.ResponseUrlAttempts).ToArray());

        for (var i = 0; i < _world.Options.ResponseUrlAttempts; i++)
        {
            await _world.PassAsync();
            _world.Time.Advance(_world.Options.MaxBackoff);
        }

        Assert.Equal(_world.Options.ResponseUrlAttempts, _world.Sent.Count(s => s.Channel == OutboxChannel.ResponseUrl));
        Assert.Equal(OutboxChannel.Robot, _world.Sent[^1].Channel);
        Assert.Equal(OutboxState.Sent, _world.Row("ack").State);
    }

    [Fact]
    public async Task ResponseUrl_FallbackRobotRemoved_IsHeldNotLost()
    {
        _world.Reply("ack");
        _world.Answer(Fail(OutboxFailure.Permanent, 40058), Fail(OutboxFailure.RobotRemoved, 93000));

        await _world.PassAsync();
        await _world.PassAsync();

        Assert.Equal(OutboxState.Held, _world.Row("ack").State);
    }

    [Fact]
    public async Task Reply_ExpiresBeforeWeComsHourFromTheUsersMessage()
    {
        var received = _world.Time.GetUtcNow() - TimeSpan.FromMinutes(10);
        _world.Reply("ack", receivedAt: received);

        var row = _world.Row("ack");

        Assert.Equal("lihua", row.Recipient);
        Assert.Equal(WuhuashanGroup, row.Conversation);
        Assert.InRange(row.ExpiresAt!.Value, received + TimeSpan.FromMinutes(50), received + TimeSpan.FromHours(1));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Metrics_CountConsecutiveWeComFailures_UntilASuccess()
    {
        _world.ToRobot("a", SanitationRobot);
        _world.ToRobot("b", FireRobot);
        _world.Answer(Fail(OutboxFailure.Transient, -1), Fail(OutboxFailure.Transient, -1));

        await _world.PassAsync();
        Assert.Equal(2, _world.Metrics.ConsecutiveWeComFailures);

        _world.Time.Advance(_world.Options.BaseBackoff);
        await _world.PassAsync();
        Assert.Equal(0, _world.Metrics.ConsecutiveWeComFailures);
    }

    [Fact]
    public async Task DueQuery_SkipsPausedTargets_AndMessagesBehindAWaitingOne()
    {
        _world.ToRobot("waiting", SanitationRobot);
        _world.ToRobot("behind", SanitationRobot);
        _world.ToRobot("paused", FireRobot);
        _world.ToRobot("free", StreetRobot);
        await using (var db = _world.NewDb())
        {
            await db.Outbox.Where(m => m.Key == "waiting").ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, _world.Time.GetUtcNow().AddMinutes(1)));
        }

        await using var read = _world.NewDb();
        var due = await OutboxDispatcher.DueQuery(read, _world.Time.GetUtcNow(), [FireRobot]).Select(m => m.Key).ToListAsync();

        Assert.Equal(["free"], due);
    }
}
