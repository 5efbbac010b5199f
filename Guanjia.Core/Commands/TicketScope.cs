using Guanjia.Core.Community;
using Guanjia.Core.Tickets;

namespace Guanjia.Core.Commands;

/// <summary>
/// Whether a person may act on a ticket: secretaries on their community's tickets (in its group
/// or 1:1), department members on their department's queue (in its group or 1:1), the reporter
/// on their own report, admins everywhere.
/// </summary>
public static class TicketScope
{
    /// <summary>Null when allowed; otherwise the Chinese reason.</summary>
    public static string? Check(CommandRoles roles, Ticket ticket, Person person, ChatOwner? chat, CommunityConfig config)
    {
        var admin = person.HasRole(Person.AdminRole);
        var secretary = admin || (person.HasRole(Person.SecretaryRole) && person.CommunityId == ticket.Community);
        var member = config.FindDepartment(ticket.Department)?.Members.Contains(person.UserId, StringComparer.Ordinal) == true;
        var reporter = ticket.Reporter == person.UserId;

        if (roles.HasFlag(CommandRoles.Anyone))
        {
            return secretary || member || reporter ? null : $"工单 #{ticket.Number} 不在您的范围内。";
        }

        var asOffice = (roles & (CommandRoles.Secretary | CommandRoles.Admin)) != 0 && secretary;
        var asMember = roles.HasFlag(CommandRoles.Department) && member;
        var asReporter = roles.HasFlag(CommandRoles.Reporter) && reporter;
        if (!asOffice && !asMember && !asReporter)
        {
            if (roles == CommandRoles.Reporter)
            {
                return $"只有上报人本人可以这样处理工单 #{ticket.Number}。";
            }

            return roles.HasFlag(CommandRoles.Department) && !roles.HasFlag(CommandRoles.Secretary)
                ? $"工单 #{ticket.Number} 不是派给贵单位的，无法处理。"
                : $"工单 #{ticket.Number} 不属于您负责的社区，无法处理。";
        }

        if (chat is null || asReporter || admin)
        {
            return null;
        }

        // In a group, people act for the group they are in: the community's or the department's.
        if (asOffice && chat.Community?.Id == ticket.Community)
        {
            return null;
        }

        if (asMember && chat.Department?.Id == ticket.Department)
        {
            return null;
        }

        return asMember
            ? $"请在本部门群或与我单聊时处理工单 #{ticket.Number}。"
            : $"请在本社区群或与我单聊时处理工单 #{ticket.Number}。";
    }
}
