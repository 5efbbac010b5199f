using Guanjia.Core.Intake;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Bot.Tests.Operations;

/// <summary>A poison message among many arriving together: it fails alone, the others become tickets.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xUnit disposes the factory through IAsyncLifetime.")]
public sealed class IntakeBatchFailureTests : IAsyncLifetime
{
    private const string WuhuashanGroup = "wrkSFfCgAAwuhuashan";
    private const string CuihuGroup = "wrkSFfCgAAcuihu";

    private readonly GuanjiaFactory _factory = new();

    public Task InitializeAsync() => _factory.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_factory).DisposeAsync();

    [Fact]
    public async Task PoisonMessageInABatch_IsDeadAlone_AndTheOthersBecomeTicketsWithoutAFailedAttempt()
    {
        using var host = _factory.WithWebHostBuilder(builder =>
        {
            // One failure is death: a good message charged with the poison one's failure would die too.
            builder.UseSetting("Intake:MaxAttempts", "1");
            builder.UseSetting("Intake:MergeWindow", "00:00:00");
            builder.ConfigureTestServices(services => services.AddScoped<IMediaSource>(_ => new ThrowingMediaSource()));
        });
        var client = host.CreateClient();
        (string User, string Chat, string Text)[] reports =
        [
            ("lihua", WuhuashanGroup, "74号院门口垃圾桶满了"),
            ("zhoumin", WuhuashanGroup, "126号院楼道里有人飞线充电"),
            ("yangfang", CuihuGroup, "翠湖南路3号院路灯坏了好几天"),
            ("hejun", CuihuGroup, "青云街45号院有人在楼道堆放杂物"),
        ];

        var posts = reports.Select((r, i) => client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(),
                SignedCallbacks.BotGroupText($"m-good-{i}", r.User, r.Chat, r.Text, _factory.WeCom.NewResponseUrl().ToString()))))
            .Append(client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(),
                SignedCallbacks.BotGroupMixed("m-poison", "wanggang", WuhuashanGroup, "五华山小区门口车乱停", "https://wework.qpic.cn/poison.jpg",
                    _factory.WeCom.NewResponseUrl().ToString()))));
        foreach (var response in await Task.WhenAll(posts))
        {
            response.EnsureSuccessStatusCode();
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<InboxMessage> rows = [];
        while (DateTime.UtcNow < deadline)
        {
            rows = await _factory.WithDbAsync(db => db.Inbox.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
            if (rows.Count == reports.Length + 1 && rows.All(m => m.ProcessedAt is not null || m.DeadAt is not null))
            {
                break;
            }

            await Task.Delay(50);
        }

        var poison = Assert.Single(rows, m => m.MessageId == "m-poison");
        Assert.NotNull(poison.DeadAt);
        Assert.Equal(nameof(InvalidOperationException), poison.LastError);
        var good = rows.Where(m => m.MessageId != "m-poison").ToList();
        Assert.Equal(reports.Length, good.Count);
        Assert.All(good, m =>
        {
            Assert.NotNull(m.ProcessedAt);
            Assert.Null(m.DeadAt);
            Assert.Equal(1, m.Attempts);
            Assert.Null(m.LastError);
        });
        Assert.Equal(reports.Length, await _factory.WithDbAsync(db => db.Tickets.CountAsync()));
    }

    private sealed class ThrowingMediaSource : IMediaSource
    {
        public Task<MediaFetchResult> FetchAsync(IncomingChannel channel, IncomingImage image, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("media source broke");
    }
}
