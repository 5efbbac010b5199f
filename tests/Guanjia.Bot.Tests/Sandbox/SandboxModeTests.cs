using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Guanjia.Bot.Sandbox;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Guanjia.Bot.Tests.Sandbox;

public sealed class SandboxModeTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private const string Wuhuashan = "c:wuhuashan";
    private const string Sanitation = "d:sanitation";

    [Fact]
    public async Task Start_WithoutCredentials_PersistsGeneratedKeys_AndServesSimulatorAndDashboard()
    {
        using var http = factory.RealClient();

        Assert.Equal(factory.Keys, SandboxKeys.TryLoad(factory.KeysFile));
        Assert.Contains("聊天模拟器", await http.GetStringAsync("/sandbox"), StringComparison.Ordinal);
        Assert.Contains("看板", await http.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/app.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/sandbox/sandbox.js")).StatusCode);
    }

    [Fact]
    public async Task KeyEndpoint_OnLoopback_GivesTheGeneratedKey_WhichOpensTheApi()
    {
        using var http = factory.RealClient();

        var key = (await http.GetFromJsonAsync<JsonElement>("/sandbox/api/key")).GetProperty("apiKey").GetString();
        Assert.Equal(factory.Keys.ApiKey, key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/tickets")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/tickets")).StatusCode);
        var directory = await http.GetFromJsonAsync<JsonElement>("/api/community");
        Assert.Contains(directory.GetProperty("categories").EnumerateArray(), c => c.GetProperty("name").GetString() == "垃圾清运");
    }

    [Fact]
    public async Task SimulatorSend_GroupReportWithPhoto_TimelinesShowReplyDispatchAndPhoto()
    {
        using var http = factory.RealClient();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("lihua"), "from" },
            { new StringContent(Wuhuashan), "conversation" },
            { new StringContent("南路74号院门口垃圾桶满了，溢出来了，麻烦环卫来拉一下"), "text" },
            { new ByteArrayContent(Jpeg()), "photo", "bins.jpg" },
        };

        var sent = await (await http.PostAsync("/sandbox/api/send", form)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(sent.GetProperty("accepted").GetBoolean());

        var group = await WaitForTimelineAsync(http, Wuhuashan, entries => entries.Any(e => e.Kind == "reply"));
        Assert.Equal("李华", group[0].Sender);
        Assert.Contains(group, e => e.Kind == "user" && e.Image is not null);
        var reply = group.Single(e => e.Kind == "reply");
        Assert.Matches(@"已受理 #\d+", reply.Text);
        Assert.Contains("垃圾清运", reply.Text, StringComparison.Ordinal);

        var dispatch = await WaitForTimelineAsync(http, Sanitation, entries => entries.Any(e => e.Image is not null) && entries.Any(e => e.Kind == "card"));
        Assert.Contains(dispatch, e => e.Kind == "card" && e.Text?.Contains("新工单", StringComparison.Ordinal) == true);
        Assert.StartsWith("data:image/jpeg;base64,", dispatch.First(e => e.Image is not null).Image, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimulatorClick_OnTheDispatchCard_IsRefusedForAStewardOnly_AndAcceptsForAMember()
    {
        using var http = factory.RealClient();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("zhoumin"), "from" },
            { new StringContent(Wuhuashan), "conversation" },
            { new StringContent("南路74号院门口垃圾桶满了，溢出来了，麻烦环卫来拉一下"), "text" },
        };
        Assert.True((await (await http.PostAsync("/sandbox/api/send", form)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetBoolean());
        var timeline = await WaitForTimelineAsync(http, Sanitation, entries => entries.Any(e => e.Kind == "card" && e.Card!.Contains("\"accept:", StringComparison.Ordinal)));
        var card = timeline.Last(e => e.Kind == "card");
        using var json = JsonDocument.Parse(card.Card!);
        var accept = json.RootElement.GetProperty("button_list").EnumerateArray().First(b => b.GetProperty("text").GetString() == "接单").GetProperty("key").GetString()!;

        var refused = await http.PostAsJsonAsync("/sandbox/api/click", new { from = "zhoumin", conversation = Sanitation, taskId = card.TaskId, key = accept });
        var accepted = await http.PostAsJsonAsync("/sandbox/api/click", new { from = "hw-gao", conversation = Sanitation, taskId = card.TaskId, key = accept });

        Assert.True(refused.IsSuccessStatusCode && accepted.IsSuccessStatusCode);
        var after = await WaitForTimelineAsync(http, Sanitation, entries => entries.Count(e => e.TaskId == card.TaskId) >= 2);
        var notice = Assert.Single(after, e => e.Kind == "notice" && e.Seq > card.Seq);
        Assert.Equal("zhoumin", notice.OnlyFor);
        Assert.Contains("权限", notice.Text, StringComparison.Ordinal);
        var updated = after.Last(e => e.TaskId == card.TaskId);
        using var shown = JsonDocument.Parse(updated.Card!);
        Assert.Equal("已接单", shown.RootElement.GetProperty("emphasis_content").GetProperty("title").GetString());
        Assert.False(shown.RootElement.TryGetProperty("button_list", out _));
    }

    [Fact]
    public async Task SimulatorSend_OneToOneFromSomeoneElse_IsRefused()
    {
        using var http = factory.RealClient();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("lihua"), "from" },
            { new StringContent("u:zhoumin"), "conversation" },
            { new StringContent("74号院垃圾满了"), "text" },
        };

        var response = await http.PostAsync("/sandbox/api/send", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("本人", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_SignedWithOtherKeys_IsRejected()
    {
        using var http = factory.RealClient();
        var wrong = Guanjia.WeCom.Crypto.WeComCallbackCrypto.Create("WrongToken", SandboxKeys.Generate().BotEncodingAesKey, "").Value!;
        var json = SandboxCallbacks.MessageJson("m-wrong", "lihua", "wrkSFfCgAAwuhuashan", "74号院垃圾满了", null, "http://127.0.0.1/x");

        using var response = await http.SendAsync(SandboxCallbacks.Post(factory.BaseAddress, wrong, json, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    internal static async Task<IReadOnlyList<TimelineEntry>> WaitForTimelineAsync(HttpClient http, string conversation, Func<IReadOnlyList<TimelineEntry>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var entries = await http.GetFromJsonAsync<List<TimelineEntry>>($"/sandbox/api/timeline?conversation={Uri.EscapeDataString(conversation)}&after=0") ?? [];
            if (done(entries))
            {
                return entries;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timeline {conversation} has {entries.Count} entries: {string.Join(" | ", entries.Select(e => e.Kind + ":" + e.Text))}");
            }

            await Task.Delay(100);
        }
    }

    internal static byte[] Jpeg()
    {
        using var image = new Image<Rgb24>(320, 240, new Rgb24(40, 130, 60));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }
}

public sealed class SandboxUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/", true)]
    [InlineData("http://localhost:5000", "http://127.0.0.1:5000/", true)]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080/", false)]
    [InlineData("http://*:8080", "http://127.0.0.1:8080/", false)]
    [InlineData("http://127.0.0.1:5080;http://0.0.0.0:5081", "http://127.0.0.1:5080/", false)]
    public void ParseUrls_GivesLoopbackBaseAndWhetherOnlyLoopbackIsBound(string urls, string expectedBase, bool expectedLoopback)
    {
        var (baseAddress, onLoopback) = SandboxHosting.ParseUrls(urls);

        Assert.Equal(new Uri(expectedBase), baseAddress);
        Assert.Equal(expectedLoopback, onLoopback);
    }

    [Fact]
    public void Keys_LoadOrCreate_ReturnsTheSameKeysOnSecondStart()
    {
        var file = Path.Combine(Path.GetTempPath(), "guanjia-sandbox-keys-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var first = SandboxKeys.LoadOrCreate(file);
            var second = SandboxKeys.LoadOrCreate(file);

            Assert.Equal(first, second);
            Assert.Equal(43, first.BotEncodingAesKey.Length);
            Assert.True(Guanjia.WeCom.Crypto.WeComCallbackCrypto.Create(first.BotToken, first.BotEncodingAesKey, "").IsOk);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Keys_CorruptFile_IsReplacedWithFreshKeys()
    {
        var file = Path.Combine(Path.GetTempPath(), "guanjia-sandbox-keys-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, "{ not json");
        try
        {
            var keys = SandboxKeys.LoadOrCreate(file);

            Assert.Equal(keys, SandboxKeys.TryLoad(file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
