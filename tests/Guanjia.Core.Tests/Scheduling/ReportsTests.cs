using System.Buffers.Binary;
using Guanjia.Core.Digest;
using Guanjia.Core.Outbox;
using Guanjia.Core.Reports;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;

namespace Guanjia.Core.Tests.Scheduling;

public abstract class ReportsTests(string provider) : IDisposable
{
    private static readonly TimeSpan Cst = SchedulingWorld.Shanghai;
    private static readonly DateTimeOffset WeekStart = new(2026, 11, 16, 0, 0, 0, Cst);
    private readonly SchedulingWorld _world = new(new DateTimeOffset(2026, 11, 20, 0, 0, 0, Cst), provider: provider);

    public void Dispose()
    {
        _world.Dispose();
        GC.SuppressFinalize(this);
    }

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, Cst);

    /// <summary>The week of 16–22 November 2026, with one ticket before and one after it.</summary>
    private void SeedWeek()
    {
        _world.Add("garbage", "sanitation", At(16, 9), status: TicketStatus.Resolved, acceptedAt: At(16, 9, 30), resolvedAt: At(16, 11));
        _world.Add("fire", "chuncheng", At(17, 10), status: TicketStatus.Resolved, acceptedAt: At(17, 12), resolvedAt: At(18, 12));
        _world.Add("garbage", "sanitation", At(18, 8), community: "cuihu", compound: "chnl-3", reporter: "yangfang",
            status: TicketStatus.Accepted, acceptedAt: At(18, 8, 10));
        var returned = _world.Add("dispute", "wuhuashan-office", At(20, 15), compound: "ytj-12", reporter: "zhoumin", status: TicketStatus.Returned);
        _world.Add("garbage", "sanitation", At(10, 9), reporter: "wanggang", status: TicketStatus.Resolved, resolvedAt: At(16, 10));
        _world.Add("garbage", "sanitation", At(23, 7));
        using var db = _world.NewDb();
        db.TicketEvents.Add(new TicketEvent { TicketNumber = returned.Number, At = At(20, 16), Kind = "returned", By = "cc-he" });
        db.SaveChanges();
    }

    [SkippableFact]
    public async Task Compute_SeededWeek_CountsEveryFigureExactly()
    {
        SeedWeek();

        var f = await _world.Figures().ComputeAsync(FiguresScope.All, WeekStart, WeekStart.AddDays(7), CancellationToken.None);

        Assert.Equal(4, f.Received);
        Assert.Equal(3, f.Resolved);
        Assert.Equal(1, f.ResolvedOnTime);
        Assert.Equal(1.0 / 3, f.OnTimeRate);
        Assert.Equal(2, f.Open);
        Assert.Equal(1, f.Overdue);
        Assert.Equal(3, Assert.Single(f.OverdueTickets).Number);
        Assert.Equal(1, f.Returned);
        Assert.Equal(TimeSpan.FromMinutes(30), f.MedianToAccept);
        Assert.Equal(TimeSpan.FromHours(26), f.MedianToResolve);
        Assert.Equal([new("garbage", 2), new("dispute", 1), new("fire", 1)], f.ByCategory);
        Assert.Equal([new("lihua", 2), new("yangfang", 1), new("zhoumin", 1)], f.TopReporters);
        Assert.Equal([new(TicketStatus.Resolved, 2), new(TicketStatus.Accepted, 1), new(TicketStatus.Returned, 1)], f.ByStatus);

        var sanitation = await _world.Figures().ComputeAsync(new FiguresScope(Department: "sanitation"), WeekStart, WeekStart.AddDays(7), CancellationToken.None);
        Assert.Equal((2, 2, 1), (sanitation.Received, sanitation.Resolved, sanitation.ResolvedOnTime));
    }

    [SkippableFact]
    public async Task WeeklyReport_OnMonday_SendsLastWeeksFiguresAndAChartToTheStreetOffice()
    {
        SeedWeek();
        using (var db = _world.NewDb())
        {
            // Two patrols put 周敏 level with 李华: the month's ranking counts patrols, not reports alone.
            foreach (var day in new[] { 17, 18 })
            {
                db.Patrols.Add(new Guanjia.Core.Points.Patrol
                {
                    UserId = "zhoumin",
                    Community = "wuhuashan",
                    Compound = "ytj-12",
                    Day = new DateOnly(2026, 11, day),
                    At = At(day, 9),
                    Proof = "location",
                    State = Guanjia.Core.Points.ProofState.Approved,
                    RequestId = $"app:{day}",
                });
            }

            db.SaveChanges();
        }

        _world.Time.SetUtcNow(At(23, 8, 30));

        var result = await _world.Weekly().RunAsync(CancellationToken.None);

        Assert.Equal(new DigestResult(2, 1), result);
        var messages = _world.Outbox();
        Assert.All(messages, m => Assert.Equal(_world.RobotOf("street-office"), m.Target));
        Assert.Equal([OutboxKind.Markdown, OutboxKind.Image], messages.Select(m => m.Kind));
        var text = messages[0].Content;
        Assert.StartsWith("**华山街道工单周报** 11月16日–11月22日", text);
        Assert.Contains("全街道：受理4 · 办结3 · 按时办结率33% · 签收30分 · 办结用时1天2小时 · 退回1 · 分诊准确率100% · 回访率— · 满意率— · 主要：垃圾清运、邻里纠纷、消防隐患", text);
        Assert.Contains("> 五华山社区：受理3 · 办结3 · 按时办结率33% · 签收1小时15分 · 办结用时1天2小时 · 退回1", text);
        Assert.Contains("> 翠湖社区：受理1 · 办结0 · 按时办结率— · 签收10分 · 办结用时— · 退回0 · 分诊准确率100% · 回访率— · 满意率— · 主要：垃圾清运", text);
        Assert.Contains("> 五华区环卫华山片区：受理2 · 办结2 · 按时办结率50%", text);
        Assert.DoesNotContain("燃气抢修", text);
        Assert.Contains("**2026-11 最活跃的管家**（上报·随手办·巡查·任务）\n李华 3（3·0·0·0），周敏 3（1·0·2·0），王刚 1（1·0·0·0），杨芳 1（1·0·0·0）", text);
        AssertPng(ReadStored(messages[1].Content));

        Assert.Equal(new DigestResult(0, 0), await _world.Weekly().RunAsync(CancellationToken.None));
    }

    [SkippableFact]
    public async Task DailyDigest_At18_SummarisesEachCommunityAndSendsAChart()
    {
        SeedWeek();
        _world.Add("garbage", "sanitation", At(20, 8));
        _world.Add("facility", "chuncheng", At(20, 9), status: TicketStatus.Resolved, resolvedAt: At(20, 17));
        _world.Time.SetUtcNow(At(20, 18));

        var result = await _world.Digest().RunAsync(CancellationToken.None);

        Assert.Equal(new DigestResult(6, 3), result);
        var messages = _world.Outbox();
        var wuhuashan = messages.Where(m => m.Target == _world.Config.FindCommunity("wuhuashan")!.RobotKey).ToList();
        Assert.Equal([OutboxKind.Markdown, OutboxKind.Image], wuhuashan.Select(m => m.Kind));
        Assert.Equal(
            """
            **五华山社区工单日报** 11月20日 18:00
            今日新增 3 · 今日办结 1 · 仍在办理 2 · 超时 1
            <font color="warning">超时工单</font>
            > #7 垃圾清运 · 华山南路74号院 · 五华区环卫华山片区 · 超时6小时
            分类：邻里纠纷 1，设施维修 1，垃圾清运 1
            今日管家之星：李华 2件，周敏 1件
            """.ReplaceLineEndings("\n"),
            wuhuashan[0].Content);
        AssertPng(ReadStored(wuhuashan[1].Content));
        Assert.Contains("今日新增 0 · 今日办结 0 · 仍在办理 1 · 超时 1", messages.Single(m => m.Kind == OutboxKind.Markdown && m.Target == _world.Config.FindCommunity("cuihu")!.RobotKey).Content);

        Assert.Equal(new DigestResult(0, 0), await _world.Digest().RunAsync(CancellationToken.None));
    }

    [SkippableFact]
    public async Task WeeklyReport_CountsOnTheSpotFixesAsSelfHandled_NotAsReceivedOrResolved()
    {
        _world.Add("garbage", "sanitation", At(17, 9), status: TicketStatus.Resolved, resolvedAt: At(17, 10));
        _world.Add("hygiene", "chuncheng", At(18, 10), status: TicketStatus.Closed, resolvedAt: At(18, 10), onTheSpot: true);
        _world.Time.SetUtcNow(At(23, 8, 30));

        await _world.Weekly().RunAsync(CancellationToken.None);

        var text = _world.Outbox()[0].Content;
        Assert.Contains("全街道：受理1 · 办结1 · 自处置1 · 按时办结率100%", text);
        Assert.Contains("> 五华山社区：受理1 · 办结1 · 自处置1 · ", text);
        Assert.DoesNotContain("春城物业", text);
        Assert.Contains("李华 2（1·1·0·0）", text);
    }

    [SkippableFact]
    public async Task DailyDigest_CountsOnTheSpotFixes_AndOnlyCountsOverdueConfidentialTips()
    {
        var tip = _world.Add("security", "police", At(19, 9), confidential: true);
        _world.Add("hygiene", "chuncheng", At(20, 10), status: TicketStatus.Closed, resolvedAt: At(20, 10), onTheSpot: true);
        _world.Time.SetUtcNow(At(20, 18));

        await _world.Digest().RunAsync(CancellationToken.None);

        var digest = _world.Outbox().Single(m => m.Kind == OutboxKind.Markdown && m.Target == _world.Config.FindCommunity("wuhuashan")!.RobotKey).Content;
        Assert.Contains("今日新增 0 · 今日办结 0 · 仍在办理 1 · 超时 1 · 今日自处置 1", digest);
        Assert.Contains("> 保密线索 1 件", digest);
        Assert.DoesNotContain($"#{tip.Number}", digest);
    }

    [SkippableFact]
    public async Task OverdueLists_InTheMorning_GoToEachDepartmentWithOverdueTickets()
    {
        SeedWeek();
        _world.Add("garbage", "sanitation", At(20, 8));
        _world.Time.SetUtcNow(At(21, 8, 30));

        var result = await _world.Digest().SendOverdueListsAsync(CancellationToken.None);

        var message = Assert.Single(_world.Outbox());
        Assert.Equal(1, result.Messages);
        Assert.Equal(_world.RobotOf("sanitation"), message.Target);
        Assert.Contains("尚有 2 件超时未办结", message.Content);
        Assert.Contains("> #3 垃圾清运 · 翠湖南路3号院 · 超时2天20小时", message.Content);
        Assert.Contains("> #7 垃圾清运 · 华山南路74号院 · 超时20小时30分", message.Content);
    }

    [SkippableFact]
    public async Task FormatStats_ThisWeekForACommunity_AnswersInChinese()
    {
        SeedWeek();
        using (var db = _world.NewDb())
        {
            // A secretary's 改类 counts against the triage accuracy; the intake's own dispatch does not.
            var first = db.Tickets.Where(t => t.Community == "wuhuashan").OrderBy(t => t.Number).First();
            db.TicketEvents.Add(new TicketEvent { TicketNumber = first.Number, At = first.CreatedAt.AddMinutes(5), Kind = "recategorised", By = "wangli" });
            db.TicketEvents.Add(new TicketEvent { TicketNumber = first.Number, At = first.CreatedAt, Kind = "dispatched", By = "guanjia" });
            db.SaveChanges();
        }

        _world.Time.SetUtcNow(At(22, 20));

        var text = await _world.Figures().FormatStatsAsync(new FiguresScope(Community: "wuhuashan"), StatsPeriod.ThisWeek, CancellationToken.None);

        Assert.Equal(
            """
            **五华山社区本周统计**
            受理 3 · 办结 3 · 在办 1 · 超时 0
            按时办结率：33%
            签收用时（中位）：1小时15分；办结用时（中位）：1天2小时
            退回 1 次
            分诊准确率：67%（3 件中 1 件经书记改类或改派）
            状态：已办结，待确认 2，退回社区 1
            分类：邻里纠纷 1，消防隐患 1，垃圾清运 1
            承办：春城物业 1，五华区环卫华山片区 1，五华山社区居委会 1
            """.ReplaceLineEndings("\n"),
            text);
    }

    [SkippableFact]
    public void RenderPng_ChineseBarCharts_IsAPngOfTheExpectedSize()
    {
        var png = ChartRenderer.RenderPng(
        [
            new ChartPanel("近7日新增与办结", ["11月14日", "11月15日", "11月16日"], [("新增", [3, 1, 4]), ("办结", [2, 2, 1])]),
            new ChartPanel("近7日分类", ["垃圾清运", "消防隐患"], [("新增", [5, 2])]),
        ]);

        AssertPng(png);
        Assert.Equal(ChartRenderer.Width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(ChartRenderer.PanelHeight * 2, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.NotNull(ChartRenderer.CjkFontName);
        var dir = Path.Combine(Path.GetTempPath(), "guanjia-charts");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "chart.png"), png);
    }

    private byte[] ReadStored(string id)
    {
        using var stream = _world.Photos.OpenRead(id);
        Assert.NotNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static void AssertPng(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.InRange(png.Length, 5_000, ChartStore.MaxBytes);
    }
}

public sealed class SqliteReportsTests() : ReportsTests(GuanjiaStorage.SqliteName);

public sealed class PostgresReportsTests() : ReportsTests(GuanjiaStorage.PostgresName);
