using Guanjia.Core.Community;
using Guanjia.Core.Outbox;

namespace Guanjia.Core.Tickets;

/// <summary>The messages a ticket change sends to its department, its community and its reporter.</summary>
public sealed class TicketNotices(CommunityConfig config, TicketTexts texts)
{
    /// <summary>
    /// The dispatch to the ticket's department: markdown, then each before-photo, then for urgent
    /// tickets a text that @-mentions the members. Keys start with <paramref name="key"/>.
    /// </summary>
    public void Dispatch(OutboxWriter outbox, string key, Ticket ticket)
    {
        var department = config.FindDepartment(ticket.Department);
        var community = config.FindCommunity(ticket.Community);
        if (department is null)
        {
            return;
        }

        // Departments outside the community office see "小巷管家" and the community, not the name.
        var reporter = community is not null && ticket.Department == community.Office
            ? config.FindPerson(ticket.Reporter)?.Name ?? ticket.Reporter
            : $"小巷管家（{community?.Name ?? ticket.Community}）";
        // A card with 接单 / 退回 / 办结 where WeCom delivers one (the bot's long connection), else the markdown.
        outbox.CardToDepartment($"{key}:dispatch", department, TicketCards.Dispatch(texts, ticket, reporter, outbox.Routes.TicketUrl(ticket.Number)),
            texts.Dispatch(ticket, reporter), ticket.Number, urgent: ticket.Urgent);
        var index = 0;
        foreach (var photo in ticket.Photos.Where(p => p.Stage == PhotoStages.Before))
        {
            outbox.ToDepartment($"{key}:dispatch:photo:{index++}", department, OutboxKind.Image, photo.PhotoId, ticket.Number, urgent: ticket.Urgent);
        }

        if (ticket.Urgent)
        {
            UrgentMention(outbox, $"{key}:urgent", ticket);
        }
    }

    /// <summary>A text that @-mentions the department's members about an urgent ticket.</summary>
    public void UrgentMention(OutboxWriter outbox, string key, Ticket ticket)
    {
        if (config.FindDepartment(ticket.Department) is { Members.Count: > 0 } department)
        {
            outbox.ToDepartment(key, department, OutboxKind.Text, texts.UrgentMention(ticket), ticket.Number, string.Join('|', department.Members), urgent: true);
        }
    }

    public void ToDepartment(OutboxWriter outbox, string key, string departmentId, string content, int ticket)
    {
        if (config.FindDepartment(departmentId) is { } department)
        {
            outbox.ToDepartment(key, department, OutboxKind.Markdown, content, ticket);
        }
    }

    public void ToCommunity(OutboxWriter outbox, string key, Ticket ticket, string content)
    {
        if (config.FindCommunity(ticket.Community) is { } community)
        {
            outbox.ToCommunity(key, community, content, ticket.Number, config);
        }
    }

    /// <summary>
    /// Tells the reporter where they reported: the community group when the report came from
    /// it, otherwise their 1:1 chat with the app. Photos follow the text.
    /// </summary>
    public void ToReporter(OutboxWriter outbox, string key, Ticket ticket, string content, IEnumerable<string>? photoIds = null)
    {
        var community = config.FindCommunity(ticket.Community);
        var inGroup = community is not null && ticket.Conversation == community.ChatId && community.RobotKey is { Length: > 0 };
        var index = 0;
        if (ticket.Status == TicketStatus.Resolved && key.EndsWith(":resolved", StringComparison.Ordinal))
        {
            // On 办结 the reporter gets the rating card in the chat the report came from, where WeCom delivers it.
            var rating = TicketCards.Rating(texts, ticket, outbox.Routes.TicketUrl(ticket.Number), ticket.Conversation != ticket.Reporter);
            if (outbox.TryCardToChat($"{key}:rating", ticket.Conversation, rating, ticket.Number))
            {
                content += $"\n请在下方卡片评价，或回复“评价 {ticket.Number} 满意|基本满意|不满意”。";
            }
        }

        if (inGroup)
        {
            outbox.ToCommunity(key, community!, content, ticket.Number, config);
            foreach (var photo in photoIds ?? [])
            {
                outbox.ToRobot($"{key}:photo:{index++}", community!.RobotKey!, OutboxKind.Image, photo, ticket.Number);
            }

            return;
        }

        outbox.ToPeople(key, [ticket.Reporter], OutboxKind.Text, content, ticket.Number);
        foreach (var photo in photoIds ?? [])
        {
            outbox.ToPeople($"{key}:photo:{index++}", [ticket.Reporter], OutboxKind.Image, photo, ticket.Number);
        }
    }
}
