using Guanjia.Core.Commands;
using Guanjia.Core.Outbox;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Commands;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class CardClickTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData("accept", null, "接单 12")]
    [InlineData("reject", null, "退回 12")]
    [InlineData("done", null, "办结 12")]
    [InlineData("confirm", null, "确认 12")]
    [InlineData("reopen", null, "重办 12 未解决")]
    [InlineData("rate", "1", "评价 12 满意")]
    [InlineData("rate", "2", "评价 12 基本满意")]
    [InlineData("rate", "3", "评价 12 不满意")]
    [InlineData("recat", "fire", "改类 12 fire")]
    [InlineData("merge", "9", "合并 12 9")]
    [InlineData("extend-ok", null, "同意延期 12")]
    [InlineData("extend-no", null, "不同意延期 12")]
    public void EveryContractKey_IsTheCommandTheClickerCouldType(string action, string? argument, string expected) =>
        Assert.Equal(expected, CardClicks.CommandText(action, 12, argument));

    [Theory]
    [InlineData("rate", "4")]
    [InlineData("rate", null)]
    [InlineData("recat", null)]
    [InlineData("merge", "abc")]
    [InlineData("accept", "extra")]
    [InlineData("launch", null)]
    public void KeysNamingNoCommand_MapToNothing(string action, string? argument) =>
        Assert.Null(CardClicks.CommandText(action, 12, argument));

    [Fact]
    public void EveryCommandAKeyMapsTo_IsInTheCommandTable_OrIsASecondWaveCommand()
    {
        // 评价 and the 延期 decisions arrive with the second wave; the others exist now and must parse.
        foreach (var (action, argument) in new[] { ("accept", (string?)null), ("reject", null), ("done", null), ("confirm", null), ("reopen", null), ("recat", "fire"), ("merge", "9") })
        {
            var parse = CommandProcessor.Parser.Parse(CardClicks.CommandText(action, 12, argument), null);
            Assert.Equal(ParseOutcome.Command, parse.Outcome);
        }
    }

    [Fact]
    public async Task AcceptClick_ByAMember_AcceptsExactlyAsTyping()
    {
        var n = await _h.SeedAsync();

        var outcome = await _h.ClickAsync("hw-gao", $"accept:{n}", SanitationGroup);

        Assert.Equal(CardClickResult.Done, outcome.Result);
        Assert.Equal("已接单", outcome.Text);
        // A member not on the roster by name is named by their department.
        Assert.Equal("已由 五华区环卫华山片区 接单", outcome.By);
        var t = await _h.TicketAsync(n);
        Assert.Equal(TicketStatus.Accepted, t.Status);
        var e = t.Events.OrderBy(x => x.Id).Last();
        Assert.Equal(("accepted", "hw-gao"), (e.Kind, e.By));
    }

    [Fact]
    public async Task AcceptClick_ByAnyoneElse_IsRefusedLikeTyping_AndChangesNothing()
    {
        var n = await _h.SeedAsync();
        var before = await _h.SnapshotAsync(n);

        var steward = await _h.ClickAsync("lihua", $"accept:{n}", SanitationGroup);
        var otherDepartment = await _h.ClickAsync("cc-he", $"accept:{n}", SanitationGroup);
        var stranger = await _h.ClickAsync("nobody", $"accept:{n}", SanitationGroup);

        Assert.Equal([CardClickResult.Refused, CardClickResult.Refused, CardClickResult.Refused], [steward.Result, otherDepartment.Result, stranger.Result]);
        Assert.Contains("权限", steward.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _h.SnapshotAsync(n));
        await using var db = _h.NewDb();
        Assert.Equal(0, await db.Inbox.CountAsync(m => m.MessageId.StartsWith("card:")));
    }

    [Fact]
    public async Task TheSameClickDeliveredTwice_ChangesNothingTheSecondTime()
    {
        var n = await _h.SeedAsync();
        await _h.ClickAsync("hw-gao", $"accept:{n}", SanitationGroup, eventId: "evt-1");
        var after = await _h.SnapshotAsync(n);

        var again = await _h.ClickAsync("hw-gao", $"accept:{n}", SanitationGroup, eventId: "evt-1");

        Assert.Equal(CardClickResult.Duplicate, again.Result);
        Assert.Equal(after, await _h.SnapshotAsync(n));
    }

    [Fact]
    public async Task RejectClick_AsksTheClickerForTheReason_AndChangesNothing()
    {
        var n = await _h.SeedAsync();
        var before = await _h.SnapshotAsync(n);

        var outcome = await _h.ClickAsync("hw-gao", $"reject:{n}", SanitationGroup);

        Assert.Equal(CardClickResult.AskToType, outcome.Result);
        Assert.Contains($"退回 {n} 原因", outcome.Text, StringComparison.Ordinal);
        Assert.Equal(before, await _h.SnapshotAsync(n));
    }

    [Fact]
    public async Task RecatClick_BySecretary_ChangesTheCategory()
    {
        var n = await _h.SeedAsync(category: "other", department: "wuhuashan-office");

        var outcome = await _h.ClickAsync("chenjing", $"recat:{n}:garbage", Wuhuashan);

        Assert.Equal(CardClickResult.Done, outcome.Result);
        Assert.Equal(("garbage", "sanitation"), ((await _h.TicketAsync(n)).Category, (await _h.TicketAsync(n)).Department));
    }

    [Fact]
    public async Task ReportInLongConnectionMode_SendsTheDepartmentADispatchCard_WithItsButtonsAndPage()
    {
        _h.Routes = new OutboxRoutes(BotChats: true, TicketPage: new Uri("https://guanjia.example/#/tickets/"));

        var said = await _h.SayAsync("lihua", "74号院门口垃圾桶满了，垃圾堆到路上了", Wuhuashan, reqId: "aibot_msg_callback_1_ab");

        var ack = Assert.Single(said.Outbox, o => o.Channel == OutboxChannel.BotReply);
        Assert.Equal("aibot_msg_callback_1_ab", ack.Target);
        var n = ack.TicketNumber!.Value;
        var dispatch = Assert.Single(await OutboxOfAsync(n), o => o.Kind == OutboxKind.Card);
        Assert.Equal((OutboxChannel.BotChat, SanitationGroup), (dispatch.Channel, dispatch.Target));
        var card = OutboxCard.FromJson(dispatch.Content)!;
        Assert.Equal([$"accept:{n}", $"reject:{n}", $"done:{n}"], card.Buttons.Select(b => b.Key));
        Assert.Equal($"https://guanjia.example/#/tickets/{n}", card.LinkUrl);
        Assert.Contains($"接单 {n}", card.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportInWebhookMode_DispatchesMarkdownThatSaysTheTypedCommands()
    {
        var said = await _h.SayAsync("lihua", "74号院门口垃圾桶满了，垃圾堆到路上了", Wuhuashan);

        var sent = await OutboxOfAsync(said.Replies.Single().TicketNumber!.Value);
        Assert.DoesNotContain(sent, o => o.Kind == OutboxKind.Card);
        Assert.Contains(sent, o => o.Channel == OutboxChannel.Robot && o.Target == SanitationRobot && o.Content.Contains("接单", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DoneClick_InLongConnectionMode_SendsTheReporterARatingCard_InTheirGroup()
    {
        _h.Routes = new OutboxRoutes(BotChats: true);
        var n = await _h.SeedAsync();

        var outcome = await _h.ClickAsync("hw-gao", $"done:{n}", SanitationGroup);

        Assert.Equal(CardClickResult.Done, outcome.Result);
        Assert.Equal(TicketStatus.Resolved, (await _h.TicketAsync(n)).Status);
        var rating = Assert.Single(await OutboxOfAsync(n), o => o.Kind == OutboxKind.Card);
        Assert.Equal((OutboxChannel.BotChat, Wuhuashan), (rating.Channel, rating.Target));
        var card = OutboxCard.FromJson(rating.Content)!;
        Assert.Equal([$"rate:{n}:1", $"rate:{n}:2", $"rate:{n}:3", $"reopen:{n}"], card.Buttons.Select(b => b.Key));
        Assert.Equal("lihua", card.Mention);
    }

    [Fact]
    public async Task ReopenClick_ByTheReporter_ReopensTheResolvedTicket_AndByAnotherStewardIsRefused()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Resolved);

        var other = await _h.ClickAsync("zhoumin", $"reopen:{n}", Wuhuashan);
        var reporter = await _h.ClickAsync("lihua", $"reopen:{n}", Wuhuashan);

        Assert.Equal(CardClickResult.Refused, other.Result);
        Assert.Equal(CardClickResult.Done, reporter.Result);
        Assert.Equal(TicketStatus.Dispatched, (await _h.TicketAsync(n)).Status);
    }

    [Fact]
    public async Task ClickedCard_IsTheOneSent_FoundByItsTaskId()
    {
        _h.Routes = new OutboxRoutes(BotChats: true);
        var said = await _h.SayAsync("lihua", "74号院门口垃圾桶满了，垃圾堆到路上了", Wuhuashan, reqId: "r1");
        var n = said.Replies.Single().TicketNumber!.Value;
        var sent = OutboxCard.FromJson(Assert.Single(await OutboxOfAsync(n), o => o.Kind == OutboxKind.Card).Content)!;

        var outcome = await _h.ClickAsync("hw-gao", $"accept:{n}", SanitationGroup, taskId: sent.TaskId);

        Assert.Equal(sent.ToJson(), outcome.Card!.ToJson());
    }

    [Fact]
    public async Task UnsureTriage_InLongConnectionMode_AsksTheSecretariesWithCategoryButtons_InTheirGroup()
    {
        _h.Routes = new OutboxRoutes(BotChats: true);
        var triage = Guanjia.Core.Triage.TicketTriage.Create(Config, RepoPaths.TriageKnowledge);
        var community = Config.FindCommunity("wuhuashan")!;
        string[] vague = ["74号院那边情况不太对劲，麻烦有人过来看看", "南路74号院这个事情需要协调一下", "74号院有件事想反映一下，请社区关注", "南路74号院后面那块地方要处理"];
        var text = vague.FirstOrDefault(t => triage.Triage(t, Config.FindPerson("lihua"), community) is { LowConfidence: true, Candidates.Count: > 0 });
        Assert.True(text is not null, "no vague report left that triage is unsure about; add one");

        await _h.SayAsync("lihua", text, Wuhuashan, reqId: "r1");

        var ask = Assert.Single(await OutboxOfAsync(1), o => o.Key.EndsWith(":recategorise", StringComparison.Ordinal));
        Assert.Equal((OutboxChannel.BotChat, OutboxKind.Card, Wuhuashan), (ask.Channel, ask.Kind, ask.Target));
        var card = OutboxCard.FromJson(ask.Content)!;
        Assert.NotEmpty(card.Buttons);
        Assert.All(card.Buttons, b => Assert.StartsWith("recat:1:", b.Key, StringComparison.Ordinal));
        Assert.Contains("改类 1 代码", card.Hint, StringComparison.Ordinal);

        var code = card.Buttons[0].Key.Split(':')[2];
        var refused = await _h.ClickAsync("lihua", card.Buttons[0].Key, Wuhuashan);
        var done = await _h.ClickAsync("chenjing", card.Buttons[0].Key, Wuhuashan);
        Assert.Equal((CardClickResult.Refused, CardClickResult.Done), (refused.Result, done.Result));
        Assert.Equal(code, (await _h.TicketAsync(1)).Category);
    }

    [Fact]
    public async Task UnsureTriage_InWebhookModeWithTheAppsCallback_AsksTheSecretariesWithCategoryButtons_OneToOne()
    {
        _h.Routes = new OutboxRoutes(AppCards: true);
        var triage = Guanjia.Core.Triage.TicketTriage.Create(Config, RepoPaths.TriageKnowledge);
        var community = Config.FindCommunity("wuhuashan")!;
        string[] vague = ["74号院那边情况不太对劲，麻烦有人过来看看", "南路74号院这个事情需要协调一下", "74号院有件事想反映一下，请社区关注", "南路74号院后面那块地方要处理"];
        var text = vague.FirstOrDefault(t => triage.Triage(t, Config.FindPerson("lihua"), community) is { LowConfidence: true, Candidates.Count: > 0 });
        Assert.True(text is not null, "no vague report left that triage is unsure about; add one");

        await _h.SayAsync("lihua", text, Wuhuashan, reqId: "r1");

        var ask = Assert.Single(await OutboxOfAsync(1), o => o.Key.EndsWith(":recategorise", StringComparison.Ordinal));
        Assert.Equal((OutboxChannel.AppUser, OutboxKind.Card, "chenjing"), (ask.Channel, ask.Kind, ask.Target));
        var card = OutboxCard.FromJson(ask.Content)!;
        Assert.NotEmpty(card.Buttons);
        Assert.All(card.Buttons, b => Assert.StartsWith("recat:1:", b.Key, StringComparison.Ordinal));
        Assert.Contains("改类 1 代码", card.Hint, StringComparison.Ordinal);

        var code = card.Buttons[0].Key.Split(':')[2];
        var refused = await _h.ClickAsync("lihua", card.Buttons[0].Key, Wuhuashan);
        var done = await _h.ClickAsync("chenjing", card.Buttons[0].Key, Wuhuashan);
        Assert.Equal((CardClickResult.Refused, CardClickResult.Done), (refused.Result, done.Result));
        Assert.Equal(code, (await _h.TicketAsync(1)).Category);
    }

    [Fact]
    public async Task NotDuplicateClick_IsTheSecretariesCall_AndChangesNoTicket()
    {
        var n = await _h.SeedAsync();
        var before = await _h.SnapshotAsync(n);

        var steward = await _h.ClickAsync("lihua", $"notdup:{n}", Wuhuashan);
        var secretary = await _h.ClickAsync("chenjing", $"notdup:{n}", Wuhuashan);

        Assert.Equal((CardClickResult.Refused, CardClickResult.Done), (steward.Result, secretary.Result));
        Assert.Equal(before, await _h.SnapshotAsync(n));
    }

    [Fact]
    public async Task MergeClick_BySecretary_MergesIntoTheEarlierTicket()
    {
        var earlier = await _h.SeedAsync();
        var later = await _h.SeedAsync();

        var outcome = await _h.ClickAsync("chenjing", $"merge:{later}:{earlier}", Wuhuashan);

        Assert.Equal(CardClickResult.Done, outcome.Result);
        Assert.Equal((TicketStatus.Merged, (int?)earlier), ((await _h.TicketAsync(later)).Status, (await _h.TicketAsync(later)).MergedInto));
    }

    [Fact]
    public async Task ExtensionRequest_InLongConnectionMode_AsksTheSecretariesWithButtons_AndTheirAgreeMovesTheDeadline()
    {
        _h.Routes = new OutboxRoutes(BotChats: true);
        var n = await _h.SeedAsync();
        var due = (await _h.TicketAsync(n)).DueAt;

        await _h.SayAsync("hw-gao", $"延期 {n} 2天 等配件到货", SanitationGroup);

        var ask = Assert.Single(await OutboxOfAsync(n), o => o.Key.EndsWith(":extension", StringComparison.Ordinal));
        Assert.Equal((OutboxChannel.BotChat, OutboxKind.Card, Wuhuashan), (ask.Channel, ask.Kind, ask.Target));
        var card = OutboxCard.FromJson(ask.Content)!;
        Assert.Equal([$"extend-ok:{n}", $"extend-no:{n}"], card.Buttons.Select(b => b.Key));
        Assert.Contains("等配件到货", card.Text, StringComparison.Ordinal);

        var refused = await _h.ClickAsync("hw-gao", $"extend-ok:{n}", Wuhuashan);
        Assert.Equal(due, (await _h.TicketAsync(n)).DueAt);
        var agreed = await _h.ClickAsync("chenjing", $"extend-ok:{n}", Wuhuashan);

        Assert.Equal((CardClickResult.Refused, CardClickResult.Done), (refused.Result, agreed.Result));
        Assert.Equal(due.AddDays(2), (await _h.TicketAsync(n)).DueAt);
    }

    [Fact]
    public async Task RateClick_ByTheReporter_RecordsTheRating_AndClosesTheTicket()
    {
        var n = await _h.SeedAsync(status: TicketStatus.Resolved);

        var other = await _h.ClickAsync("zhoumin", $"rate:{n}:1", Wuhuashan);
        var reporter = await _h.ClickAsync("lihua", $"rate:{n}:2", Wuhuashan);

        var ticket = await _h.TicketAsync(n);
        Assert.Equal((CardClickResult.Refused, CardClickResult.Done), (other.Result, reporter.Result));
        Assert.Equal(("basic", TicketStatus.Closed), (ticket.Satisfaction, ticket.Status));
    }

    private async Task<List<OutboxMessage>> OutboxOfAsync(int number)
    {
        await using var db = _h.NewDb();
        return await db.Outbox.AsNoTracking().Where(o => o.TicketNumber == number).OrderBy(o => o.Id).ToListAsync();
    }
}
