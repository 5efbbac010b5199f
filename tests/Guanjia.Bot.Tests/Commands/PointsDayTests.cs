using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Guanjia.Core.Community;
using Guanjia.Core.Points;
using Guanjia.WeCom.Fake;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Bot.Tests.Commands;

/// <summary>
/// A points day through encrypted bot callbacks: a report approved in chat, a patrol without proof, an award, a
/// voucher redeemed by a merchant member, refusals, the balance and the day's figures — checked
/// in what WeCom received and in the ledger.
/// </summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed partial class PointsDayTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Wuhuashan = "wrkSFfCgAAwuhuashan";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly GuanjiaFactory _factory = new();
    private HttpClient _client = null!;
    private int _sent;

    public async Task InitializeAsync()
    {
        await _factory.InitializeAsync();
        _client = _factory.CreateClient();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)_factory).DisposeAsync();

    [Fact]
    public async Task PointsDay_ThroughChat_PaysHoldsRedeemsAndRefuses_AndTheBooksBalance()
    {
        var config = _factory.Services.GetRequiredService<CommunityConfig>();

        // A report, approved by the community's secretary.
        await SayAsync("lihua", "南路74号院门口垃圾桶满了，溢出来了，麻烦环卫来拉一下", Wuhuashan);
        var ticket = await _factory.WithDbAsync(db => db.Tickets.SingleAsync());
        var reportPoints = config.FindCategory(ticket.Category)!.Points;
        Assert.True(reportPoints > 0, ticket.Category);
        var approved = await SayAsync("chenjing", $"审核 {ticket.Number} 通过", Wuhuashan);
        Assert.Contains($"#{ticket.Number} 审核通过：李华 +{reportPoints} 分", approved, StringComparison.Ordinal);

        // A typed 打卡 without proof pays nothing (patrols with proof: PatrolCallbackTests).
        var typed = await SayAsync("lihua", "打卡", Wuhuashan);
        Assert.Contains("打卡需要现场证明，这次没有记分", typed, StringComparison.Ordinal);
        Assert.Contains("用法：打卡 [小区]", typed, StringComparison.Ordinal);

        // An award, then a voucher in 1:1.
        Assert.Contains("李华 +3 分", await SayAsync("chenjing", "奖励 李华 调解邻里纠纷 调解3栋纠纷", Wuhuashan), StringComparison.Ordinal);
        var voucher = await SayAsync("lihua", "领券 3", chat: null);
        var code = Code().Match(voucher).Groups[1].Value;
        Assert.NotEmpty(code);

        // A merchant member (listed only under points.merchants) redeems it once.
        var redeemed = await SayAsync("sh-chun", $"兑换 {code}", chat: null);
        Assert.Contains("兑换成功", redeemed, StringComparison.Ordinal);
        Assert.Contains("春晖食品", redeemed, StringComparison.Ordinal);
        var twice = await SayAsync("sh-chun", $"兑换 {code}", chat: null);
        Assert.Contains("兑换过，不能再用", twice, StringComparison.Ordinal);
        Assert.Contains("用法：兑换 <券码>", twice, StringComparison.Ordinal);

        // The balance and the day's figures.
        var balance = reportPoints + 3 - 3;
        Assert.Contains($"李华 当前积分 {balance} 分", await SayAsync("lihua", "积分", Wuhuashan), StringComparison.Ordinal);
        var stats = await SayAsync("chenjing", "统计", Wuhuashan);
        Assert.Contains("五华山社区今日统计", stats, StringComparison.Ordinal);
        Assert.Contains("受理 1 ·", stats, StringComparison.Ordinal);

        // The ledger.
        var (lihua, merchant, hold, books) = await _factory.WithDbAsync(async db =>
        {
            var ledger = new Ledger(db);
            return (
                await ledger.BalanceAsync(Ledger.PersonAccount("lihua")),
                await ledger.BalanceAsync(Ledger.MerchantAccount("chunhui")),
                await ledger.BalanceAsync(Ledger.Hold),
                await ledger.ReconcileAsync());
        });
        Assert.Equal((balance, 3, 0), (lihua, merchant, hold));
        Assert.True(books.Balanced, string.Join("; ", books.Problems));
        Assert.Equal(1, await _factory.WithDbAsync(db => db.Vouchers.CountAsync(v => v.State == VoucherState.Redeemed)));
    }

    /// <summary>Sends one encrypted bot text callback, waits for intake, and returns the answer WeCom received at its response_url.</summary>
    private async Task<string> SayAsync(string user, string text, string? chat)
    {
        var id = ++_sent;
        var responseUrl = _factory.WeCom.NewResponseUrl();
        var envelope = new Dictionary<string, object?>
        {
            ["msgid"] = $"points-day-{id}",
            ["aibotid"] = "aibot-test",
            ["chattype"] = chat is null ? "single" : "group",
            ["from"] = new { userid = user },
            ["response_url"] = responseUrl.ToString(),
            ["msgtype"] = "text",
            ["text"] = new { content = chat is null ? text : "@小巷管家 " + text },
        };
        if (chat is not null)
        {
            envelope["chatid"] = chat;
        }

        var response = await _client.SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), JsonSerializer.Serialize(envelope)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _factory.WaitForIntakeAsync(id);

        var responseCode = responseUrl.Query.Split("response_code=")[1];
        var answer = await _factory.WeCom.WaitForMessagesAsync(
            m => m.Kind == RecordedMessageKind.ResponseUrl && m.Target == responseCode, timeout: Timeout);
        return Strings(JsonDocument.Parse(answer[0].Json).RootElement);
    }

    private static string Strings(JsonElement element)
    {
        var text = new StringBuilder();
        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    text.Append(e.GetString()).Append('\n');
                    break;
                case JsonValueKind.Object:
                    foreach (var property in e.EnumerateObject())
                    {
                        Walk(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
            }
        }

        Walk(element);
        return text.ToString();
    }

    [GeneratedRegex("券码 ([2-9A-Z]{4}-[2-9A-Z]{4})")]
    private static partial Regex Code();
}
