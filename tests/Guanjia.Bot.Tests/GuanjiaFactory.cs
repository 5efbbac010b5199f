using System.Security.Cryptography;
using System.Text;
using Guanjia.Core.Storage;
using Guanjia.WeCom.Crypto;
using Guanjia.WeCom.Fake;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Bot.Tests;

/// <summary>
/// The real service over HTTP (WebApplicationFactory) with a temporary SQLite file and media
/// folder, pointed at an in-process fake WeCom; callbacks are encrypted with the bot's real keys.
/// </summary>
public sealed class GuanjiaFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string BotToken = "GuanjiaBotToken42";
    public const string AppToken = "GuanjiaAppToken42";
    public const string ApiKey = "test-api-key";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "guanjia-tests", Guid.NewGuid().ToString("N"));

    public FakeWeComServer WeCom { get; private set; } = null!;

    public string BotAesKey { get; private init; } = NewAesKey();

    public string AppAesKey { get; private init; } = NewAesKey();

    /// <summary>An Npgsql connection string: the instance runs on PostgreSQL instead of its own SQLite file.</summary>
    public string? Postgres { get; init; }

    /// <summary>Another instance of the same deployment: same keys, same fake WeCom (owned by the first).</summary>
    public GuanjiaFactory? TwinOf
    {
        get => _twinOf;
        init
        {
            _twinOf = value;
            if (value is not null)
            {
                BotAesKey = value.BotAesKey;
                AppAesKey = value.AppAesKey;
                Postgres ??= value.Postgres;
            }
        }
    }

    private readonly GuanjiaFactory? _twinOf;

    /// <summary>Runs the Quartz scheduler; off by default so tests are not slowed or disturbed by it.</summary>
    public bool SchedulerEnabled { get; init; }

    public static string RepoRoot { get; } = FindRepoRoot();

    public async Task InitializeAsync() => WeCom = _twinOf?.WeCom ?? await FakeWeComServer.StartAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_twinOf is null)
        {
            await WeCom.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_dir);
        builder.UseContentRoot(RepoRoot);
        builder.UseSetting("ConnectionStrings:Guanjia", Postgres ?? $"Data Source={Path.Combine(_dir, "guanjia.db")}");
        builder.UseSetting("Storage:Provider", Postgres is null ? "Sqlite" : "Postgres");
        builder.UseSetting("Media:Root", Path.Combine(_twinOf?._dir ?? _dir, "media"));
        builder.UseSetting("Api:Keys:0", ApiKey);
        builder.UseSetting("Jobs:Enabled", SchedulerEnabled ? "true" : "false");
        // Quartz keeps one scheduler per name in a process: each deployment under test gets its own.
        builder.UseSetting("Jobs:SchedulerName", "guanjia-" + (_twinOf ?? this).GetHashCode().ToString(System.Globalization.CultureInfo.InvariantCulture));
        // One meter per service in this process: disposing another test's service must not stop this one's metrics.
        builder.UseSetting("Metrics:MeterName", "Guanjia.test-" + Guid.NewGuid().ToString("N"));
        builder.UseSetting("WeCom:ApiBaseUrl", WeCom.BaseAddress.ToString());
        builder.UseSetting("WeCom:CorpId", WeCom.CorpId);
        builder.UseSetting("WeCom:Secret", WeCom.Secret);
        builder.UseSetting("WeCom:AgentId", WeCom.AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("WeCom:Token", AppToken);
        builder.UseSetting("WeCom:EncodingAesKey", AppAesKey);
        builder.UseSetting("WeCom:Bot:Token", BotToken);
        builder.UseSetting("WeCom:Bot:EncodingAesKey", BotAesKey);
    }

    public WeComCallbackCrypto BotCrypto() => WeComCallbackCrypto.Create(BotToken, BotAesKey, "").Value!;

    public WeComCallbackCrypto AppCrypto() => WeComCallbackCrypto.Create(AppToken, AppAesKey, WeCom.CorpId).Value!;

    public async Task<T> WithDbAsync<T>(Func<GuanjiaDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>());
    }

    /// <summary>Waits (bounded) until the background intake has processed every stored message.</summary>
    public async Task WaitForIntakeAsync(int expectedInbox)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var done = await WithDbAsync(async db =>
                await db.Inbox.CountAsync(m => m.ProcessedAt != null) >= expectedInbox
                && !await db.Inbox.AnyAsync(m => m.ProcessedAt == null));
            if (done)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Intake did not process {expectedInbox} messages in time.");
    }

    /// <summary>An EncodingAESKey as WeCom generates them: 43 letters and digits.</summary>
    private static string NewAesKey() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 43);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Guanjia.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Guanjia.sln not found above the test folder.");
    }
}

/// <summary>Builds signed, encrypted callbacks as WeCom sends them.</summary>
public static class SignedCallbacks
{
    public static HttpRequestMessage BotPost(WeComCallbackCrypto crypto, string plaintextJson, string? forgedSignature = null)
    {
        var encrypted = crypto.Encrypt(plaintextJson).Value!;
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var signature = forgedSignature ?? crypto.ComputeSignature(timestamp, nonce, encrypted);
        return new HttpRequestMessage(HttpMethod.Post, $"/wecom/bot/callback?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}")
        {
            Content = new StringContent($$"""{"encrypt":"{{encrypted}}"}""", Encoding.UTF8, "application/json"),
        };
    }

    public static string BotGroupText(string msgId, string userId, string chatId, string text, string responseUrl) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            msgid = msgId,
            aibotid = "aibot-test",
            chatid = chatId,
            chattype = "group",
            from = new { userid = userId },
            response_url = responseUrl,
            msgtype = "text",
            text = new { content = "@小巷管家 " + text },
        });

    public static string BotGroupMixed(string msgId, string userId, string chatId, string text, string imageUrl, string responseUrl) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            msgid = msgId,
            aibotid = "aibot-test",
            chatid = chatId,
            chattype = "group",
            from = new { userid = userId },
            response_url = responseUrl,
            msgtype = "mixed",
            mixed = new
            {
                msg_item = new object[]
                {
                    new { msgtype = "text", text = new { content = "@小巷管家 " + text } },
                    new { msgtype = "image", image = new { url = imageUrl } },
                },
            },
        });
}
