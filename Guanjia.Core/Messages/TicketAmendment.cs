using Guanjia.Core.Commands;
using Guanjia.Core.Community;
using Guanjia.Core.Outbox;
using Guanjia.Core.Scheduling;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Guanjia.Core.Triage;

namespace Guanjia.Core.Messages;

/// <summary>
/// Completes a ticket with what its reporter (or a secretary) adds afterwards — a place, a detail,
/// photos — whether said as a follow-up message or as <c>补充 单号 …</c>. A new place re-routes the
/// ticket through <see cref="TicketLifecycle"/> when it changes who must act.
/// </summary>
public sealed class TicketAmendment(GuanjiaDbContext db, CommunityConfig config, TicketTexts texts)
{
    private const int MaxText = 2000;

    // Words besides the place that add nothing ("是文林街7号院", "在74号院").
    private const int PlaceOnlyRemainder = 2;

    /// <summary>Applies the addition and tells the parties; returns the answer to the sender.</summary>
    public async Task<string> AmendAsync(
        Ticket ticket, string text, IReadOnlyList<CommandPhoto> photos, string by, string? conversation, DateTimeOffset now,
        OutboxWriter outbox, string key, CancellationToken cancellationToken)
    {
        var notices = new TicketNotices(config, texts);
        var wasConfidential = ticket.Confidential;
        var said = new List<string>();
        var toDepartment = new List<string>();
        var redispatched = false;

        var reporter = config.FindPerson(ticket.Reporter);
        var community = config.FindCommunity(ticket.Community);
        var named = text.Length == 0 ? null : Places.For(config).FindNamed(text, reporter, community);
        var remainder = named is null ? text : text.Remove(named.Start, named.Length);
        if (named is not null && named.Compound.Id != ticket.Compound)
        {
            var compound = named.Compound;
            ticket.Compound = compound.Id;
            if (compound.CommunityId != ticket.Community && config.FindCommunity(compound.CommunityId) is { } other)
            {
                ticket.Community = other.Id;
                community = other;
            }

            TicketLifecycle.Record(ticket, TicketEventKinds.PlaceAdded, by, now, compound.Name, conversation);
            var category = config.FindCategory(ticket.Category) ?? config.OtherCategory;
            var department = community is null || ticket.LowConfidence ? ticket.Department : Router.Route(category, compound, community);
            if (department != ticket.Department && TicketLifecycle.CanApply(ticket.Status, TicketAction.Dispatch))
            {
                // A new party: its reminder thresholds start over, the old party is told to stand down.
                await ReminderScan.ResetAsync(db, ticket.Number, cancellationToken);
                TicketRouting.Redispatch(ticket, department, by, now, $"地点补充为{compound.Name}，改派{texts.DepartmentName(department)}",
                    conversation, outbox, notices, texts, key);
                redispatched = true;
                said.Add($"地点：{texts.Place(ticket)}，已改派{texts.DepartmentName(department)}");
            }
            else
            {
                said.Add($"地点：{texts.Place(ticket)}");
                toDepartment.Add($"地点：{texts.Place(ticket)}");
            }
        }

        if (ConversationRecognizer.Core(remainder).Length > PlaceOnlyRemainder || (named is null && text.Length > 0))
        {
            var detail = text.Length > MaxText ? text[..MaxText] : text;
            var joined = $"{ticket.Text}\n补充：{detail}";
            ticket.Text = joined.Length > MaxText ? joined[..MaxText] : joined;
            TicketLifecycle.Record(ticket, TicketEventKinds.DetailAdded, by, now, detail, conversation);
            // A detail can make a tip confidential (drugs named afterwards); it never stops being one.
            ticket.Confidential |= ConfidentialTips.Cue(detail) is not null;
            said.Add("补充说明");
            toDepartment.Add($"补充说明：{MarkdownText.Inert(detail)}");
        }

        var added = new List<string>();
        foreach (var photo in photos)
        {
            if (ticket.AttachPhoto(photo.Id, PhotoStages.Before, photo.Width, photo.Height, photo.PerceptualHash, now))
            {
                added.Add(photo.Id);
            }
        }

        if (added.Count > 0)
        {
            TicketLifecycle.Record(ticket, TicketEventKinds.PhotoAdded, by, now, $"{added.Count} 张", conversation, added);
            said.Add($"照片 {added.Count} 张");
        }

        // The redispatch already carries the text and every photo to the new party.
        if (!redispatched && ticket.Status is TicketStatus.Dispatched or TicketStatus.Accepted)
        {
            if (toDepartment.Count > 0)
            {
                notices.ToParty(outbox, $"{key}:amended", ticket, OutboxKind.Markdown,
                    $"**工单 #{ticket.Number} 补充**\n> {string.Join("\n> ", toDepartment)}");
            }

            var index = 0;
            foreach (var photo in added)
            {
                notices.ToParty(outbox, $"{key}:photo:{index++}", ticket, OutboxKind.Image, photo);
            }
        }

        if (ticket.Confidential && !wasConfidential)
        {
            notices.ConfidentialToSecretaries(outbox, $"{key}:confidential", ticket);
        }

        return said.Count == 0
            ? $"工单 #{ticket.Number} 没有新的内容需要补充。"
            // A confidential tip's answer may be read in a group: no place, no detail.
            : ticket.Confidential ? $"已补充到工单 #{ticket.Number}。"
            : $"已补充到工单 #{ticket.Number}：{string.Join("；", said)}。";
    }
}
