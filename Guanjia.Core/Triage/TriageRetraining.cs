using Guanjia.Core.Community;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Guanjia.Core.Triage;

/// <summary>What one retraining did.</summary>
/// <param name="Swapped">A new model is in use (false: training or saving failed and the old model stays).</param>
/// <param name="Corrections">Secretaries' corrections (改类, re-派单) trained on.</param>
/// <param name="Examples">All examples trained on (corpus and corrections).</param>
public sealed record TriageRetrainResult(bool Swapped, int Corrections, int Examples);

/// <summary>
/// Learning from the street's corrections: every ticket a secretary re-classified (改类) or
/// re-dispatched (派单 after the first dispatch) is a labelled example — its text and the category
/// it ended with. The nightly job trains the corpus plus these, saves the model under
/// <c>data/triage/</c> and swaps it in atomically; a failed training keeps the old model.
/// </summary>
public sealed partial class TriageRetraining(GuanjiaDbContext db, TicketTriage triage, CommunityConfig config, TimeProvider time, ILogger<TriageRetraining> logger)
{
    public async Task<TriageRetrainResult> RunAsync(CancellationToken cancellationToken)
    {
        var corrections = await CorrectionsAsync(cancellationToken);
        var examples = triage.Knowledge.Examples.Concat(corrections).ToList();
        var at = time.GetUtcNow();
        try
        {
            // CPU-bound for seconds: off the caller's thread (a Quartz worker or the run-now request).
            var model = await Task.Run(() => triage.Train(examples, corrections.Count, at, "saved"), cancellationToken);
            var store = triage.Store ?? throw new InvalidOperationException("Triage has no model store to save to.");
            store.Save(model);
            triage.Swap(model);
            LogRetrained(logger, model.Manifest.Examples, corrections.Count);
            return new TriageRetrainResult(true, corrections.Count, model.Manifest.Examples);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRetrainFailed(logger, e, corrections.Count);
            return new TriageRetrainResult(false, corrections.Count, examples.Count);
        }
    }

    /// <summary>Tickets re-classified or re-dispatched by a person, as labelled reports (their final category).</summary>
    public async Task<IReadOnlyList<LabelledReport>> CorrectionsAsync(CancellationToken cancellationToken)
    {
        var recategorised = TicketLifecycle.Kind(TicketAction.Recategorise);
        var dispatched = TicketLifecycle.Kind(TicketAction.Dispatch);
        var tickets = await db.Tickets.AsNoTracking()
            .Where(t => t.Status != TicketStatus.Cancelled && t.Status != TicketStatus.Merged && t.Category != Category.OtherCode)
            .Where(t => db.TicketEvents.Any(e => e.TicketNumber == t.Number
                && (e.Kind == recategorised || (e.Kind == dispatched && e.By != TicketActors.System))))
            .OrderBy(t => t.Number)
            .Select(t => new { t.Text, t.Category, t.Urgent, t.Compound, t.Community })
            .ToListAsync(cancellationToken);
        return [.. tickets
            .Where(t => config.FindCategory(t.Category) is not null)
            .Select(t => new LabelledReport { Text = t.Text, Category = t.Category, Urgent = t.Urgent, Compound = t.Compound, Community = t.Community })];
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Triage model retrained on {Examples} examples ({Corrections} corrections) and swapped in")]
    private static partial void LogRetrained(ILogger logger, int examples, int corrections);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Triage retraining failed ({Corrections} corrections); the previous model stays in use")]
    private static partial void LogRetrainFailed(ILogger logger, Exception exception, int corrections);
}
