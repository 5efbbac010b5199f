using System.Runtime;
using Guanjia.Core.Triage;

namespace Guanjia.Bot.Hosting;

/// <summary>
/// Once the triage model has loaded, collects the start-up garbage in one compacting collection
/// (the large object heap included) and returns it to the system. Loading the model and the word
/// segmenter's dictionary leaves tens of MB of dead buffers on the large object heap, which a busy
/// service would otherwise carry until its first full collection, on top of its peak under load
/// (docs/benchmarks.md, "RSS").
/// </summary>
internal sealed partial class StartupMemory(TicketTriage triage, ILogger<StartupMemory> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await triage.WhenReady.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception)
        {
            // TriageWarmUp reports a model that failed to load; there is nothing to release then.
            return;
        }

        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        LogReleased(logger, before >> 20, after >> 20);
    }

    [LoggerMessage(EventId = 1190, Level = LogLevel.Information, Message = "Start-up garbage collected: GC heap committed {BeforeMb} MB -> {AfterMb} MB")]
    private static partial void LogReleased(ILogger logger, long beforeMb, long afterMb);
}
