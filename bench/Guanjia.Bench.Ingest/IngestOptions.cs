using System.Globalization;

namespace Guanjia.Bench.Ingest;

/// <summary>What to measure: acknowledgements against bare Kestrel, tickets made a second, report→dispatch latency.</summary>
[Flags]
internal enum IngestModes
{
    Acks = 1,
    Tickets = 2,
    Latency = 4,
    All = Acks | Tickets | Latency,
}

internal sealed record IngestOptions(
    TimeSpan Duration, TimeSpan Warmup, int Concurrency, string RepoRoot, string BotDll, TimeSpan DrainTimeout,
    IngestModes Modes, string Storage, string? Postgres, int Instances, int Reports, double Rate,
    TimeSpan LatencyWarmup, TimeSpan LatencyDuration, int Communities, int CompoundsPerCommunity, int TicketWarmup,
    string? Publish, IReadOnlyList<(string Key, string Value)> ServiceEnvironment)
{
    public bool IsPostgres => Storage == "postgres";

    public static IngestOptions Parse(string[] args)
    {
        var duration = TimeSpan.FromSeconds(20);
        var warmup = TimeSpan.FromSeconds(30);
        var concurrency = 16;
        var drain = TimeSpan.FromMinutes(20);
        var modes = IngestModes.All;
        var storage = "sqlite";
        var postgres = Environment.GetEnvironmentVariable("GUANJIA_BENCH_POSTGRES");
        var instances = 1;
        var reports = 60_000;
        var ticketWarmup = 0;
        var rate = 200.0;
        var latencyWarmup = TimeSpan.FromSeconds(10);
        var latencyDuration = TimeSpan.FromSeconds(30);
        var communities = 300;
        var compounds = 4;
        string? root = null;
        string? bot = null;
        string? publish = null;
        var serviceEnvironment = new List<(string, string)>();
        for (var i = 0; i < args.Length - 1; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--duration": duration = Seconds(value); break;
                case "--warmup": warmup = Seconds(value); break;
                case "--concurrency": concurrency = Int(value); break;
                case "--drain-timeout": drain = Seconds(value); break;
                case "--mode": modes = value.Split(',').Aggregate((IngestModes)0, (m, v) => m | Enum.Parse<IngestModes>(v, ignoreCase: true)); break;
                case "--storage": storage = value.ToLowerInvariant(); break;
                case "--postgres": postgres = value; break;
                case "--instances": instances = Int(value); break;
                case "--reports": reports = Int(value); break;
                case "--ticket-warmup": ticketWarmup = Int(value); break;
                case "--rate": rate = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--latency-warmup": latencyWarmup = Seconds(value); break;
                case "--latency-duration": latencyDuration = Seconds(value); break;
                case "--communities": communities = Int(value); break;
                case "--compounds": compounds = Int(value); break;
                case "--repo": root = value; break;
                case "--bot": bot = value; break;
                // What a production instance runs: the service published once to a temp directory (r2r: ReadyToRun,
                // as docs/deploy.md publishes it; il: published without precompiled code, for comparison).
                case "--publish" when value is "r2r" or "il": publish = value; break;
                case "--publish": throw new ArgumentException("--publish is r2r or il");
                // Runtime settings for the service processes only, e.g. --service-env DOTNET_GCgen0size=0x1000000.
                case "--service-env" when value.Split('=', 2) is [var key, var setting] && key.Length > 0:
                    serviceEnvironment.Add((key, setting));
                    break;
                case "--service-env": throw new ArgumentException("--service-env is KEY=VALUE");
                default: throw new ArgumentException($"Unknown option {args[i]}");
            }
        }

        if (storage is not ("sqlite" or "postgres"))
        {
            throw new ArgumentException("--storage is sqlite or postgres");
        }

        if (storage == "postgres" && string.IsNullOrEmpty(postgres))
        {
            throw new ArgumentException("--storage postgres needs --postgres \"Host=…;Username=…\" (or GUANJIA_BENCH_POSTGRES); a database is created per run");
        }

        if (publish is not null && bot is not null)
        {
            throw new ArgumentException("--publish publishes this repository's Guanjia.Bot; it does not go with --bot");
        }

        if (instances > 1 && storage != "postgres")
        {
            throw new ArgumentException("Several instances need --storage postgres (SQLite is one process).");
        }

        root ??= FindRepoRoot();
        bot ??= Path.Combine(root, "Guanjia.Bot", "bin", "Release", "net10.0", "Guanjia.Bot.dll");
        return new IngestOptions(duration, warmup, concurrency, root, bot, drain, modes, storage, postgres, instances, reports, rate,
            latencyWarmup, latencyDuration, communities, compounds, ticketWarmup, publish, serviceEnvironment);
    }

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Guanjia.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository (Guanjia.sln not found).");
    }
}
