using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Guanjia.Bench.Ingest;

/// <summary>The baseline: Kestrel and routing with nothing behind them.</summary>
internal static class BareEndpoint
{
    public static async Task RunAsync(string urls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapGet("/healthz", () => "ok");
        app.MapPost("/wecom/bot/callback", () => "success");
        await app.RunAsync();
    }
}
