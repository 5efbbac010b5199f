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
        var office = community is not null && ticket.Department == community.Office;
        var reporter = office
            ? config.FindPerson(ticket.Reporter)?.Name ?? ticket.Reporter
            : $"小巷管家（{community?.Name ?? ticket.Community}）";
        var content = texts.Dispatch(ticket, reporter);
        var photos = ticket.Photos.Where(p => p.Stage == PhotoStages.Before).Select(p => p.PhotoId).ToList();
        if (ticket.Confidential && office)
        {
            // The community office's group is often the community's own group: a tip goes to its members 1:1.
            outbox.ToPeople($"{key}:dispatch", department.Members, OutboxKind.Markdown, content, ticket.Number);
            var i = 0;
            foreach (var photo in photos)
            {
                outbox.ToPeople($"{key}:dispatch:photo:{i++}", department.Members, OutboxKind.Image, photo, ticket.Number);
            }

            return;
        }

        // A card with 接单 / 退回 / 办结 where WeCom delivers one (the bot's long connection), else the markdown.
        outbox.CardToDepartment($"{key}:dispatch", department, TicketCards.Dispatch(texts, ticket, reporter, outbox.Routes.TicketUrl(ticket.Number)),
            content, ticket.Number, urgent: ticket.Urgent);
        var index = 0;
        foreach (var photo in photos)
        {
            outbox.ToDepartment($"{key}:dispatch:photo:{index++}", department, OutboxKind.Image, photo, ticket.Number, urgent: ticket.Urgent);
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

    /// <summary>
    /// To the ticket's department; for a confidential tip held by the community office (whose group is
    /// often the community's own) to the office's members 1:1 instead.
    /// </summary>
    public void ToParty(OutboxWriter outbox, string key, Ticket ticket, OutboxKind kind, string content)
    {
        if (config.FindDepartment(ticket.Department) is not { } department)
        {
            return;
        }

        if (ticket.Confidential && config.FindCommunity(ticket.Community)?.Office == department.Id)
        {
            outbox.ToPeople(key, department.Members, kind, content, ticket.Number);
            return;
        }

        outbox.ToDepartment(key, department, kind, content, ticket.Number);
    }

    public void ToDepartment(OutboxWriter outbox, string key, string departmentId, string content, int ticket)
    {
        if (config.FindDepartment(departmentId) is { } department)
        {
            outbox.ToDepartment(key, department, OutboxKind.Markdown, content, ticket);
        }
    }

    /// <summary>To the community's group; a confidential tip's news goes to its secretaries 1:1 instead.</summary>
    public void ToCommunity(OutboxWriter outbox, string key, Ticket ticket, string content)
    {
        if (config.FindCommunity(ticket.Community) is not { } community)
        {
            return;
        }

        if (ticket.Confidential)
        {
            outbox.ToPeople(key, Secretaries(community.Id), OutboxKind.Text, content, ticket.Number);
            return;
        }

        outbox.ToCommunity(key, community, content, ticket.Number, config);
    }

    /// <summary>The community's secretaries, who read confidential tips in their 1:1 chats.</summary>
    public IReadOnlyList<string> Secretaries(string communityId) =>
        [.. config.People.Where(p => p.CommunityId == communityId && p.HasRole(Person.SecretaryRole)).Select(p => p.UserId)];

    /// <summary>
    /// A confidential tip in full (text, place, reporter, photos) to each of the community's
    /// secretaries, in their 1:1 chats: the community office's group is often the community's own.
    /// </summary>
    public void ConfidentialToSecretaries(OutboxWriter outbox, string key, Ticket ticket)
    {
        var secretaries = Secretaries(ticket.Community);
        if (secretaries.Count == 0)
        {
            return;
        }

        var reporter = config.FindPerson(ticket.Reporter)?.Name ?? ticket.Reporter;
        outbox.ToPeople(key, secretaries, OutboxKind.Text, texts.ConfidentialCopy(ticket, reporter), ticket.Number);
        var index = 0;
        foreach (var photo in ticket.Photos)
        {
            outbox.ToPeople($"{key}:photo:{index++}", secretaries, OutboxKind.Image, photo.PhotoId, ticket.Number);
        }
    }

    /// <summary>
    /// Tells the reporter where they reported: the community group when the report came from it (they are
    /// mentioned there), otherwise their 1:1 chat with the app. Photos follow the text. On 办结 the rating card
    /// goes the same way where WeCom delivers it: the bot's long connection to the chat, or the app's 1:1 card.
    /// </summary>
    public void ToReporter(OutboxWriter outbox, string key, Ticket ticket, string content, IEnumerable<string>? photoIds = null)
    {
        var community = config.FindCommunity(ticket.Community);
        // A confidential tip's news never goes to the group, even when it was reported there.
        var inGroup = !ticket.Confidential && community is not null && ticket.Conversation == community.ChatId && outbox.ReachesGroup(community);
        OutboxCard? rating = null;
        if (ticket.Status == TicketStatus.Resolved && key.EndsWith(":resolved", StringComparison.Ordinal)
            && !(ticket.Confidential && ticket.Conversation != ticket.Reporter))
        {
            rating = TicketCards.Rating(texts, ticket, outbox.Routes.TicketUrl(ticket.Number), inGroup);
        }

        var index = 0;
        if (inGroup)
        {
            // In the group the reporter is named, so the notice (and the card below it) reaches them.
            var cardInChat = rating is not null && outbox.Routes.BotChats;
            outbox.ToCommunity(key, community!, OutboxTexts.MentionReply(ticket.Reporter, cardInChat ? content + TicketCards.RatingBelow(ticket.Number) : content), ticket.Number, config);
            if (cardInChat)
            {
                outbox.TryCardToChat($"{key}:rating", ticket.Conversation, rating!, ticket.Number);
            }

            foreach (var photo in photoIds ?? [])
            {
                outbox.ToCommunity($"{key}:photo:{index++}", community!, photo, ticket.Number, config, OutboxKind.Image);
            }

            return;
        }

        if (rating is not null
            && (outbox.TryCardToChat($"{key}:rating", ticket.Conversation, rating, ticket.Number)
                || outbox.TryCardToPeople($"{key}:rating", [ticket.Reporter], rating, ticket.Number)))
        {
            content += TicketCards.RatingBelow(ticket.Number);
        }

        outbox.ToPeople(key, [ticket.Reporter], OutboxKind.Text, content, ticket.Number);
        foreach (var photo in photoIds ?? [])
        {
            outbox.ToPeople($"{key}:photo:{index++}", [ticket.Reporter], OutboxKind.Image, photo, ticket.Number);
        }
    }
}
