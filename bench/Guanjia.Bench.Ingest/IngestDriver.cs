using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Guanjia.Core.Community;
using Guanjia.WeCom.Crypto;
using Guanjia.WeCom.Fake;
using Microsoft.Data.Sqlite;

namespace Guanjia.Bench.Ingest;

/// <summary>
/// Runs the same closed-loop load (N connections, each sending the next callback as soon as the
/// last was answered) first against the bare endpoint, then against Guanjia.Bot, both as child
/// processes on this machine, and prints rates, latency percentiles and the ratio. Afterwards it
/// waits until every accepted callback has become a ticket.
/// </summary>
internal sealed class IngestDriver(IngestOptions options)
{
    private const string BotToken = "BenchBotToken";

    public async Task<int> RunAsync()
    {
        var senders = LoadSenders();
        var texts = LoadTexts();
        var aesKey = NewAesKey();
        var crypto = WeComCallbackCrypto.Create(BotToken, aesKey, "").Value!;
        await using var wecom = await FakeWeComServer.StartAsync();
        wecom.EnforceRobotRateLimit = false;
        var work = Path.Combine(Path.GetTempPath(), "guanjia-ingest-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);

        Console.WriteLine($"Ingest load: {options.Concurrency} connections, {options.Warmup.TotalSeconds:0}s warm-up + {options.Duration.TotalSeconds:0}s measured per target, {Environment.ProcessorCount} cores");
        var payloads = new PayloadFactory(crypto, senders, texts, wecom);

        Result bare;
        var barePort = FreePort();
        using (var process = StartBare(barePort))
        {
            await WaitHealthyAsync(barePort, process);
            bare = await LoadAsync("bare Kestrel \"success\"", barePort, payloads, "bare");
            Stop(process);
        }

        var botPort = FreePort();
        var database = Path.Combine(work, "guanjia.db");
        Result guanjia;
        using (var process = StartBot(botPort, database, Path.Combine(work, "media"), aesKey, wecom))
        {
            await WaitHealthyAsync(botPort, process);
            guanjia = await LoadAsync("Guanjia.Bot (SQLite)", botPort, payloads, "bot");
            var drained = await WaitForTicketsAsync(database, guanjia.Accepted);
            Stop(process);
            Print(bare, guanjia, drained);
        }

        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
        }

        return 0;
    }

    private async Task<Result> LoadAsync(string name, int port, PayloadFactory payloads, string run)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        var stopAt = measureFrom + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, options.Concurrency)
            .Select(w => Task.Run(() => WorkerAsync(client, payloads, $"{run}-{w}", measureFrom, stopAt)))
            .ToArray();
        var results = await Task.WhenAll(workers);
        var latencies = results.SelectMany(r => r.Latencies).Order().ToArray();
        var measured = latencies.Length;
        return new Result(
            name,
            measured / options.Duration.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            Percentile(latencies, 0.999),
            results.Sum(r => r.Accepted),
            results.Sum(r => r.Failed));
    }

    private static async Task<WorkerResult> WorkerAsync(HttpClient client, PayloadFactory payloads, string prefix, long measureFrom, long stopAt)
    {
        var latencies = new List<double>(65536);
        var accepted = 0;
        var failed = 0;
        for (var i = 0; ; i++)
        {
            var before = Stopwatch.GetTimestamp();
            if (before >= stopAt)
            {
                break;
            }

            using var request = payloads.Create($"{prefix}-{i}");
            var sent = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request);
            _ = await response.Content.ReadAsByteArrayAsync();
            var answered = Stopwatch.GetTimestamp();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                accepted++;
            }
            else
            {
                failed++;
            }

            if (sent >= measureFrom && answered <= stopAt)
            {
                latencies.Add(Stopwatch.GetElapsedTime(sent, answered).TotalMilliseconds);
            }
        }

        return new WorkerResult(latencies, accepted, failed);
    }

    private async Task<Drain> WaitForTicketsAsync(string database, int accepted)
    {
        var watch = Stopwatch.StartNew();
        var connection = new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly }.ToString();
        long inbox = 0, processed = 0, tickets = 0;
        while (watch.Elapsed < options.DrainTimeout)
        {
            await using var db = new SqliteConnection(connection);
            await db.OpenAsync();
            inbox = await ScalarAsync(db, "SELECT COUNT(*) FROM Inbox");
            processed = await ScalarAsync(db, "SELECT COUNT(*) FROM Inbox WHERE ProcessedAt IS NOT NULL");
            tickets = await ScalarAsync(db, "SELECT COUNT(*) FROM Tickets");
            if (processed >= inbox && tickets >= accepted)
            {
                break;
            }

            await Task.Delay(500);
        }

        return new Drain(accepted, inbox, processed, tickets, watch.Elapsed);
    }

    private static async Task<long> ScalarAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static void Print(Result bare, Result guanjia, Drain drain)
    {
        Console.WriteLine();
        Console.WriteLine($"{"target",-26} {"req/s",9} {"p50 ms",8} {"p99 ms",8} {"p99.9 ms",9} {"accepted",9} {"failed",7}");
        foreach (var r in new[] { bare, guanjia })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-26} {r.Rate,9:0} {r.P50,8:0.00} {r.P99,8:0.00} {r.P999,9:0.00} {r.Accepted,9} {r.Failed,7}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Guanjia / bare: {guanjia.Rate / bare.Rate:P1} of the bare endpoint's rate (target >= 30%); {guanjia.Rate:0}/s (target >= 3000/s); p99 {guanjia.P99:0.00} ms (target <= 20 ms)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"After the load: {drain.Tickets} tickets for {drain.Accepted} accepted callbacks (inbox {drain.Inbox}, processed {drain.Processed}), drained in {drain.Elapsed.TotalSeconds:0.0}s after the load ended"));
        Console.WriteLine(drain.Tickets == drain.Accepted && drain.Inbox == drain.Accepted
            ? "Every accepted callback is exactly one ticket."
            : "MISMATCH: accepted callbacks and tickets differ.");
    }

    private Process StartBare(int port) => Start(new ProcessStartInfo("dotnet", [typeof(IngestDriver).Assembly.Location, "bare", "--urls", $"http://127.0.0.1:{port}"]));

    private Process StartBot(int port, string database, string media, string aesKey, FakeWeComServer wecom)
    {
        if (!File.Exists(options.BotDll))
        {
            throw new FileNotFoundException($"Build Guanjia.Bot first: dotnet build -c Release Guanjia.Bot ({options.BotDll} missing)");
        }

        var info = new ProcessStartInfo("dotnet", [options.BotDll]) { WorkingDirectory = options.RepoRoot };
        var env = info.Environment;
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["ConnectionStrings__Guanjia"] = $"Data Source={database}";
        env["Media__Root"] = media;
        env["Api__Keys__0"] = "bench-key";
        env["WeCom__ApiBaseUrl"] = wecom.BaseAddress.ToString();
        env["WeCom__CorpId"] = wecom.CorpId;
        env["WeCom__Secret"] = wecom.Secret;
        env["WeCom__AgentId"] = wecom.AgentId.ToString(CultureInfo.InvariantCulture);
        env["WeCom__Token"] = "BenchAppToken";
        env["WeCom__EncodingAesKey"] = NewAesKey();
        env["WeCom__Bot__Token"] = BotToken;
        env["WeCom__Bot__EncodingAesKey"] = aesKey;
        env["Logging__LogLevel__Default"] = "Warning";
        return Start(info);
    }

    private static Process Start(ProcessStartInfo info)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = false;
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start " + info.FileName);
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    private static async Task WaitHealthyAsync(int port, Process process)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {process.ExitCode} before it was healthy.");
            }

            try
            {
                using var response = await client.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The server did not become healthy within 60 s.");
    }

    private (string UserId, string ChatId)[] LoadSenders()
    {
        var config = CommunityConfigLoader.Load(Path.Combine(options.RepoRoot, "config", "community.yaml"));
        return config.People
            .Where(p => p.HasRole(Person.StewardRole) && p.CommunityId is not null)
            .Select(p => (p.UserId, config.FindCommunity(p.CommunityId!)!.ChatId))
            .ToArray();
    }

    private string[] LoadTexts() =>
        File.ReadLines(Path.Combine(options.RepoRoot, "config", "triage", "examples.jsonl"))
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)
            .ToArray();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string NewAesKey()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(43, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private sealed record WorkerResult(List<double> Latencies, int Accepted, int Failed);

    private sealed record Result(string Name, double Rate, double P50, double P99, double P999, int Accepted, int Failed);

    private sealed record Drain(int Accepted, long Inbox, long Processed, long Tickets, TimeSpan Elapsed);
}

/// <summary>Encrypted, signed bot group @-mentions as WeCom sends them; every one a new msgid.</summary>
internal sealed class PayloadFactory(WeComCallbackCrypto crypto, (string UserId, string ChatId)[] senders, string[] texts, FakeWeComServer wecom)
{
    public HttpRequestMessage Create(string msgId)
    {
        var n = (uint)msgId.GetHashCode(StringComparison.Ordinal);
        var (user, chat) = senders[n % (uint)senders.Length];
        var text = texts[n % (uint)texts.Length];
        var json = JsonSerializer.Serialize(new
        {
            msgid = msgId,
            aibotid = "aibot-bench",
            chatid = chat,
            chattype = "group",
            from = new { userid = user },
            response_url = wecom.NewResponseUrl().ToString(),
            msgtype = "text",
            text = new { content = "@小巷管家 " + text },
        });
        var encrypted = crypto.Encrypt(json).Value!;
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var signature = crypto.ComputeSignature(timestamp, nonce, encrypted);
        return new HttpRequestMessage(HttpMethod.Post, $"/wecom/bot/callback?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}")
        {
            Content = new StringContent($$"""{"encrypt":"{{encrypted}}"}""", Encoding.UTF8, "application/json"),
        };
    }
}
