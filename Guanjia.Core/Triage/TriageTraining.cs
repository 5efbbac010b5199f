using Guanjia.Core.Community;

namespace Guanjia.Core.Triage;

/// <summary>Training the shipped model (the <c>triage-train</c> command).</summary>
public static class TriageTraining
{
    /// <summary>Trains on the knowledge directory's corpus and writes model.zip + model.json into it.</summary>
    public static TriageModelManifest TrainShipped(CommunityConfig config, string knowledgeDirectory, TimeProvider time)
    {
        var knowledge = TriageKnowledge.Load(knowledgeDirectory);
        var triage = new TicketTriage(config, knowledge);
        var model = triage.Train(knowledge.Examples, corrections: 0, time.GetUtcNow(), "shipped");
        TriageModelStore.WriteTo(knowledgeDirectory, model);
        return model.Manifest;
    }
}
