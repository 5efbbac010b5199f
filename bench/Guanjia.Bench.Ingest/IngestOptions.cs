using System.Globalization;

namespace Guanjia.Bench.Ingest;

internal sealed record IngestOptions(
    TimeSpan Duration, TimeSpan Warmup, int Concurrency, string RepoRoot, string BotDll, TimeSpan DrainTimeout)
{
    public static IngestOptions Parse(string[] args)
    {
        var duration = TimeSpan.FromSeconds(20);
        var warmup = TimeSpan.FromSeconds(30);
        var concurrency = 16;
        var drain = TimeSpan.FromMinutes(20);
        string? root = null;
        string? bot = null;
        for (var i = 0; i < args.Length - 1; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--duration": duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--warmup": warmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--concurrency": concurrency = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--drain-timeout": drain = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--repo": root = value; break;
                case "--bot": bot = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}");
            }
        }

        root ??= FindRepoRoot();
        bot ??= Path.Combine(root, "Guanjia.Bot", "bin", "Release", "net10.0", "Guanjia.Bot.dll");
        return new IngestOptions(duration, warmup, concurrency, root, bot, drain);
    }

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
