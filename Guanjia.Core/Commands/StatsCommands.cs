using Guanjia.Core.Community;
using Guanjia.Core.Reports;

namespace Guanjia.Core.Commands;

/// <summary>统计 [今日|本周|本月]: ticket figures for the asker's scope, from <see cref="TicketFigures"/>.</summary>
public static class StatsCommands
{
    public static async Task<CommandResult> StatsAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var scope = Scope(context);
        if (scope is null)
        {
            return CommandResult.Refused("您没有登记所属社区，请在本社区群内发送“统计”。");
        }

        var period = context.Command.Value(0) switch
        {
            "本周" => StatsPeriod.ThisWeek,
            "本月" => StatsPeriod.ThisMonth,
            _ => StatsPeriod.Today,
        };
        var figures = new TicketFigures(context.Db, context.Config, context.Calendar, context.Texts, context.Time);
        return CommandResult.Ok(await figures.FormatStatsAsync(scope, period, cancellationToken));
    }

    /// <summary>
    /// An admin sees the group they speak in (a community's, or a department's), or the whole street
    /// in 1:1; a secretary sees their own community wherever they ask.
    /// </summary>
    public static FiguresScope? Scope(CommandContext context)
    {
        var person = context.Person;
        if (person.HasRole(Person.AdminRole))
        {
            return context.Chat switch
            {
                { Community: { } community } => new FiguresScope(Community: community.Id),
                { Department: { } department } => new FiguresScope(Department: department.Id),
                _ => FiguresScope.All,
            };
        }

        var id = person.CommunityId ?? context.Chat?.Community?.Id;
        return id is null ? null : new FiguresScope(Community: id);
    }
}
