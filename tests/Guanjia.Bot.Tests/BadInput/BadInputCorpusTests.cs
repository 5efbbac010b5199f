using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Guanjia.Core.Storage;
using Guanjia.WeCom.Crypto;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Bot.Tests.BadInput;

/// <summary>
/// The bad-input corpus (<c>corpus.jsonl</c>, one case a line) posted through the real host: each
/// case gets its status, stores nothing (or exactly what it says), and leaves /healthz healthy.
/// Fields: name, channel (bot|app), method (POST|GET|PUT), plaintext (object or string, encrypted
/// and signed), raw (a body sent as is), encrypt (a ciphertext signed as is), crypto (otherKey,
/// otherToken, wrongReceiveId), signature (forged|missing), timestamp (seconds from now, or a
/// literal string), contentType, echo (GET), sendTwice, expect, stored, storedResponseUrl,
/// storedImages. Placeholders in {{…}} are filled per case (see <c>BadInputHost.Expand</c>).
/// </summary>
public sealed class BadInputCorpusTests(BadInputHost host) : IClassFixture<BadInputHost>
{
    public static TheoryData<string> Cases() => [.. BadInputHost.Corpus.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_GetsItsStatus_StoresOnlyWhatItSays_AndLeavesTheServiceHealthy(string name)
    {
        var @case = BadInputHost.Corpus[name];
        var expected = (HttpStatusCode)@case["expect"]!.GetValue<int>();
        var stored = @case["stored"]?.GetValue<bool>() ?? false;
        var msgId = "bad-" + Guid.NewGuid().ToString("N");
        var client = host.Factory.CreateClient();
        var (inboxBefore, ticketsBefore) = await host.CountsAsync();

        var response = await client.SendAsync(host.Build(@case, msgId));
        if (@case["sendTwice"]?.GetValue<bool>() == true)
        {
            Assert.Equal(expected, response.StatusCode);
            response = await client.SendAsync(host.Build(@case, msgId));
        }

        Assert.True((int)response.StatusCode < 500, $"{name}: {(int)response.StatusCode}");
        Assert.Equal(expected, response.StatusCode);
        if ((int)expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var (inboxAfter, ticketsAfter) = await host.CountsAsync();
        if (stored)
        {
            Assert.Equal(inboxBefore + 1, inboxAfter);
            var payload = JsonNode.Parse(await host.NewestPayloadAsync())!;
            if (@case["storedResponseUrl"] is { } hasUrl)
            {
                Assert.Equal(hasUrl.GetValue<bool>(), payload["responseUrl"] is not null);
            }

            if (@case["storedImages"] is { } images)
            {
                Assert.Equal(images.GetValue<int>(), payload["images"]!.AsArray().Count);
            }

            await host.WaitForIntakeAsync(inboxAfter);
        }
        else
        {
            Assert.Equal(inboxBefore, inboxAfter);
            Assert.Equal(ticketsBefore, ticketsAfter);
        }

        var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var healthBody = await health.Content.ReadAsStringAsync();
        // Plain "Healthy" or a JSON report with "status": both say the same.
        var status = healthBody.TrimStart().StartsWith('{') ? JsonNode.Parse(healthBody)!["status"]!.GetValue<string>() : healthBody;
        Assert.Equal("Healthy", status);
    }

    [Fact]
    public void Corpus_CoversEveryKindOfBadInputTheIssueNames()
    {
        var names = string.Join('\n', BadInputHost.Corpus.Keys);
        foreach (var kind in new[]
        {
            "forged signature", "not base64", "17 bytes", "wrong corp id", "receiveid", "XXE", "billion laughs", "deep",
            "oversize", "empty body", "content type", "timestamp", "another aibotid", "null", "javascript:", "ftp:", "file:",
            "control:",
        })
        {
            Assert.Contains(kind, names, StringComparison.OrdinalIgnoreCase);
        }
    }
}

/// <summary>One host for the whole corpus, with WeCom:Bot:Id set so another bot's message can be told apart.</summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed partial class BadInputHost : IAsyncLifetime
{
#pragma warning restore CA1001
    public const string BotId = "aibot-test";

    private readonly GuanjiaFactory _root = new();
    private byte[] _photo = [];

    public static IReadOnlyDictionary<string, JsonObject> Corpus { get; } = File
        .ReadLines(Path.Combine(GuanjiaFactory.RepoRoot, "tests", "Guanjia.Bot.Tests", "BadInput", "corpus.jsonl"))
        .Where(line => line.Trim().Length > 0)
        .Select(line => JsonNode.Parse(line)!.AsObject())
        .ToDictionary(c => c["name"]!.GetValue<string>());

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _root.InitializeAsync();
        Factory = _root.WithWebHostBuilder(b => b.UseSetting("WeCom:Bot:Id", BotId));
        _photo = MakeJpeg();
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await ((IAsyncLifetime)_root).DisposeAsync();
    }

    public async Task<(int Inbox, int Tickets)> CountsAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        return (await db.Inbox.CountAsync(), await db.Tickets.CountAsync());
    }

    public async Task<string> NewestPayloadAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        return await db.Inbox.OrderByDescending(m => m.Id).Select(m => m.Payload).FirstAsync();
    }

    /// <summary>Waits (bounded) until the background intake has handled every stored message, so tickets stop changing.</summary>
    public async Task WaitForIntakeAsync(int stored)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
            if (await db.Inbox.CountAsync(m => m.ProcessedAt != null) >= stored)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Intake did not process {stored} messages in time.");
    }

    public HttpRequestMessage Build(JsonObject @case, string msgId)
    {
        var channel = @case["channel"]!.GetValue<string>();
        var method = new HttpMethod(@case["method"]?.GetValue<string>() ?? "POST");
        var path = channel == "bot" ? "/wecom/bot/callback" : "/wecom/callback";
        var crypto = Crypto(channel, @case["crypto"]?.GetValue<string>());
        var signer = @case["crypto"]?.GetValue<string>() == "otherToken"
            ? WeComCallbackCrypto.Create("SomeOtherToken1", channel == "bot" ? _root.BotAesKey : _root.AppAesKey, "").Value!
            : crypto;
        var timestamp = Timestamp(@case["timestamp"]);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));

        string? ciphertext = @case["encrypt"]?.GetValue<string>();
        if (ciphertext is null && method == HttpMethod.Get)
        {
            ciphertext = crypto.Encrypt(@case["echo"]!.GetValue<string>()).Value!;
        }
        else if (ciphertext is null && @case["plaintext"] is { } plaintext)
        {
            var text = plaintext is JsonValue value && value.TryGetValue<string>(out var s) ? s : plaintext.ToJsonString();
            ciphertext = crypto.Encrypt(Expand(text, msgId)).Value!;
        }

        var signature = @case["signature"]?.GetValue<string>() switch
        {
            "forged" => new string('0', 40),
            "missing" => "",
            _ => signer.ComputeSignature(timestamp, nonce, ciphertext ?? ""),
        };
        var query = $"?msg_signature={signature}&timestamp={Uri.EscapeDataString(timestamp)}&nonce={nonce}";
        if (method == HttpMethod.Get)
        {
            return new HttpRequestMessage(method, path + query + "&echostr=" + Uri.EscapeDataString(ciphertext!));
        }

        var contentType = @case["contentType"]?.GetValue<string>() ?? (channel == "bot" ? "application/json" : "text/xml");
        var body = @case["raw"] is { } raw
            ? RawBody(raw.GetValue<string>(), msgId)
            : Encoding.UTF8.GetBytes(channel == "bot"
                ? JsonSerializer.Serialize(new { encrypt = ciphertext })
                : $"<xml><ToUserName><![CDATA[{_root.WeCom.CorpId}]]></ToUserName><Encrypt><![CDATA[{ciphertext}]]></Encrypt><AgentID><![CDATA[{_root.WeCom.AgentId}]]></AgentID></xml>");
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return new HttpRequestMessage(method, path + query) { Content = content };
    }

    private WeComCallbackCrypto Crypto(string channel, string? variant)
    {
        var key = variant == "otherKey" ? NewAesKey() : channel == "bot" ? _root.BotAesKey : _root.AppAesKey;
        var token = channel == "bot" ? GuanjiaFactory.BotToken : GuanjiaFactory.AppToken;
        var receiveId = variant == "wrongReceiveId" ? "wwWRONGCORP0000" : channel == "bot" ? "" : _root.WeCom.CorpId;
        return WeComCallbackCrypto.Create(token, key, receiveId).Value!;
    }

    private static string Timestamp(JsonNode? value)
    {
        var now = DateTimeOffset.UtcNow;
        if (value is null)
        {
            return now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        return value.GetValueKind() == JsonValueKind.Number
            ? (now.ToUnixTimeSeconds() + value.GetValue<long>()).ToString(CultureInfo.InvariantCulture)
            : value.GetValue<string>().Replace("{{nowMs}}", now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private byte[] RawBody(string raw, string msgId)
    {
        var binary = BinaryPattern().Match(raw);
        return binary.Success
            ? RandomNumberGenerator.GetBytes(int.Parse(binary.Groups[1].Value, CultureInfo.InvariantCulture))
            : Encoding.UTF8.GetBytes(Expand(raw, msgId));
    }

    /// <summary>
    /// {{msgid}}, {{msgidNumber}}, {{now}}, {{corpId}}, {{agentId}}, {{responseUrl}} (a fresh one from
    /// the fake), {{mediaUrl}} (an encrypted JPEG served by the fake), {{repeat:C:N}}, {{deepXml:N}}
    /// (N nested elements, closed), {{openXml:N}} (never closed), {{deepJson:N}}, {{attrXml:N}} (N attributes).
    /// </summary>
    private string Expand(string text, string msgId) => Placeholder().Replace(text, m =>
    {
        var args = m.Groups[2].Success ? m.Groups[2].Value.Split(':') : [];
        int N(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
        return m.Groups[1].Value switch
        {
            "msgid" => msgId,
            "msgidNumber" => BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(msgId))).ToString(CultureInfo.InvariantCulture),
            "now" => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "corpId" => _root.WeCom.CorpId,
            "agentId" => _root.WeCom.AgentId.ToString(CultureInfo.InvariantCulture),
            "responseUrl" => _root.WeCom.NewResponseUrl().ToString(),
            "mediaUrl" => _root.WeCom.AddDownload(_root.BotCrypto().EncryptMedia(_photo)).ToString(),
            "repeat" => new string(args[0][0], N(1)),
            "deepXml" => "<xml>" + string.Concat(Enumerable.Repeat("<a>", N(0))) + string.Concat(Enumerable.Repeat("</a>", N(0))) + "</xml>",
            "openXml" => "<xml>" + string.Concat(Enumerable.Repeat("<a>", N(0))),
            "deepJson" => new string('[', N(0)) + new string(']', N(0)),
            "attrXml" => "<xml " + string.Concat(Enumerable.Range(0, N(0)).Select(i => $"a{i}=\"\" ")) + "><Encrypt>abc</Encrypt></xml>",
            _ => throw new InvalidOperationException($"Unknown placeholder {m.Value} in the corpus."),
        };
    });

    private static string NewAesKey() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 43);

    private static byte[] MakeJpeg()
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(320, 240, new SixLabors.ImageSharp.PixelFormats.Rgb24(90, 120, 60));
        using var stream = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsJpeg(image, stream);
        return stream.ToArray();
    }

    [GeneratedRegex(@"\{\{(\w+)(?::([^}]*))?\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^\{\{binary:(\d+)\}\}$")]
    private static partial Regex BinaryPattern();
}
