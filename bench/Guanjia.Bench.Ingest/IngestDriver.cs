using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Guanjia.WeCom.Crypto;
using Guanjia.WeCom.Fake;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Guanjia.Bench.Ingest;

/// <summary>
/// The ingest benchmark, in up to three parts that each start fresh service processes on this machine
/// (a new database each) and can be run alone (<c>--mode acks|tickets|latency</c>):
/// <list type="number">
/// <item>acks: the same closed-loop load (N connections, each sending the next callback as soon as the last
/// was answered) against the bare endpoint, then against Guanjia.Bot; rates, latency percentiles, the ratio;</item>
/// <item>tickets: a fixed number of reports sent as fast as the service takes them, then tickets made a
/// second, counted in the database (triaged, stored and the reporter's acknowledgement queued, one transaction);</item>
/// <item>latency: reports at a fixed offered rate (open loop); report→dispatch time = when the fake WeCom
/// received the department's 新工单 message minus when the report was sent.</item>
/// </list>
/// Every part runs on a generated city street (<see cref="CityGenerator"/>), on SQLite or PostgreSQL, with
/// one or (PostgreSQL) two instances sharing the database; the peak RSS of each service process is reported.
/// </summary>
internal sealed partial class IngestDriver(IngestOptions options)
{
    private const string BotToken = "BenchBotToken";

    private string _botDll = options.BotDll;

    public async Task<int> RunAsync()
    {
        var work = Path.Combine(Path.GetTempPath(), "guanjia-ingest-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        var city = Path.Combine(work, "city.yaml");
        var (senders, robots) = CityGenerator.Write(city, Path.Combine(options.RepoRoot, "config", "community.yaml"), options.Communities, options.CompoundsPerCommunity);
        var texts = LoadTexts();
        var aesKey = NewAesKey();
        var crypto = WeComCallbackCrypto.Create(BotToken, aesKey, "").Value!;
        await using var wecom = await FakeWeComServer.StartAsync();
        var payloads = new PayloadFactory(crypto, [.. senders], texts, wecom);
        var where = options.IsPostgres ? $"PostgreSQL, {options.Instances} instance(s)" : "SQLite";
        if (options.Publish is not null)
        {
            _botDll = await PublishAsync(Path.Combine(work, "publish"), readyToRun: options.Publish == "r2r");
        }

        var settings = string.Concat(options.ServiceEnvironment.Select(e => $" {e.Key}={e.Value}"));
        Console.WriteLine($"Service: {_botDll}{settings}");
        Console.WriteLine($"Ingest benchmark: {where}; city of {options.Communities} communities, {senders.Count} stewards, {robots} robot keys; {Environment.ProcessorCount} cores; load average {LoadAverage()}");

        if (options.Modes.HasFlag(IngestModes.Acks))
        {
            wecom.EnforceRobotRateLimit = false;
            await AcksAsync(work, city, aesKey, wecom, payloads);
        }

        if (options.Modes.HasFlag(IngestModes.Tickets))
        {
            wecom.EnforceRobotRateLimit = false;
            await TicketsAsync(work, city, aesKey, wecom, payloads);
        }

        if (options.Modes.HasFlag(IngestModes.Latency))
        {
            // As WeCom: 20 messages a minute per robot. The city has enough robots that this is not the limit.
            wecom.EnforceRobotRateLimit = true;
            await LatencyAsync(work, city, aesKey, wecom, payloads);
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

    private async Task AcksAsync(string work, string city, string aesKey, FakeWeComServer wecom, PayloadFactory payloads)
    {
        Console.WriteLine($"\n== acks: closed loop, {options.Concurrency} connections, {options.Warmup.TotalSeconds:0}s warm-up + {options.Duration.TotalSeconds:0}s measured per target (load average {LoadAverage()})");
        Result bare;
        var barePort = FreePort();
        using (var process = StartBare(barePort))
        {
            await WaitHealthyAsync(barePort, process);
            bare = await LoadAsync("bare Kestrel \"success\"", [barePort], payloads, "bare");
            Stop(process);
        }

        await using var service = await StartServiceAsync(work, "acks", city, aesKey, wecom);
        var guanjia = await LoadAsync($"Guanjia.Bot ({service.Describe})", service.Ports, payloads, "bot");
        var rss = service.PeakRss();
        Console.WriteLine($"{"target",-34} {"req/s",9} {"p50 ms",8} {"p99 ms",8} {"p99.9 ms",9} {"accepted",9} {"failed",7}");
        foreach (var r in new[] { bare, guanjia })
        {
            Console.WriteLine(Inv($"{r.Name,-34} {r.Rate,9:0} {r.P50,8:0.00} {r.P99,8:0.00} {r.P999,9:0.00} {r.Accepted,9} {r.Failed,7}"));
        }

        Console.WriteLine(Inv($"acks: Guanjia / bare = {guanjia.Rate / bare.Rate:P1} (target >= 30%); peak RSS {rss} (target <= 250 MB each); load average {LoadAverage()}"));
    }

    private async Task TicketsAsync(string work, string city, string aesKey, FakeWeComServer wecom, PayloadFactory payloads)
    {
        Console.WriteLine($"\n== tickets: {options.Reports} reports over {options.Concurrency} connections as fast as they are taken, then until every one is processed (load average {LoadAverage()})");
        await using var service = await StartServiceAsync(work, "tickets", city, aesKey, wecom);
        var clients = service.Ports.Select(NewClient).ToArray();
        await WarmUpAsync(service, clients, payloads, "w");

        var before = await service.CountAsync();
        var started = Stopwatch.GetTimestamp();
        var samples = new List<(double At, Counts Counts)>();
        var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                samples.Add((Stopwatch.GetElapsedTime(started).TotalSeconds, (await service.CountAsync()).Minus(before)));
                await Task.Delay(500, CancellationToken.None);
            }
        });
        var accepted = await SendReportsAsync(clients, payloads, "t", options.Reports);
        var loadEnded = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpuAtLoadEnd = service.CpuSeconds();
        Counts last;
        double? processedAt = null;
        var cpuProcessed = 0.0;
        while (true)
        {
            last = (await service.CountAsync()).Minus(before);
            if (processedAt is null && last.Processed >= accepted)
            {
                processedAt = Stopwatch.GetElapsedTime(started).TotalSeconds;
                cpuProcessed = service.CpuSeconds();
            }

            // Done when every message is processed and the outbox has sent what they queued: a ticket's CPU includes its messages.
            if ((processedAt is not null && last.Pending == 0) || Stopwatch.GetElapsedTime(started) > options.DrainTimeout)
            {
                break;
            }

            await Task.Delay(200);
        }

        var done = Stopwatch.GetElapsedTime(started).TotalSeconds;
        processedAt ??= done;
        var cpuDone = service.CpuSeconds();
        await sampling.CancelAsync();
        await sampler;
        var rss = service.PeakRss();
        foreach (var c in clients)
        {
            c.Dispose();
        }

        var atLoadEnd = samples.LastOrDefault(s => s.At <= loadEnded).Counts ?? new Counts(0, 0, 0, 0);
        // Sustained: the best 10 s of the run (a rate held, not a moment).
        var best = 0.0;
        for (var i = 0; i < samples.Count; i++)
        {
            var j = samples.FindIndex(i, s => s.At >= samples[i].At + 10);
            if (j > 0)
            {
                best = Math.Max(best, (samples[j].Counts.Tickets - samples[i].Counts.Tickets) / (samples[j].At - samples[i].At));
            }
        }

        var drained = last.Tickets - atLoadEnd.Tickets;
        var drainTime = Math.Max(0.001, processedAt.Value - loadEnded);
        Console.WriteLine(Inv($"{accepted} of {options.Reports} reports accepted in {loadEnded:0.0}s ({accepted / loadEnded:0}/s); {atLoadEnd.Tickets} tickets made meanwhile ({atLoadEnd.Tickets / loadEnded:0}/s while callbacks arrived)"));
        Console.WriteLine(Inv($"all {last.Processed} messages processed {processedAt - loadEnded:0.0}s after the load, the outbox empty {done - loadEnded:0.0}s after it: {last.Tickets} tickets, {last.Acks} reporters acknowledged, inbox {last.Inbox}, {last.Sent} messages sent"));
        Console.WriteLine(Inv($"tickets/s: after the load {drained / drainTime:0}, best 10 s {best:0}, whole run {last.Tickets / processedAt:0} (target >= 1500/s sustained); peak RSS {rss}; load average {LoadAverage()}"));
        // What a ticket costs, whatever else the machine was doing: the service's CPU time after the load, per ticket,
        // until its messages are sent too (and, separately, until the last message was processed).
        if (drained > 0)
        {
            var cpu = cpuDone - cpuAtLoadEnd;
            Console.WriteLine(Inv($"after the load the service used {cpu:0.0} CPU-s for {drained} tickets and their messages: {1000 * cpu / drained:0.00} CPU-ms a ticket, {drained / cpu:0} tickets per CPU-second ({1000 * (cpuProcessed - cpuAtLoadEnd) / drained:0.00} CPU-ms a ticket until the last was made)"));
        }

        Console.WriteLine(last.Processed == accepted && last.Inbox == accepted && last.Acks == last.Tickets
            ? "Every accepted report was processed once; every ticket's reporter acknowledged."
            : "MISMATCH: accepted, processed and acknowledged differ.");
    }

    /// <summary>
    /// Warm (<c>--ticket-warmup N</c>): N reports first, drained (tickets made and the outbox sent), so what is measured is
    /// the steady state and not the JIT's first minutes.
    /// </summary>
    private async Task WarmUpAsync(Service service, HttpClient[] clients, PayloadFactory payloads, string prefix)
    {
        if (options.TicketWarmup <= 0)
        {
            return;
        }

        var warmStarted = Stopwatch.GetTimestamp();
        var cpuBefore = service.CpuSeconds();
        var warmedUp = await SendReportsAsync(clients, payloads, prefix, options.TicketWarmup);
        while (true)
        {
            var c = await service.CountAsync();
            if ((c.Processed >= warmedUp && c.Pending == 0) || Stopwatch.GetElapsedTime(warmStarted) > options.DrainTimeout)
            {
                Console.WriteLine(Inv($"warm-up: {warmedUp} reports, {c.Tickets} tickets, drained in {Stopwatch.GetElapsedTime(warmStarted).TotalSeconds:0.0}s using {service.CpuSeconds() - cpuBefore:0.0} CPU-s; peak RSS {service.PeakRss()}"));
                break;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Sends <paramref name="count"/> distinct reports as fast as the service takes them; returns how many were accepted.</summary>
    private async Task<int> SendReportsAsync(HttpClient[] clients, PayloadFactory payloads, string prefix, int count)
    {
        var sent = 0;
        var accepted = 0;
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(w => Task.Run(async () =>
        {
            var client = clients[w % clients.Length];
            int i;
            while ((i = Interlocked.Increment(ref sent)) <= count)
            {
                using var request = payloads.Create($"{prefix}-{i}");
                using var response = await client.SendAsync(request);
                _ = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref accepted);
                }
            }
        })));
        return accepted;
    }

    private async Task LatencyAsync(string work, string city, string aesKey, FakeWeComServer wecom, PayloadFactory payloads)
    {
        Console.WriteLine(Inv($"\n== latency: {options.Rate:0} reports/s offered (open loop), {options.LatencyWarmup.TotalSeconds:0}s warm-up + {options.LatencyDuration.TotalSeconds:0}s measured (load average {LoadAverage()})"));
        await using var service = await StartServiceAsync(work, "latency", city, aesKey, wecom);
        var clients = service.Ports.Select(NewClient).ToArray();
        // A started service is cold (the JIT's first minutes): without a warm-up it falls tens of seconds behind in the
        // first seconds and, offered about what it can make, never catches up; every later report then waits as long.
        await WarmUpAsync(service, clients, payloads, "lw");
        var before = await service.CountAsync();
        var total = (int)((options.LatencyWarmup + options.LatencyDuration).TotalSeconds * options.Rate);
        var measuredFrom = (int)(options.LatencyWarmup.TotalSeconds * options.Rate);
        var sentAt = new DateTimeOffset[total];
        var answered = new double[total];
        var failed = 0;
        var start = Stopwatch.GetTimestamp();
        var sends = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i / options.Rate * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var n = i;
            sends.Add(Task.Run(async () =>
            {
                using var request = payloads.Create($"l-{n}");
                var before = Stopwatch.GetTimestamp();
                sentAt[n] = DateTimeOffset.UtcNow;
                using var response = await clients[n % clients.Length].SendAsync(request);
                _ = await response.Content.ReadAsByteArrayAsync();
                answered[n] = Stopwatch.GetElapsedTime(before).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failed);
                }
            }));
        }

        await Task.WhenAll(sends);
        var offered = total / Stopwatch.GetElapsedTime(start).TotalSeconds;
        var waitUntil = Stopwatch.GetTimestamp() + (long)(Math.Min(options.DrainTimeout.TotalSeconds, 120) * Stopwatch.Frequency);
        Counts counts;
        while (true)
        {
            counts = (await service.CountAsync()).Minus(before);
            // Everything processed and the outbox empty (a confidential tip has no group dispatch: tickets ≠ dispatches).
            if ((counts.Processed >= total && counts.Pending == 0) || Stopwatch.GetTimestamp() > waitUntil)
            {
                break;
            }

            await Task.Delay(200);
        }

        var rss = service.PeakRss();
        foreach (var c in clients)
        {
            c.Dispose();
        }

        var tickets = await service.TicketsByMessageAsync();
        var processed = await service.ProcessedMessagesAsync();
        var dispatched = new Dictionary<int, DateTimeOffset>();
        foreach (var m in wecom.Messages.Where(m => m.Kind == RecordedMessageKind.Webhook))
        {
            if (NewTicket().Match(m.Json) is { Success: true } match)
            {
                var number = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                if (!dispatched.TryGetValue(number, out var at) || m.ReceivedAt < at)
                {
                    dispatched[number] = m.ReceivedAt;
                }
            }
        }

        var rows = await service.DispatchRowsAsync();
        var departments = await service.TicketDepartmentsAsync();
        var latencies = new List<double>();
        // Where the time goes: report→processed (the callback, the intake's queue and batch) and processed→dispatched
        // (the outbox), and report→dispatch by tenth of the measured reports in the order sent (a queue that grows
        // shows as rising tenths; a constant delay as flat ones).
        var toProcessed = new List<double>();
        var toDispatched = new List<double>();
        var byTenth = Enumerable.Range(0, 10).Select(_ => new List<double>()).ToArray();
        var noTicket = 0;
        var confidential = 0;
        var notDispatched = 0;
        // Why a report counts as not dispatched: still in the inbox, its dispatch still queued (backlog), or sent another
        // way than a group robot's 新工单 (nothing this measure can time), or no dispatch at all.
        var why = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var i = measuredFrom; i < total; i++)
        {
            if (!processed.TryGetValue($"l-{i}", out var processedAt))
            {
                notDispatched++;
                why["not processed"] = why.GetValueOrDefault("not processed") + 1;
            }
            else if (!tickets.TryGetValue($"l-{i}", out var number))
            {
                noTicket++;
            }
            else if (!dispatched.TryGetValue(number, out var at))
            {
                var ticket = departments.GetValueOrDefault(number);
                if (ticket.Confidential && !rows.ContainsKey(number))
                {
                    // A tip (rental, security) goes to the community office's members 1:1, not to a group: the generated
                    // city's offices have no members, so there is no dispatch to time (the secretaries are told apart).
                    confidential++;
                    continue;
                }

                notDispatched++;
                var reason = rows.TryGetValue(number, out var row) ? $"dispatch {row.State} by {row.Channel}" : $"no dispatch row ({ticket.Where})";
                why[reason] = why.GetValueOrDefault(reason) + 1;
            }
            else
            {
                latencies.Add((at - sentAt[i]).TotalMilliseconds);
                toProcessed.Add((processedAt - sentAt[i]).TotalMilliseconds);
                toDispatched.Add((at - processedAt).TotalMilliseconds);
                byTenth[(i - measuredFrom) * 10 / (total - measuredFrom)].Add((at - sentAt[i]).TotalMilliseconds);
            }
        }

        // A ticket not dispatched within the wait counts as slower than any that was.
        var sorted = latencies.Order().Concat(Enumerable.Repeat(double.PositiveInfinity, notDispatched)).ToArray();
        var acks = answered.Skip(measuredFrom).Order().ToArray();
        Console.WriteLine(Inv($"offered {offered:0.0} reports/s; callbacks answered p50 {Percentile(acks, 0.5):0.0} ms, p99 {Percentile(acks, 0.99):0.0} ms; {failed} failed"));
        Console.WriteLine(Inv($"report→dispatch over {total - measuredFrom} measured reports: p50 {Percentile(sorted, 0.5):0} ms, p99 {Percentile(sorted, 0.99):0} ms, max {(latencies.Count > 0 ? latencies.Max() : double.NaN):0} ms of those dispatched (target p99 <= 1000 ms); {noTicket} became no ticket (small talk, follow-ups), {confidential} confidential tips (to the office's members 1:1: none here, not timed), {notDispatched} not processed or not dispatched within the wait (counted as slowest)"));
        Console.WriteLine(Inv($"of the dispatched: report→processed p50 {Percentile([.. toProcessed.Order()], 0.5):0} ms, p99 {Percentile([.. toProcessed.Order()], 0.99):0} ms; processed→dispatched p50 {Percentile([.. toDispatched.Order()], 0.5):0} ms, p99 {Percentile([.. toDispatched.Order()], 0.99):0} ms"));
        Console.WriteLine($"report→dispatch p50 by tenth of the measured reports, in the order sent: {string.Join(" ", byTenth.Select(t => t.Count == 0 ? "-" : Inv($"{Percentile([.. t.Order()], 0.5) / 1000:0.0}s")))}");
        if (why.Count > 0)
        {
            Console.WriteLine($"not dispatched within the wait: {string.Join(", ", why.Select(w => $"{w.Value} {w.Key}"))}");
        }

        Console.WriteLine(Inv($"peak RSS {rss}; load average {LoadAverage()}"));
    }

    private async Task<Result> LoadAsync(string name, IReadOnlyList<int> ports, PayloadFactory payloads, string run)
    {
        var clients = ports.Select(NewClient).ToArray();
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        var stopAt = measureFrom + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, options.Concurrency)
            .Select(w => Task.Run(() => WorkerAsync(clients[w % clients.Length], payloads, $"{run}-{w}", measureFrom, stopAt)))
            .ToArray();
        var results = await Task.WhenAll(workers);
        foreach (var c in clients)
        {
            c.Dispose();
        }

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

    private HttpClient NewClient(int port) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(options.Concurrency, 64), PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };

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

    private async Task<Service> StartServiceAsync(string work, string run, string city, string aesKey, FakeWeComServer wecom)
    {
        if (!File.Exists(_botDll))
        {
            throw new FileNotFoundException($"Build Guanjia.Bot first: dotnet build -c Release Guanjia.Bot ({_botDll} missing)");
        }

        string connection;
        if (options.IsPostgres)
        {
            connection = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = $"guanjia_bench_{run}_{Guid.NewGuid().ToString("N")[..8]}" }.ConnectionString;
        }
        else
        {
            connection = $"Data Source={Path.Combine(work, run + ".db")}";
        }

        var service = new Service(options.IsPostgres, connection);
        for (var i = 0; i < (options.IsPostgres ? options.Instances : 1); i++)
        {
            var port = FreePort();
            var process = StartBot(port, connection, Path.Combine(work, "media"), city, aesKey, wecom);
            service.Add(process, port);
            // One after the other: the first creates and migrates the database.
            await WaitHealthyAsync(port, process);
        }

        return service;
    }

    private Process StartBare(int port) => Start(new ProcessStartInfo("dotnet", [typeof(IngestDriver).Assembly.Location, "bare", "--urls", $"http://127.0.0.1:{port}"]));

    private Process StartBot(int port, string connection, string media, string city, string aesKey, FakeWeComServer wecom)
    {
        var info = new ProcessStartInfo("dotnet", [_botDll]) { WorkingDirectory = options.RepoRoot };
        var env = info.Environment;
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Storage__Provider"] = options.IsPostgres ? "Postgres" : "Sqlite";
        env["ConnectionStrings__Guanjia"] = connection;
        env["Community__File"] = city;
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
        foreach (var (key, value) in options.ServiceEnvironment)
        {
            env[key] = value;
        }

        return Start(info);
    }

    /// <summary>Publishes Guanjia.Bot as docs/deploy.md does (Release, this machine's runtime identifier) and returns its dll.</summary>
    private async Task<string> PublishAsync(string output, bool readyToRun)
    {
        var project = Path.Combine(options.RepoRoot, "Guanjia.Bot", "Guanjia.Bot.csproj");
        Console.WriteLine($"Publishing {project} ({(readyToRun ? "ReadyToRun" : "IL only")}) to {output} …");
        var info = new ProcessStartInfo("dotnet",
        [
            "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false",
            "-o", output, $"-p:PublishReadyToRun={readyToRun}", "-nologo", "-v", "quiet",
        ]);
        using var process = Start(info);
        await process.WaitForExitAsync();
        var dll = Path.Combine(output, "Guanjia.Bot.dll");
        return process.ExitCode == 0 && File.Exists(dll)
            ? dll
            : throw new InvalidOperationException($"dotnet publish failed (exit code {process.ExitCode})");
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
        for (var i = 0; i < 600; i++)
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

        throw new TimeoutException("The server did not become healthy within 120 s.");
    }

    private string[] LoadTexts() =>
        File.ReadLines(Path.Combine(options.RepoRoot, "config", "triage", "examples.jsonl"))
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)
            .ToArray();

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

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

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"新工单 #(\d+)")]
    private static partial Regex NewTicket();

    private sealed record WorkerResult(List<double> Latencies, int Accepted, int Failed);

    private sealed record Result(string Name, double Rate, double P50, double P99, double P999, int Accepted, int Failed);

    internal sealed record Counts(long Inbox, long Processed, long Tickets, long Acks, long Dispatched = 0, long Pending = 0, long Sent = 0)
    {
        public Counts Minus(Counts o) => new(Inbox - o.Inbox, Processed - o.Processed, Tickets - o.Tickets, Acks - o.Acks, Dispatched - o.Dispatched, Pending, Sent - o.Sent);
    }

    /// <summary>The service processes of one part, their database, and what is counted in it.</summary>
    private sealed class Service : IAsyncDisposable
    {
        private readonly List<(Process Process, int Port)> _instances = [];
        private readonly Dictionary<int, MemoryStatus> _highest = [];
        private readonly bool _postgres;
        private readonly string _connection;
        private readonly Timer _memory;

        public Service(bool postgres, string connection)
        {
            _postgres = postgres;
            _connection = connection;
            // What the resident set is made of when it is highest: read every 100 ms (VmHWM alone says how much, not what).
            _memory = new Timer(_ => SampleMemory(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        }

        public IReadOnlyList<int> Ports => [.. _instances.Select(i => i.Port)];

        public string Describe => _postgres ? $"PostgreSQL ×{_instances.Count}" : "SQLite";

        public void Add(Process process, int port) => _instances.Add((process, port));

        /// <summary>CPU seconds (user + system) the service processes have used so far.</summary>
        public double CpuSeconds() => _instances.Sum(i =>
        {
            try
            {
                i.Process.Refresh();
                return i.Process.TotalProcessorTime.TotalSeconds;
            }
            catch (InvalidOperationException)
            {
                return 0;
            }
        });

        /// <summary>Each instance's peak resident set (VmHWM), in MB, and what its highest sample was made of.</summary>
        public string PeakRss() => string.Join(" + ", _instances.Select(i => $"{VmHwm(i.Process.Id) / 1024.0:0} MB")) + " " + PeakRssParts();

        /// <summary>
        /// Each instance's highest sampled resident set, split as the kernel counts it: anonymous (GC heap, native
        /// allocations, stacks), file-backed (mapped assemblies and native libraries, shared with other processes
        /// mapping the same files), shared memory (the JIT's double-mapped code and loader heaps).
        /// </summary>
        public string PeakRssParts()
        {
            lock (_highest)
            {
                return string.Join(" + ", _instances.Select(i => _highest.TryGetValue(i.Process.Id, out var m)
                    ? Inv($"(highest sample {m.Rss / 1024.0:0} MB: anon {m.Anon / 1024.0:0}, file {m.File / 1024.0:0}, shmem {m.Shmem / 1024.0:0})")
                    : "(not sampled)"));
            }
        }

        public async Task<Counts> CountAsync()
        {
            await using var db = Open();
            return new Counts(
                await ScalarAsync(db, """SELECT COUNT(*) FROM "Inbox" """),
                await ScalarAsync(db, """SELECT COUNT(*) FROM "Inbox" WHERE "ProcessedAt" IS NOT NULL"""),
                await ScalarAsync(db, """SELECT COUNT(*) FROM "Tickets" """),
                await ScalarAsync(db, """SELECT COUNT(*) FROM "Outbox" WHERE "Key" LIKE '%:ack'"""),
                await ScalarAsync(db, """SELECT COUNT(*) FROM "Outbox" WHERE "Key" LIKE 'ticket:%:dispatch' AND "SentAt" IS NOT NULL"""),
                await ScalarAsync(db, """SELECT COUNT(*) FROM "Outbox" WHERE "State" = 'Pending'"""),
                await ScalarAsync(db, """SELECT COUNT(*) FROM "Outbox" WHERE "State" = 'Sent'"""));
        }

        /// <summary>Which ticket each message made, through its acknowledgement (key <c>inbox:{id}:ack</c>).</summary>
        public Task<Dictionary<string, int>> TicketsByMessageAsync() =>
            RowsAsync(
                """
                SELECT i."MessageId", o."TicketNumber" FROM "Inbox" i
                JOIN "Outbox" o ON o."Key" = 'inbox:' || CAST(i."Id" AS TEXT) || ':ack'
                WHERE o."TicketNumber" IS NOT NULL
                """,
                r => (r.GetString(0), r.GetInt32(1)), StringComparer.Ordinal);

        /// <summary>Each ticket's dispatch row (key <c>ticket:{n}:dispatch</c>): its channel and state.</summary>
        public Task<Dictionary<int, (string Channel, string State)>> DispatchRowsAsync() =>
            RowsAsync("""SELECT "TicketNumber", "Channel", "State" FROM "Outbox" WHERE "Key" LIKE 'ticket:%:dispatch' AND "TicketNumber" IS NOT NULL""", r => (r.GetInt32(0), (r.GetString(1), r.GetString(2))));

        /// <summary>Each ticket's department and category (where a ticket without a dispatch went).</summary>
        public Task<Dictionary<int, (string Where, bool Confidential)>> TicketDepartmentsAsync() =>
            RowsAsync("""SELECT "Number", "Department", "Category", "Status", "Confidential" FROM "Tickets" """, r => (r.GetInt32(0), ($"{Digits().Replace(r.GetString(1), "#")}/{r.GetString(2)}/{r.GetString(3)}", r.GetBoolean(4))));

        /// <summary>When each processed message was processed (the service stores instants as Unix milliseconds).</summary>
        public Task<Dictionary<string, DateTimeOffset>> ProcessedMessagesAsync() =>
            RowsAsync("""SELECT "MessageId", "ProcessedAt" FROM "Inbox" WHERE "ProcessedAt" IS NOT NULL""", r => (r.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))), StringComparer.Ordinal);

        public async ValueTask DisposeAsync()
        {
            await _memory.DisposeAsync();
            foreach (var (process, _) in _instances)
            {
                Stop(process);
                process.Dispose();
            }
        }

        private void SampleMemory()
        {
            lock (_highest)
            {
                foreach (var (process, _) in _instances)
                {
                    var m = MemoryStatus.Read(process.Id);
                    if (m is not null && (!_highest.TryGetValue(process.Id, out var high) || m.Rss > high.Rss))
                    {
                        _highest[process.Id] = m;
                    }
                }
            }
        }

        /// <summary>A query's rows as a dictionary, one entry a row.</summary>
        private async Task<Dictionary<TKey, TValue>> RowsAsync<TKey, TValue>(
            string sql, Func<DbDataReader, (TKey Key, TValue Value)> row, IEqualityComparer<TKey>? comparer = null)
            where TKey : notnull
        {
            await using var db = Open();
            await using var command = db.CreateCommand();
            command.CommandText = sql;
            var result = new Dictionary<TKey, TValue>(comparer);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var (key, value) = row(reader);
                result[key] = value;
            }

            return result;
        }

        private DbConnection Open()
        {
            DbConnection db = _postgres
                ? new NpgsqlConnection(_connection)
                : new SqliteConnection(new SqliteConnectionStringBuilder(_connection) { Mode = SqliteOpenMode.ReadOnly }.ToString());
            db.Open();
            return db;
        }

        private static async Task<long> ScalarAsync(DbConnection db, string sql)
        {
            await using var command = db.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        /// <summary>A process's resident set from /proc/pid/status, in kB.</summary>
        private sealed record MemoryStatus(long Rss, long Anon, long File, long Shmem)
        {
            public static MemoryStatus? Read(int pid)
            {
                try
                {
                    var fields = System.IO.File.ReadLines($"/proc/{pid}/status")
                        .Select(l => l.Split(':', 2))
                        .Where(p => p.Length == 2)
                        .ToDictionary(p => p[0], p => p[1].Trim().Split(' ')[0]);
                    long Kb(string name) => fields.TryGetValue(name, out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : 0;
                    return new MemoryStatus(Kb("VmRSS"), Kb("RssAnon"), Kb("RssFile"), Kb("RssShmem"));
                }
                catch (IOException)
                {
                    return null;
                }
            }
        }

        private static long VmHwm(int pid)
        {
            try
            {
                var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }
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
