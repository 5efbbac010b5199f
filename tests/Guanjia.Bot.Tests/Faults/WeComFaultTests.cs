using System.Diagnostics;
using System.Text.RegularExpressions;
using Guanjia.Core.Outbox;
using Guanjia.WeCom.Fake;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Guanjia.Bot.Tests.Faults;

/// <summary>
/// The real host against a fake WeCom that fails about 30 % of calls (HTTP 500/502, −1, 45009, timeouts before
/// and after WeCom did the work): every reporter must hear back and every department get its dispatch.
/// </summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed partial class WeComFaultTests(ITestOutputHelper output) : IAsyncLifetime
#pragma warning restore CA1001
{
    private const int Reports = 60;

    private static readonly (string UserId, string ChatId, string Robot)[] Stewards =
    [
        ("lihua", "wrkSFfCgAAwuhuashan", "5f2c0d3e-0000-4000-8000-000000000001"),
        ("zhoumin", "wrkSFfCgAAwuhuashan", "5f2c0d3e-0000-4000-8000-000000000001"),
        ("wanggang", "wrkSFfCgAAwuhuashan", "5f2c0d3e-0000-4000-8000-000000000001"),
        ("yangfang", "wrkSFfCgAAcuihu", "5f2c0d3e-0000-4000-8000-000000000002"),
        ("hejun", "wrkSFfCgAAcuihu", "5f2c0d3e-0000-4000-8000-000000000002"),
        ("tangyu", "wrkSFfCgAAwenhuaxiang", "5f2c0d3e-0000-4000-8000-000000000003"),
        ("xiaoqin", "wrkSFfCgAAwenhuaxiang", "5f2c0d3e-0000-4000-8000-000000000003"),
    ];

    private static readonly string[] Problems =
    [
        "楼道里的灭火器过期了，麻烦尽快更换",
        "门口的垃圾桶满了，垃圾溢出来了，请来清运",
        "单元门口的路灯坏了，晚上很黑",
        "有人在楼道里给电动车飞线充电",
    ];

    private readonly GuanjiaFactory _factory = new();
    private readonly CapturingLoggerProvider _logs = new();

    public Task InitializeAsync() => _factory.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_factory).DisposeAsync();

    [Fact]
    public async Task With30PercentOfWeComCallsFailing_EveryReporterHearsBack_AndEveryDepartmentGetsItsDispatch()
    {
        var clock = Stopwatch.StartNew();
        var wecom = _factory.WeCom;
        wecom.EnforceRobotRateLimit = false;
        using var host = _factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Intake:MergeWindow", "00:00:00");
            builder.UseSetting("WeCom:RequestTimeout", "00:00:00.300");
            builder.UseSetting("Outbox:BaseBackoff", "00:00:00.020");
            builder.UseSetting("Outbox:MaxBackoff", "00:00:00.200");
            builder.UseSetting("Outbox:RateLimitWindow", "00:00:00.200");
            builder.UseSetting("Outbox:PollInterval", "00:00:00.020");
            // WeCom's 20 a minute per robot would stretch this run to minutes; the pacing rule is tested in Core.
            builder.UseSetting("Outbox:RobotPermits", "1000");
            builder.UseSetting("Outbox:AppUserPermits", "1000");
            builder.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug)));
        });
        var client = host.CreateClient();
        wecom.FailRandomly(0.3, Mix, seed: 20261129);

        List<(string UserId, string ChatId, string Robot, string ResponseCode, string Marker)> sent = [];
        for (var i = 0; i < Reports; i++)
        {
            var steward = Stewards[i % Stewards.Length];
            var responseUrl = wecom.NewResponseUrl();
            var marker = $"（第{i + 100}号，联系电话138{i + 10000000:D8}）";
            var json = SignedCallbacks.BotGroupText($"fault-{i}", steward.UserId, steward.ChatId, Problems[i % Problems.Length] + marker, responseUrl.ToString());
            var response = await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), json));
            response.EnsureSuccessStatusCode();
            sent.Add((steward.UserId, steward.ChatId, steward.Robot, responseUrl.Query.Split('=')[1], marker));
        }

        var settled = await WaitUntilSettledAsync(host, TimeSpan.FromSeconds(45));
        var tickets = await WithDbAsync(host, db => db.Tickets.AsNoTracking().ToListAsync());
        var outbox = await WithDbAsync(host, db => db.Outbox.AsNoTracking().ToListAsync());
        var messages = wecom.Messages;
        var config = host.Services.GetRequiredService<Guanjia.Core.Community.CommunityConfig>();

        var ackCounts = new List<int>();
        var dispatchCounts = new List<int>();
        foreach (var report in sent)
        {
            var ticket = Assert.Single(tickets, t => t.Text.Contains(report.Marker[..6], StringComparison.Ordinal));
            var number = new Regex($"#{ticket.Number}(?![0-9])");
            var acks = messages.Count(m => number.IsMatch(m.Json) && (
                (m.Kind == RecordedMessageKind.ResponseUrl && m.Target == report.ResponseCode)
                || (m.Kind == RecordedMessageKind.Webhook && m.Target == report.Robot && m.Json.Contains($"<@{report.UserId}>", StringComparison.Ordinal))
                || (m.Kind == RecordedMessageKind.App && m.Target == report.UserId)));
            var departmentRobot = config.FindDepartment(ticket.Department!)!.RobotKey;
            var dispatch = new Regex($"新工单 #{ticket.Number}(?![0-9])");
            var dispatches = messages.Count(m => m.Kind == RecordedMessageKind.Webhook && m.Target == departmentRobot && dispatch.IsMatch(m.Json));
            ackCounts.Add(acks);
            if (acks == 0)
            {
                foreach (var row in outbox.Where(m => m.TicketNumber == ticket.Number))
                {
                    output.WriteLine($"no ack for #{ticket.Number}: {row.Key} {row.Channel} {row.State} attempts {row.Attempts} {row.LastError}");
                }

                output.WriteLine($"  recorded on its response_url: {messages.Count(m => m.Target == report.ResponseCode)}");
            }

            dispatchCounts.Add(dispatches);
        }

        var outboxSent = outbox.Count(m => m.State == OutboxState.Sent);
        var fellBack = outbox.Count(m => m.LastError?.StartsWith("fallback:", StringComparison.Ordinal) == true);
        var duplicates = ackCounts.Count(c => c > 1) + dispatchCounts.Count(c => c > 1);
        output.WriteLine($"{Reports} reports, {wecom.TotalCalls} WeCom calls, {wecom.InjectedFailures} injected failures ({100.0 * wecom.InjectedFailures / wecom.TotalCalls:0.0} %), "
            + $"settled: {settled}, {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine($"outbox: {outbox.Count} rows, {outboxSent} sent, {outbox.Count(m => m.State == OutboxState.Pending)} pending, "
            + $"{outbox.Count(m => m.State == OutboxState.Dropped)} dropped, {outbox.Count(m => m.State == OutboxState.Held)} held; replies sent another way: {fellBack}");
        output.WriteLine($"acknowledgements: {ackCounts.Count(c => c >= 1)}/{Reports} reached, {ackCounts.Count(c => c > 1)} twice; "
            + $"dispatches: {dispatchCounts.Count(c => c >= 1)}/{Reports} arrived, {dispatchCounts.Count(c => c > 1)} twice; "
            + $"duplicate rate {100.0 * duplicates / (2 * Reports):0.0} % of {2 * Reports} messages");

        Assert.True(wecom.InjectedFailures >= 0.2 * wecom.TotalCalls, "the fake must really fail about 30 % of calls");
        Assert.Equal(Reports, tickets.Count);
        Assert.All(ackCounts, c => Assert.True(c >= 1, "a reporter got no acknowledgement"));
        Assert.All(dispatchCounts, c => Assert.True(c >= 1, "a department got no dispatch"));
        Assert.DoesNotContain(outbox, m => m.State is OutboxState.Dropped or OutboxState.Held or OutboxState.Pending);

        // Structured logs: ids and codes only, never residents' text, phone numbers, robot keys, response codes or secrets.
        var log = string.Join('\n', _logs.Lines);
        Assert.NotEmpty(_logs.Lines);
        Assert.DoesNotContain("灭火器", log, StringComparison.Ordinal);
        Assert.DoesNotContain("垃圾溢出", log, StringComparison.Ordinal);
        Assert.DoesNotMatch(PhoneNumber(), log);
        Assert.DoesNotContain(wecom.Secret, log, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-token-", log, StringComparison.Ordinal);
        Assert.All(Stewards, s => Assert.DoesNotContain(s.Robot, log, StringComparison.Ordinal));
        Assert.All(sent, s => Assert.DoesNotContain(s.ResponseCode, log, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RobotRemoved_DispatchIsHeldNotLost_AndTheStreetOfficeIsToldOnce()
    {
        const string SanitationRobot = "5f2c0d3e-0000-4000-8000-000000000011";
        const string StreetRobot = "5f2c0d3e-0000-4000-8000-000000000010";
        var wecom = _factory.WeCom;
        wecom.RemoveRobot(SanitationRobot);
        var client = _factory.CreateClient();

        for (var i = 0; i < 2; i++)
        {
            var json = SignedCallbacks.BotGroupText($"removed-{i}", Stewards[i].UserId, Stewards[i].ChatId, $"门口的垃圾桶满了，垃圾溢出来了，请来清运（{i}）", wecom.NewResponseUrl().ToString());
            (await client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), json))).EnsureSuccessStatusCode();
        }

        await _factory.WaitForIntakeAsync(2);
        var notice = await wecom.WaitForMessagesAsync(m => m.Kind == RecordedMessageKind.Webhook && m.Target == StreetRobot, timeout: TimeSpan.FromSeconds(20));
        var held = await WaitForAsync(() => _factory.WithDbAsync(db => db.Outbox.CountAsync(m => m.State == OutboxState.Held && m.Target == SanitationRobot)), n => n >= 2);

        Assert.Equal(2, held);
        Assert.Contains("五华区环卫华山片区", notice[0].Json, StringComparison.Ordinal);
        Assert.Single(wecom.Messages, m => m.Target == StreetRobot);
        Assert.Equal(1, wecom.CallCount("/cgi-bin/webhook/send") - wecom.Messages.Count(m => m.Kind == RecordedMessageKind.Webhook));
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        var value = await read();
        while (!done(value) && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
            value = await read();
        }

        return value;
    }

    private static readonly FakeFailure[] Mix =
    [
        FakeFailure.HttpStatus(500),
        FakeFailure.HttpStatus(502),
        FakeFailure.ErrCode(-1, "system busy"),
        FakeFailure.ErrCode(45009, "api freq out of limit"),
        FakeFailure.Hang(TimeSpan.FromSeconds(1)),
        FakeFailure.LostResponse(TimeSpan.FromSeconds(1)),
    ];

    [GeneratedRegex("1[3-9][0-9]{9}")]
    private static partial Regex PhoneNumber();

    private static async Task<T> WithDbAsync<T>(WebApplicationFactory<Program> host, Func<Guanjia.Core.Storage.GuanjiaDbContext, Task<T>> query)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<Guanjia.Core.Storage.GuanjiaDbContext>());
    }

    /// <summary>Until every report is a ticket and nothing waits in the outbox (bounded; polls, never sleeps for a deadline).</summary>
    private static async Task<bool> WaitUntilSettledAsync(WebApplicationFactory<Program> host, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            var settled = await WithDbAsync(host, async db =>
                await db.Inbox.CountAsync(m => m.ProcessedAt != null) >= Reports
                && !await db.Inbox.AnyAsync(m => m.ProcessedAt == null)
                && !await db.Outbox.AnyAsync(m => m.State == OutboxState.Pending));
            if (settled)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
