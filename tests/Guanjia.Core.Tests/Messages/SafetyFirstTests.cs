using Guanjia.Core.Tests.Commands;
using static Guanjia.Core.Tests.Commands.CommandHarness;

namespace Guanjia.Core.Tests.Messages;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class SafetyFirstTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly CommandHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task GasReport_AcknowledgementStartsWithTheCategorysAdvice()
    {
        var said = await _h.SayAsync("lihua", "74号院3单元楼道里一股很浓的煤气味", Wuhuashan);

        var ticket = await _h.TicketAsync(1);
        Assert.Equal("gas", ticket.Category);
        var advice = Config.FindCategory("gas")!.Advice!;
        Assert.StartsWith($"**{advice}**\n**已受理 #1**", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UrgentReportWithoutAdvice_AcknowledgementStartsWithTheGeneralSafetyLine()
    {
        var said = await _h.SayAsync("lihua", "74号院门口有人拿刀打架，已经见血了", Wuhuashan);

        var ticket = await _h.TicketAsync(1);
        Assert.True(ticket.Urgent);
        Assert.Null(Config.FindCategory(ticket.Category)!.Advice);
        Assert.StartsWith($"**{Guanjia.Core.Tickets.TicketTexts.GeneralSafety}**", said.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrdinaryReport_AcknowledgementHasNoSafetyLine()
    {
        var said = await _h.SayAsync("lihua", "74号院门口垃圾桶满了，溢出来了", Wuhuashan);

        Assert.StartsWith("**已受理 #1**", said.Answer, StringComparison.Ordinal);
    }
}
