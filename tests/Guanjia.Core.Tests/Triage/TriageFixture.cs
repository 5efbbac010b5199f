using Guanjia.Core.Community;
using Guanjia.Core.Triage;

namespace Guanjia.Core.Tests.Triage;

/// <summary>The shipped config and knowledge, loaded once per test class.</summary>
public sealed class TriageFixture
{
    public TriageFixture()
    {
        Config = CommunityConfigLoader.Load(RepoPaths.CommunityYaml);
        Knowledge = TriageKnowledge.Load(RepoPaths.TriageKnowledge);
        Triage = TicketTriage.Create(Config, RepoPaths.TriageKnowledge);
    }

    public CommunityConfig Config { get; }

    public TriageKnowledge Knowledge { get; }

    public TicketTriage Triage { get; }

    public TriageResult Run(string text, string userId)
    {
        var person = Config.FindPerson(userId)!;
        return Triage.Triage(text, person, Config.FindCommunity(person.CommunityId!)!);
    }
}
