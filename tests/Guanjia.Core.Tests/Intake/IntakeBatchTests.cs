using Guanjia.Core.Outbox;
using Guanjia.Core.Tests.Commands;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Guanjia.Core.Tests.Intake;

/// <summary>Many stored messages in one transaction: the same outcome per message as alone, all or nothing.</summary>
public sealed class IntakeBatchTests : IAsyncDisposable
{
    private const string Chat = CommandHarness.Wuhuashan;

    private readonly CommandHarness _batched = new();
    private readonly CommandHarness _alone = new();

    // A street's morning in one batch: reports in groups and 1:1, a photo after its text, small talk.
    private static readonly (string User, string? Text, string? Chat, int Photos)[] Morning =
    [
        ("lihua", "74号院门口垃圾桶满了，臭味很大", Chat, 0),
        ("zhoumin", "126号院楼道里有人飞线充电", Chat, 0),
        ("yangfang", "翠湖南路3号院路灯坏了好几天", CommandHarness.Cuihu, 0),
        ("wanggang", "五华山小区门口车乱停，消防通道堵了", null, 0),
        ("wanggang", null, null, 1),
        ("lihua", "谢谢", Chat, 0),
        ("hejun", "青云街45号院有人在楼道堆放杂物", CommandHarness.Cuihu, 0),
        ("lihua", "74号院门口垃圾桶又满了", Chat, 0),
    ];

    [Fact]
    public async Task Batch_HandlesEachMessageAsProcessingItAloneWould()
    {
        var batchIds = new List<long>();
        foreach (var (user, text, chat, photos) in Morning)
        {
            batchIds.Add((await _batched.StoreAsync(user, text, chat, photos: photos)).InboxId);
            var alone = await _alone.StoreAsync(user, text, chat, photos: photos);
            await _alone.ProcessAsync(alone.InboxId);
        }

        var processed = await _batched.ProcessBatchAsync(batchIds);

        Assert.Equal(Morning.Length, processed);
        Assert.Equal(await DescribeAsync(_alone), await DescribeAsync(_batched));
        Assert.Equal(5, await _batched.TicketCountAsync());
        await using var db = _batched.NewDb();
        Assert.All(await db.Inbox.AsNoTracking().ToListAsync(), row =>
        {
            Assert.NotNull(row.ProcessedAt);
            Assert.Equal(1, row.Attempts);
        });
    }

    [Fact]
    public async Task Batch_PhotoAfterItsText_InTheSameBatch_JoinsThatTicket()
    {
        var report = await _batched.StoreAsync("wanggang", "五华山小区门口车乱停，消防通道堵了");
        var photo = await _batched.StoreAsync("wanggang", null, photos: 1);

        await _batched.ProcessBatchAsync([photo.InboxId, report.InboxId]);

        Assert.Equal(1, await _batched.TicketCountAsync());
        await using var db = _batched.NewDb();
        var ticket = await db.Tickets.AsNoTracking().Include(t => t.Photos).SingleAsync();
        Assert.Single(ticket.Photos);
        Assert.Equal(0, await _batched.PendingPhotoCountAsync());
    }

    [Fact]
    public async Task Batch_AnswersEveryMessageOnce_AndAcknowledgesEveryTicketItMade()
    {
        string[] stewards = ["lihua", "zhoumin", "wanggang", "yangfang", "hejun", "tangyu", "xiaoqin"];
        string[] problems = ["门口垃圾桶满了", "楼道里有人飞线充电", "路灯坏了好几天", "有人在楼道堆放杂物", "井盖松动了"];
        var ids = new List<long>();
        for (var i = 0; i < 35; i++)
        {
            var steward = stewards[i % stewards.Length];
            var chat = CommandHarness.Config.FindCommunity(CommandHarness.Config.FindPerson(steward)!.CommunityId!)!.ChatId;
            ids.Add((await _batched.StoreAsync(steward, problems[i / stewards.Length], chat)).InboxId);
        }

        await _batched.ProcessBatchAsync(ids);

        await using var db = _batched.NewDb();
        var replies = await db.Outbox.AsNoTracking().Where(o => o.Channel == OutboxChannel.ResponseUrl).ToListAsync();
        Assert.Equal(ids.Select(id => $"inbox:{id}"), replies.Select(r => r.Key[..r.Key.LastIndexOf(':')]).Order(StringComparer.Ordinal).Distinct().OrderBy(k => long.Parse(k[6..], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(ids.Count, replies.Count);
        var tickets = await db.Tickets.AsNoTracking().Select(t => t.Number).ToListAsync();
        Assert.True(tickets.Count >= stewards.Length);
        Assert.Equal(tickets.Order(), replies.Where(r => r.Key.EndsWith(":ack", StringComparison.Ordinal)).Select(r => r.TicketNumber!.Value).Order());
    }

    [Fact]
    public async Task Batch_WhenOneMessageFailsMidway_KeepsNothing_AndEachAloneThenHasOneOutcome()
    {
        var ids = new List<long>();
        foreach (var (user, text, chat, _) in Morning.Where(m => m.Photos == 0))
        {
            ids.Add((await _batched.StoreAsync(user, text, chat)).InboxId);
        }

        var poison = ids[3];
        var failing = new FailWhenProcessed(poison);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _batched.ProcessBatchAsync(ids, failing));

        Assert.True(failing.Fired);
        Assert.Equal(0, await _batched.TicketCountAsync());
        await using (var db = _batched.NewDb())
        {
            Assert.Empty(await db.Outbox.AsNoTracking().ToListAsync());
            Assert.All(await db.Inbox.AsNoTracking().ToListAsync(), row => Assert.Null(row.ProcessedAt));
        }

        // As the worker retries a failed batch: message by message, the poison one failing alone.
        foreach (var id in ids)
        {
            if (id == poison)
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => _batched.ProcessBatchAsync([id], failing));
                continue;
            }

            Assert.Equal(1, await _batched.ProcessBatchAsync([id], failing));
        }

        // A retry of the whole batch finds only the poison one left.
        await Assert.ThrowsAsync<InvalidOperationException>(() => _batched.ProcessBatchAsync(ids, failing));
        await using var read = _batched.NewDb();
        var rows = await read.Inbox.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
        Assert.Equal(ids.Where(id => id != poison), rows.Where(r => r.ProcessedAt is not null).Select(r => r.Id));
        Assert.Equal(ids.Count - 1, await read.Outbox.AsNoTracking().Where(o => o.Channel == OutboxChannel.ResponseUrl).Select(o => o.Key).Distinct().CountAsync());
        Assert.Equal(4, await _batched.TicketCountAsync());
    }

    [Fact]
    public async Task Batch_SameProblemFromTwoStewards_MarksTheSecondAPossibleDuplicate_AsAloneWould()
    {
        // Reports of different senders are saved together: the duplicate look-up must see the batch's unsaved tickets too.
        (string User, string Text)[] reports = [("lihua", "74号院门口垃圾桶满了，臭味很大"), ("zhoumin", "74号院门口垃圾桶满了没人清"), ("hejun", "74号院门口的垃圾桶满出来了")];
        var ids = new List<long>();
        foreach (var (user, text) in reports)
        {
            ids.Add((await _batched.StoreAsync(user, text, Chat)).InboxId);
            await _alone.ProcessAsync((await _alone.StoreAsync(user, text, Chat)).InboxId);
        }

        await _batched.ProcessBatchAsync(ids);

        Assert.Equal(await DescribeAsync(_alone), await DescribeAsync(_batched));
        await using var db = _batched.NewDb();
        var tickets = await db.Tickets.AsNoTracking().OrderBy(t => t.Number).ToListAsync();
        Assert.Equal(3, tickets.Count);
        Assert.Null(tickets[0].PossibleDuplicateOf);
        Assert.Equal(tickets[0].Number, tickets[1].PossibleDuplicateOf);
        Assert.Equal(tickets[1].Number, tickets[2].PossibleDuplicateOf);
    }

    [Fact]
    public async Task Batch_SkipsProcessedAndDeadMessages()
    {
        var done = await _batched.SayAsync("lihua", "74号院门口垃圾桶满了", Chat);
        var dead = await _batched.StoreAsync("zhoumin", "126号院楼道里有人飞线充电", Chat);
        var fresh = await _batched.StoreAsync("hejun", "青云街45号院有人在楼道堆放杂物", CommandHarness.Cuihu);
        await using (var db = _batched.NewDb())
        {
            await db.Inbox.Where(r => r.Id == dead.InboxId).ExecuteUpdateAsync(s => s.SetProperty(r => r.DeadAt, _batched.Time.GetUtcNow()));
        }

        var dealtWith = await _batched.ProcessBatchAsync([done.InboxId, dead.InboxId, fresh.InboxId]);

        Assert.Equal(3, dealtWith);
        Assert.Equal(2, await _batched.TicketCountAsync());
        await using var read = _batched.NewDb();
        Assert.Null((await read.Inbox.AsNoTracking().SingleAsync(r => r.Id == dead.InboxId)).ProcessedAt);
    }

    [Fact]
    public async Task Batch_CommitsWhenItsTimeBudgetIsSpent_AndLeavesTheRestForTheNextBatch()
    {
        string[] stewards = ["lihua", "zhoumin", "wanggang", "yangfang", "hejun", "tangyu", "xiaoqin"];
        var ids = new List<long>();
        foreach (var steward in stewards)
        {
            var chat = CommandHarness.Config.FindCommunity(CommandHarness.Config.FindPerson(steward)!.CommunityId!)!.ChatId;
            ids.Add((await _batched.StoreAsync(steward, "门口垃圾桶满了", chat)).InboxId);
        }

        // Each message's handling takes 10 ms of the clock; a 25 ms budget ends the batch after the third.
        var slow = new AdvanceOnProcessed(_batched.Time, TimeSpan.FromMilliseconds(10));
        var first = await _batched.ProcessBatchAsync(ids, TimeSpan.FromMilliseconds(25), slow);

        Assert.Equal(3, first);
        await using (var db = _batched.NewDb())
        {
            Assert.Equal(ids.Take(3), await db.Inbox.AsNoTracking().Where(r => r.ProcessedAt != null).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync());
        }

        Assert.Equal(4, await _batched.ProcessBatchAsync(ids.Skip(first).ToList(), TimeSpan.FromMilliseconds(100), slow));
        Assert.Equal(stewards.Length, await _batched.TicketCountAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _batched.DisposeAsync();
        await _alone.DisposeAsync();
    }

    /// <summary>Tickets and outbox rows as text, ids left out (the two databases number inbox rows alike).</summary>
    private static async Task<string> DescribeAsync(CommandHarness harness)
    {
        await using var db = harness.NewDb();
        var tickets = await db.Tickets.AsNoTracking().Include(t => t.Photos).Include(t => t.Events).AsSplitQuery().OrderBy(t => t.Number).ToListAsync();
        var outbox = await db.Outbox.AsNoTracking().OrderBy(o => o.Id).ToListAsync();
        var lines = tickets.Select(t =>
            $"#{t.Number} {t.Status} {t.Category} {t.Department} {t.Compound} urgent={t.Urgent} low={t.LowConfidence} dup={t.PossibleDuplicateOf} photos={t.Photos.Count} events={string.Join(',', t.Events.OrderBy(e => e.Id).Select(e => e.Kind))}")
            .Concat(outbox.Select(o => $"{o.Key} {o.Channel} {o.Target} {o.TicketNumber} {o.Content}"));
        return string.Join('\n', lines);
    }

    /// <summary>
    /// Moves the clock on each time a message is classified: every message takes <paramref name="step"/>. (The
    /// classifier asks once per text message for the sender's recent ticket in the chat, the one query naming the
    /// reporter; the effects of several messages may be saved together, so saves do not count messages.)
    /// </summary>
    private sealed class AdvanceOnProcessed(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, TimeSpan step) : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
            System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result,
            CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("FROM \"Tickets\"", StringComparison.Ordinal) && command.CommandText.Contains("\"Reporter\" =", StringComparison.Ordinal))
            {
                time.Advance(step);
            }

            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    /// <summary>Throws when the effects of inbox row <paramref name="poison"/> are about to be saved: a failure inside the transaction.</summary>
    private sealed class FailWhenProcessed(long poison) : SaveChangesInterceptor
    {
        public bool Fired { get; private set; }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context!.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added && e.Entity.Key.StartsWith($"inbox:{poison}:", StringComparison.Ordinal)))
            {
                Fired = true;
                throw new InvalidOperationException("poison");
            }

            return base.SavingChangesAsync(eventData, result, cancellationToken);
        }
    }
}
