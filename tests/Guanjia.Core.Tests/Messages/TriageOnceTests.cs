using Guanjia.Core.Messages;
using Guanjia.Core.Tests.Commands;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Messages;

/// <summary>A report is triaged once: the classifier's decision carries the triage the report handler takes.</summary>
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class TriageOnceTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Report_CarriesItsTriage_AndTheTicketIsMadeFromIt()
    {
        const string text = "74号院门口有股很浓的煤气味";
        var (inboxId, message) = await _h.StoreAsync("lihua", text, Wuhuashan);
        await using var db = _h.NewDb();
        var classifier = new MessageClassifier(db, Config, SharedTicketTriage, _h.Settings, _h.Time);

        var decision = await classifier.ClassifyAsync(new Inbound(inboxId, message, []), CancellationToken.None);

        var report = Assert.IsType<MessageDecision.Report>(decision);
        Assert.NotNull(report.Triage);
        Assert.NotNull(report.Triage.Conversation);
        var fresh = SharedTicketTriage.Triage(text, report.Person, report.Community);
        Assert.Equal((fresh.CategoryCode, fresh.Urgent, fresh.DepartmentId, fresh.CompoundId), (report.Triage.CategoryCode, report.Triage.Urgent, report.Triage.DepartmentId, report.Triage.CompoundId));

        await _h.ProcessAsync(inboxId);
        var ticket = await _h.TicketAsync(1);
        Assert.Equal((fresh.CategoryCode, fresh.Urgent, fresh.DepartmentId), (ticket.Category, ticket.Urgent, ticket.Department));
    }
}
