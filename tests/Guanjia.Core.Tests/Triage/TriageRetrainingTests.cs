using Guanjia.Core.Tests.Scheduling;
using Guanjia.Core.Tickets;
using Guanjia.Core.Triage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guanjia.Core.Tests.Triage;

public sealed class TriageRetrainingTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 2, 30, 0, SchedulingWorld.Shanghai);

    private readonly SchedulingWorld _world = new(Start);
    private readonly string _saved = Path.Combine(Path.GetTempPath(), "guanjia-triage-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _world.Dispose();
        if (Directory.Exists(_saved))
        {
            Directory.Delete(_saved, recursive: true);
        }
        else if (File.Exists(_saved))
        {
            File.Delete(_saved);
        }
    }

    [Fact]
    public async Task Corrections_AreRecategorisedOrRedispatchedTickets_WithTheirFinalCategory()
    {
        Ticket("鸽子笼搭在天台上住了人", "rental", Event("recategorised", "wangli"));
        Ticket("路口井盖丢了", "public-works", Event("dispatched", "guanjia"), Event("dispatched", "wangli"));
        Ticket("垃圾桶满了", "garbage", Event("dispatched", "guanjia"));
        Ticket("看不懂的一句话", "other", Event("recategorised", "wangli"));

        var corrections = await Retraining(Triage()).CorrectionsAsync(CancellationToken.None);

        Assert.Equal(
            [("鸽子笼搭在天台上住了人", "rental"), ("路口井盖丢了", "public-works")],
            corrections.Select(c => (c.Text, c.Category)).ToArray());
    }

    [Fact]
    public async Task Retrain_TrainsCorpusAndCorrections_SavesAndSwapsTheModel()
    {
        Ticket("鸽子笼搭在天台上住了人", "rental", Event("recategorised", "wangli"));
        var triage = Triage();
        await triage.WhenReady;
        Assert.Equal("shipped", triage.ModelSource);

        var result = await Retraining(triage).RunAsync(CancellationToken.None);

        Assert.True(result.Swapped);
        Assert.Equal(1, result.Corrections);
        Assert.Equal("saved", triage.ModelSource);
        Assert.Equal(1, triage.ModelManifest.Corrections);
        Assert.Equal(Start, triage.ModelManifest.TrainedAt);
        Assert.True(File.Exists(Path.Combine(_saved, "20261129T183000Z", TriageModelStore.ModelFile)));
        Assert.Equal("rental", triage.Triage("鸽子笼搭在天台上住了人", null, _world.Config.Communities[0]).Candidates.Select(c => c.Code).First());
    }

    [Fact]
    public async Task Start_NewestSavedModel_WinsOverTheShippedOne()
    {
        Ticket("鸽子笼搭在天台上住了人", "rental", Event("recategorised", "wangli"));
        await Retraining(Triage()).RunAsync(CancellationToken.None);
        _world.Time.Advance(TimeSpan.FromDays(1));
        Ticket("天台上的鸽子笼里住了两个人", "rental", Event("recategorised", "wangli"));
        await Retraining(Triage()).RunAsync(CancellationToken.None);

        var restarted = Triage();
        await restarted.WhenReady;

        Assert.Equal("saved", restarted.ModelSource);
        Assert.Equal(Start.AddDays(1), restarted.ModelManifest.TrainedAt);
        Assert.Equal(2, restarted.ModelManifest.Corrections);
    }

    [Fact]
    public async Task Retrain_WhenTheModelCannotBeSaved_KeepsTheOldModel()
    {
        // A file where the model folder should be: saving fails after training.
        await File.WriteAllTextAsync(_saved, "not a folder");
        Ticket("鸽子笼搭在天台上住了人", "rental", Event("recategorised", "wangli"));
        var triage = Triage();
        await triage.WhenReady;
        var before = triage.ModelManifest;

        var result = await Retraining(triage).RunAsync(CancellationToken.None);

        Assert.False(result.Swapped);
        Assert.Equal("shipped", triage.ModelSource);
        Assert.Same(before, triage.ModelManifest);
    }

    // A small corpus keeps each training to a second or two.
    private TicketTriage Triage()
    {
        var knowledge = TriageKnowledge.Load(RepoPaths.TriageKnowledge);
        return new TicketTriage(_world.Config, knowledge with { Examples = [.. knowledge.Examples.Take(150)] }, new TriageModelStore(RepoPaths.TriageKnowledge, _saved));
    }

    private TriageRetraining Retraining(TicketTriage triage) =>
        new(_world.NewDb(), triage, _world.Config, _world.Time, NullLogger<TriageRetraining>.Instance);

    private static TicketEvent Event(string kind, string by) => new() { Kind = kind, By = by, At = Start };

    private void Ticket(string text, string category, params TicketEvent[] events)
    {
        using var db = _world.NewDb();
        var ticket = new Ticket
        {
            Status = TicketStatus.Dispatched,
            Category = category,
            Community = "wuhuashan",
            Department = "wuhuashan-office",
            Reporter = "lihua",
            Text = text,
            Conversation = "wrkSFfCgAAwuhuashan",
            CreatedAt = _world.Time.GetUtcNow(),
            DueAt = _world.Time.GetUtcNow().AddDays(1),
        };
        ticket.Events.AddRange(events);
        db.Tickets.Add(ticket);
        db.SaveChanges();
    }
}
