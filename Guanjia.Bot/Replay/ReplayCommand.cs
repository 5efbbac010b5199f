using Guanjia.Bot.Sandbox;
using Spectre.Console;

namespace Guanjia.Bot.Replay;

/// <summary><c>dotnet run --project Guanjia.Bot -- replay &lt;file&gt; [--url http://127.0.0.1:5080] [--keys data/sandbox.json] [--no-delay]</c>.</summary>
internal static class ReplayCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var console = AnsiConsole.Console;
        string? file = null;
        var url = "http://127.0.0.1:5080";
        var keysFile = "data/sandbox.json";
        var skipDelays = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--url" when i + 1 < args.Length:
                    url = args[++i];
                    break;
                case "--keys" when i + 1 < args.Length:
                    keysFile = args[++i];
                    break;
                case "--no-delay":
                    skipDelays = true;
                    break;
                default:
                    file ??= args[i];
                    break;
            }
        }

        if (file is null || !File.Exists(file))
        {
            console.MarkupLine("[red]用法[/]：dotnet run --project Guanjia.Bot -- replay <文件.jsonl> [[--url http://127.0.0.1:5080]] [[--keys data/sandbox.json]] [[--no-delay]]");
            if (file is not null)
            {
                console.MarkupLineInterpolated($"找不到文件 {file}");
            }

            return 2;
        }

        if (SandboxKeys.TryLoad(keysFile) is not { } keys)
        {
            console.MarkupLineInterpolated($"[red]找不到沙盒密钥[/] {keysFile}：请先在沙盒模式下启动服务（dotnet run --project Guanjia.Bot）。");
            return 2;
        }

        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseAddress))
        {
            console.MarkupLineInterpolated($"[red]--url 无效[/]：{url}");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var runner = new ReplayRunner(http, keys, console, TimeProvider.System) { SkipDelays = skipDelays };
        var summary = await runner.RunAsync(ReplayScript.Load(file));
        return summary.Failures.Count == 0 ? 0 : 1;
    }
}
