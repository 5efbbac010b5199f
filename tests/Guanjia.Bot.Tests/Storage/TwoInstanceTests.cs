using System.Net;
using Guanjia.Core.Outbox;
using Guanjia.Core.Tests.Storage;
using Guanjia.WeCom.Fake;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Bot.Tests.Storage;

/// <summary>
/// Two instances of the service on one PostgreSQL database, as behind a load balancer: every
/// callback reaches both (WeCom's retry landing on the other instance), and still each report is
/// one ticket, acknowledged once and dispatched once; a reminder threshold fires once.
/// </summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class TwoInstanceTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Group = "wrkSFfCgAAwuhuashan";

    private static readonly (string User, string Text)[] Reports =
    [
        ("lihua", "南路74号院门口垃圾桶满了，溢出来了"),
        ("zhoumin", "华山东路126号院楼道里堆满了快递盒子"),
        ("wanggang", "五华山小区3栋门口的路灯坏了，晚上很黑"),
        ("yangfang", "翠湖南路3号院有人私拉电线给电动车充电"),
        ("hejun", "青云街45号院下水道堵了，污水漫出来"),
        ("tangyu", "文化巷21号院的消防通道被车堵住了"),
    ];

    private TestDatabase _database = null!;
    private GuanjiaFactory _first = null!;
    private GuanjiaFactory _second = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.PostgresAsync();
        _first = new GuanjiaFactory { Postgres = _database.ConnectionString };
        await _first.InitializeAsync();
        _second = new GuanjiaFactory { TwinOf = _first };
        await _second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await ((IAsyncLifetime)_second).DisposeAsync();
        }

        if (_first is not null)
        {
            await ((IAsyncLifetime)_first).DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task SameCallbacksPostedToBothInstances_MakeOneTicketEach_AcknowledgedAndDispatchedOnce()
    {
        var clients = new[] { _first.CreateClient(), _second.CreateClient() };
        var posts = Reports.Select((r, i) => (Id: $"msg-two-{i}", r.User, r.Text, Url: _first.WeCom.NewResponseUrl().ToString()))
            .SelectMany(m => clients.Select(client => client.SendAsync(SignedCallbacks.BotPost(
                _first.BotCrypto(), SignedCallbacks.BotGroupText(m.Id, m.User, Group, m.Text, m.Url)))))
            .ToList();

        var answers = await Task.WhenAll(posts);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        await WaitForQuietAsync();
        var tickets = await _first.WithDbAsync(db => db.Tickets.Select(t => t.Number).ToListAsync());
        Assert.Equal(Reports.Length, tickets.Count);
        Assert.Equal(Reports.Length, await _first.WithDbAsync(db => db.Inbox.CountAsync()));
        var sent = _first.WeCom.Messages;
        foreach (var number in tickets)
        {
            bool Names(RecordedMessage m) => m.Json.Contains($"#{number}", StringComparison.Ordinal);
            Assert.Single(sent, m => m.Kind == RecordedMessageKind.ResponseUrl && Names(m));
            Assert.Single(sent, m => m.Kind != RecordedMessageKind.ResponseUrl && m.MsgType == "markdown" && Names(m));
        }
    }

    [SkippableFact]
    public async Task ReminderScanOnBothInstancesAtOnce_RemindsEachThresholdOnce()
    {
        var client = _first.CreateClient();
        await client.SendAsync(SignedCallbacks.BotPost(_first.BotCrypto(),
            SignedCallbacks.BotGroupText("msg-remind", "lihua", Group, Reports[0].Text, _first.WeCom.NewResponseUrl().ToString())));
        await WaitForQuietAsync();
        // Every threshold of the ticket has passed: move its clock back instead of waiting for it.
        var longAgo = DateTimeOffset.UtcNow.AddDays(-30);
        await _first.WithDbAsync(db => db.Tickets.ExecuteUpdateAsync(s => s
            .SetProperty(t => t.CreatedAt, longAgo)
            .SetProperty(t => t.DispatchedAt, longAgo)
            .SetProperty(t => t.DueAt, longAgo.AddDays(1))));

        var runs = await Task.WhenAll(new[] { _first, _second }.Select(async f =>
        {
            using var api = f.CreateClient();
            api.DefaultRequestHeaders.Authorization = new("Bearer", GuanjiaFactory.ApiKey);
            return await api.PostAsync(new Uri("/api/jobs/reminder-scan/run", UriKind.Relative), null);
        }));

        Assert.All(runs, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var reminders = await _first.WithDbAsync(db => db.TicketReminders.Select(r => r.Kind).ToListAsync());
        Assert.Equal(reminders.Distinct().Count(), reminders.Count);
        Assert.Contains("escalated", reminders);
        var escalations = await _first.WithDbAsync(db => db.TicketEvents.CountAsync(e => e.Kind == "escalated"));
        Assert.Equal(1, escalations);
        Assert.NotNull(await _first.WithDbAsync(db => db.Tickets.Select(t => t.EscalatedAt).SingleAsync()));
        await WaitForQuietAsync();
        var reminderMessages = await _first.WithDbAsync(db => db.Outbox.CountAsync(m => m.Key.StartsWith("reminders:")));
        Assert.Equal(reminderMessages, _first.WeCom.Messages.Count(m => m.Json.Contains("工单提醒", StringComparison.Ordinal)));
    }

    /// <summary>Waits (bounded) until both instances have processed every message and sent everything due.</summary>
    private async Task WaitForQuietAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var quiet = await _first.WithDbAsync(async db =>
                !await db.Inbox.AnyAsync(m => m.ProcessedAt == null)
                && !await db.Outbox.AnyAsync(m => m.State == OutboxState.Pending));
            if (quiet)
            {
                return;
            }

            await Task.Delay(100);
        }

        var left = await _first.WithDbAsync(async db =>
            $"inbox unprocessed: {string.Join(", ", await db.Inbox.Where(m => m.ProcessedAt == null).Select(m => m.Attempts + " attempts, " + m.LastError).ToListAsync())}; outbox pending: "
            + string.Join(", ", await db.Outbox.Where(m => m.State == OutboxState.Pending)
                .Select(m => m.Key + " (" + m.Channel + ", attempts " + m.Attempts + ", " + m.LastError + ")").ToListAsync()));
        throw new TimeoutException("The two instances did not finish their work in time: " + left);
    }
}
