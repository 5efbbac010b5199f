using System.Net;
using System.Text.Json;
using Guanjia.WeCom.Fake;

namespace Guanjia.Bot.Tests.BadInput;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class MarkdownInjectionTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string WuhuashanGroup = "wrkSFfCgAAwuhuashan";
    private const string SanitationRobot = "5f2c0d3e-0000-4000-8000-000000000011";
    private readonly GuanjiaFactory _factory = new();

    public Task InitializeAsync() => _factory.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_factory).DisposeAsync();

    [Fact]
    public async Task Report_WithMentionsLinksAndFonts_ReachesTheDepartmentGroupAsInertText()
    {
        const string report = "南路74号院门口垃圾桶满了 <@all> 请看 [点此领奖](https://evil.example/x) <font color=\"warning\">特急</font>\n# 大标题";
        var json = SignedCallbacks.BotGroupText("msg-inject-1", "lihua", WuhuashanGroup, report, _factory.WeCom.NewResponseUrl().ToString());

        var response = await _factory.CreateClient().SendAsync(SignedCallbacks.BotPost(_factory.BotCrypto(), json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var dispatch = await _factory.WeCom.WaitForMessagesAsync(
            m => m.Kind == RecordedMessageKind.Webhook && m.Target == SanitationRobot && m.MsgType == "markdown", timeout: TimeSpan.FromSeconds(20));
        var content = JsonDocument.Parse(dispatch[0].Json).RootElement.GetProperty("markdown").GetProperty("content").GetString()!;
        Assert.Contains("南路74号院门口垃圾桶满了", content, StringComparison.Ordinal);
        Assert.DoesNotContain("<@", content, StringComparison.Ordinal);
        Assert.DoesNotContain("](", content, StringComparison.Ordinal);
        Assert.DoesNotContain("https://evil", content, StringComparison.Ordinal);
        Assert.DoesNotContain("<font color=\"warning\">特急", content, StringComparison.Ordinal);
        Assert.DoesNotContain("\n# ", content, StringComparison.Ordinal);
    }
}
