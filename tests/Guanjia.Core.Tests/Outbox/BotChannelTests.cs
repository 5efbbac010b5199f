using Guanjia.Core.Outbox;

namespace Guanjia.Core.Tests.Outbox;

/// <summary>The long connection's ways out: replies on the message's req_id, sends to group chats.</summary>
public sealed class BotChannelTests : IDisposable
{
    private readonly OutboxWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task ReplyToALongConnectionMessage_GoesOnItsReqId()
    {
        _world.BotReply("r1", "aibot_msg_callback_1_abcd");

        await _world.PassAsync();

        var sent = Assert.Single(_world.Sent);
        Assert.Equal((OutboxChannel.BotReply, "aibot_msg_callback_1_abcd", OutboxKind.Markdown), (sent.Channel, sent.Target, sent.Kind));
        Assert.Equal(OutboxState.Sent, _world.Row("r1").State);
    }

    [Fact]
    public async Task ReplyWhoseReqIdIsRefused_GoesToTheGroupChat_WithThePersonMentioned()
    {
        _world.BotReply("r1", "aibot_msg_callback_1_abcd");
        _world.Answer(OutboxWorld.Fail(OutboxFailure.Permanent, 846605));

        await _world.PassAsync();

        Assert.Equal(2, _world.Sent.Count);
        var fallback = _world.Sent[1];
        Assert.Equal((OutboxChannel.BotChat, OutboxWorld.WuhuashanGroup), (fallback.Channel, fallback.Target));
        Assert.StartsWith("<@lihua> ", fallback.Content, StringComparison.Ordinal);
        Assert.Equal(OutboxState.Sent, _world.Row("r1").State);
    }

    [Fact]
    public async Task BotMessages_WaitForTheInstanceHoldingTheConnection()
    {
        _world.BotConnected = false;
        _world.BotReply("r1", "aibot_msg_callback_1_abcd");
        _world.ToRobot("robot", OutboxWorld.SanitationRobot);

        await _world.PassAsync();

        Assert.Equal(OutboxChannel.Robot, Assert.Single(_world.Sent).Channel);
        Assert.Equal(OutboxState.Pending, _world.Row("r1").State);

        _world.BotConnected = true;
        await _world.PassAsync();
        Assert.Equal(OutboxState.Sent, _world.Row("r1").State);
    }

    [Fact]
    public async Task ReplyWhileNoInstanceHoldsTheConnection_GoesByTheCommunityRobot_OnceItsReqIdRunsOut()
    {
        _world.BotConnected = false;
        _world.BotReply("r1", "aibot_msg_callback_1_abcd");

        _world.Time.Advance(TimeSpan.FromMinutes(59));
        await _world.PassAsync();

        var sent = Assert.Single(_world.Sent);
        Assert.Equal((OutboxChannel.Robot, OutboxWorld.WuhuashanRobot), (sent.Channel, sent.Target));
        Assert.StartsWith("<@lihua> ", sent.Content, StringComparison.Ordinal);
    }

    [Fact]
    public void DepartmentWithAChatId_IsWrittenToThroughTheBot_OnlyWithTheLongConnection()
    {
        var sanitation = _world.Config.FindDepartment("sanitation")!;
        _world.Write(w => w.ToDepartment("webhook", sanitation, OutboxKind.Markdown, "派单", 7));
        WriteWithLongConnection(w => w.ToDepartment("longconn", sanitation, OutboxKind.Markdown, "派单", 7));

        Assert.Equal((OutboxChannel.Robot, OutboxWorld.SanitationRobot), (_world.Row("webhook").Channel, _world.Row("webhook").Target));
        Assert.Equal((OutboxChannel.BotChat, "wrkSFfCgAAsanit"), (_world.Row("longconn").Channel, _world.Row("longconn").Target));
    }

    [Fact]
    public void PhotosToADepartment_StayOnItsRobot_WithTheLongConnection()
    {
        var sanitation = _world.Config.FindDepartment("sanitation")!;
        WriteWithLongConnection(w => w.ToDepartment("photo", sanitation, OutboxKind.Image, "p1", 7));

        Assert.Equal(OutboxChannel.Robot, _world.Row("photo").Channel);
    }

    private void WriteWithLongConnection(Action<OutboxWriter> write)
    {
        using var db = _world.NewDb();
        write(new OutboxWriter(db, _world.Time) { Routes = new OutboxRoutes(BotChats: true) });
        db.SaveChanges();
    }
}
