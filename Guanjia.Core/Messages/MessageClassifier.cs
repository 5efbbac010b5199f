using Guanjia.Core.Commands;
using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Operations;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Guanjia.Core.Triage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Messages;

/// <summary>
/// Decides once what an incoming message is. Reads the roster, the chat and the sender's recent
/// tickets; changes nothing. Each decision has one handler (<see cref="IntakeProcessor"/> hands it
/// over), and no handler asks the classifier again.
/// </summary>
public sealed class MessageClassifier(
    GuanjiaDbContext db,
    CommunityConfig config,
    TicketTriage triage,
    IntakeSettings settings,
    TimeProvider time,
    GuanjiaMetrics? metrics = null)
{
    // A follow-up's words besides the place that say nothing new ("是", "在", "就在…那边").
    private const int ShortRemainder = 6;

    private static readonly ConversationGateSettings Gate = ConversationGateSettings.Default;

    private readonly PlaceResolver _places = Places.For(config);

    public async Task<MessageDecision> ClassifyAsync(Inbound inbound, CancellationToken cancellationToken)
    {
        var message = inbound.Message;
        var person = config.FindPerson(message.SenderId) ?? DepartmentMember(message.SenderId);
        var merchant = person is null ? config.MerchantOf(message.SenderId) : null;
        if (person is null && merchant is null)
        {
            return new MessageDecision.Refuse("refused", MessageTexts.NotOnRoster);
        }

        // Merchants are not on the roster of people; they only redeem vouchers.
        person ??= new Person(message.SenderId, merchant!.Name, [], null, []);

        // A location (app 1:1) is a steward's proof of patrol, never a report.
        if (message.Location is { } location)
        {
            return new MessageDecision.Location(person, location);
        }

        var parse = CommandProcessor.Parser.Parse(message.Text, message.QuotedText);
        if (parse is { Outcome: ParseOutcome.Command, Command: { Problem: null } onTheSpot }
            && onTheSpot.Definition.Word == CommandTable.OnTheSpotWord && person.HasRole(Person.StewardRole))
        {
            // 随手办 is a report of a problem already settled: intake records it, with its photo.
            var place = CommunityOf(message, person, out var elsewhere);
            if (elsewhere is not null)
            {
                return elsewhere;
            }

            if (place is not null)
            {
                return new MessageDecision.OnTheSpot(person, place, onTheSpot.Value(0) ?? "", null);
            }
        }

        switch (parse.Outcome)
        {
            case ParseOutcome.Unknown:
                return new MessageDecision.UnknownCommand(parse.Word ?? "");
            // A quoted "已处理" is 办结 only from a department member; from anyone else it is text.
            case ParseOutcome.Command when !parse.Command!.Implicit || config.DepartmentsOf(person.UserId).Count > 0:
                return new MessageDecision.Command(parse.Command!, person);
        }

        if (merchant is not null)
        {
            return new MessageDecision.Refuse("merchant", MessageTexts.Merchant);
        }

        var text = inbound.Text;
        var triaged = new TriageOnce(triage, text, person, time, metrics);

        // Small talk the lexicon reads (收到, 好的谢谢) is answered before it could pass for a follow-up's detail.
        if (text.Length > 0 && inbound.Stored.Count == 0 && ConversationGate.LexiconMayMatch(text, Gate)
            && (HomeCommunity(person) is not { } home || ConversationGate.Lexicon(text, triaged.For(home), photo: false, Gate) is not null))
        {
            return new MessageDecision.Conversation(ConversationRecognizer.KindOf(text));
        }

        if (inbound.Stored.Count == 0 && inbound.Failures.Count > 0 && text.Length == 0)
        {
            // A photo that never arrived is no report and no after-photo: say so, keep nothing.
            return new MessageDecision.PhotoFailed();
        }

        var community = CommunityOf(message, person, out var refusal);
        if (refusal is not null)
        {
            return refusal;
        }

        if (community is null)
        {
            // A department group (or a department member's 1:1) takes commands and after-photos only.
            if (text.Length > 0 || inbound.Stored.Count == 0)
            {
                return new MessageDecision.Refuse("department-hint", MessageTexts.DepartmentHint);
            }

            return await RecentResolveAsync(person, inbound, cancellationToken) is { } done
                ? new MessageDecision.AfterPhoto(person, done)
                : new MessageDecision.HoldPhotos(person, ForDone: true);
        }

        if (text.Length == 0 && inbound.Stored.Count == 0)
        {
            return new MessageDecision.Refuse("empty", MessageTexts.Empty);
        }

        if (text.Length == 0)
        {
            if (await RecentResolveAsync(person, inbound, cancellationToken) is { } done)
            {
                return new MessageDecision.AfterPhoto(person, done);
            }

            // The photo that proves a 随手办 said just before, or a further photo of one just recorded.
            if (inbound.Stored.Count > 0 && await OnTheSpotDraftAsync(person, inbound, cancellationToken) is { } draft)
            {
                return new MessageDecision.OnTheSpot(person, community, draft.Text, draft);
            }

            if (inbound.Stored.Count > 0 && await RecentOnTheSpotAsync(person, inbound, cancellationToken) is { } settled)
            {
                return new MessageDecision.OnTheSpotPhoto(person, settled);
            }

            // A photo after its text (1:1 chats send them separately) joins the sender's recent ticket.
            return await RecentReportAsync(person, inbound, cancellationToken) is { } recent
                ? new MessageDecision.FollowUp(person, recent)
                : new MessageDecision.HoldPhotos(person, ForDone: false);
        }

        // Conversation long enough for the gate's model to read, naming no place (谢谢，这么快就弄好了 after a report), is
        // answered before it could pass for a follow-up; a short detail (在3楼) or a place is left to the follow-up.
        var result = triaged.For(community);
        if (inbound.Stored.Count == 0 && !result.NamesPlace && ConversationRecognizer.Core(text).Length > ShortRemainder
            && ConversationGate.Decide(text, result, photo: false, Gate) is { } chat)
        {
            return new MessageDecision.Conversation(chat);
        }

        // A reply quoting the acknowledgement of one's own open ticket adds to it.
        if (CommandParser.QuotedTicket(message.QuotedText) is { } quoted
            && await OwnOpenTicketAsync(person, quoted, cancellationToken) is { } target
            && !IsNewProblem(text, person, community, target, triaged))
        {
            return new MessageDecision.FollowUp(person, target);
        }

        if (await RecentReportAsync(person, inbound, cancellationToken) is { } previous
            && !IsNewProblem(text, person, community, previous, triaged))
        {
            return new MessageDecision.FollowUp(person, previous);
        }

        if (ConversationGate.Decide(text, result, photo: inbound.Stored.Count > 0, Gate) is { } talk)
        {
            return new MessageDecision.Conversation(talk);
        }

        return new MessageDecision.Report(person, community, result);
    }

    /// <summary>
    /// Whether <paramref name="text"/>, said shortly after <paramref name="ticket"/>, is a different
    /// problem (a new report) rather than the place, a detail or a restatement of the same one.
    /// </summary>
    internal bool IsNewProblem(string text, Person person, CommunityInfo community, Ticket ticket, TriageOnce? triaged = null)
    {
        var named = _places.FindNamed(text, person, community);
        var remainder = named is null ? text : text.Remove(named.Start, named.Length);
        var speaks = ConversationRecognizer.SpeaksOfAProblem(StripPlaceWords(remainder));
        if (!speaks && ConversationRecognizer.Core(remainder).Length <= ShortRemainder)
        {
            return false;
        }

        if (!speaks && named is not null && (ticket.Compound is null || ticket.Compound == named.Compound.Id))
        {
            return false;
        }

        var result = (triaged ?? new TriageOnce(triage, text, person, time, metrics)).For(community);
        var sameCategory = result.CategoryCode == ticket.Category || result.BestGuessCode == ticket.Category;
        if (named is not null && ticket.Compound is not null && named.Compound.Id != ticket.Compound)
        {
            // Another place with a problem of its own is another report.
            return speaks;
        }

        return speaks && !sameCategory;
    }

    // The community a text is triaged in before the chat's is known (the sender's own, else the first).
    private CommunityInfo? HomeCommunity(Person person) =>
        (person.CommunityId is { } id ? config.FindCommunity(id) : null) ?? (config.Communities.Count > 0 ? config.Communities[0] : null);

    // Words that only say where, so "就在74号院门口" is a place, not a problem.
    private static string StripPlaceWords(string text) =>
        text.Replace("门口", "", StringComparison.Ordinal).Replace("楼下", "", StringComparison.Ordinal)
            .Replace("小区", "", StringComparison.Ordinal).Replace("院", "", StringComparison.Ordinal)
            .Replace("号", "", StringComparison.Ordinal).Replace("栋", "", StringComparison.Ordinal)
            .Replace("单元", "", StringComparison.Ordinal).Replace("楼上", "", StringComparison.Ordinal);

    /// <summary>
    /// The community a report from this chat belongs to; null (and no refusal) where the sender
    /// speaks as a department; a refusal where nobody can report.
    /// </summary>
    private CommunityInfo? CommunityOf(IncomingMessage message, Person person, out MessageDecision? refusal)
    {
        refusal = null;
        if (config.FindPerson(person.UserId) is null)
        {
            // A department member who is not also on the roster of people reports nothing.
            return null;
        }

        if (message.ChatId is { } chatId)
        {
            var owner = config.ResolveChat(chatId);
            if (owner?.Community is { } community)
            {
                return community;
            }

            if (owner?.Department is null)
            {
                refusal = new MessageDecision.Refuse("not-community", MessageTexts.NotACommunityGroup);
            }

            return null;
        }

        var own = person.CommunityId is { } id ? config.FindCommunity(id) : null;
        if (own is null && config.DepartmentsOf(person.UserId).Count == 0)
        {
            refusal = new MessageDecision.Refuse("no-community", MessageTexts.NoCommunity);
        }

        return own;
    }

    /// <summary>The ticket this person 办结'd in this chat within the merge window, if any.</summary>
    private async Task<Ticket?> RecentResolveAsync(Person person, Inbound inbound, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - settings.MergeWindow;
        var number = await db.TicketEvents
            .Where(e => e.Kind == TicketEventKinds.Resolved && e.By == person.UserId && e.Conversation == inbound.Conversation && e.At >= since)
            .OrderByDescending(e => e.Id)
            .Select(e => (int?)e.TicketNumber)
            .FirstOrDefaultAsync(cancellationToken);
        return number is { } n ? await LoadAsync(n, cancellationToken) : null;
    }

    /// <summary>This person's open ticket reported in this chat within the merge window, if any.</summary>
    private async Task<Ticket?> RecentReportAsync(Person person, Inbound inbound, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - settings.MergeWindow;
        var number = await IntakeQueries.RecentOpenReport(db, person.UserId, inbound.Conversation, since);
        return number is { } n ? await LoadAsync(n, cancellationToken) : null;
    }

    /// <summary>This person's 随手办 in this chat, within the merge window, still waiting for its photo.</summary>
    private Task<OnTheSpotDraft?> OnTheSpotDraftAsync(Person person, Inbound inbound, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - settings.MergeWindow;
        return db.OnTheSpotDrafts
            .Where(d => d.SenderId == person.UserId && d.Conversation == inbound.Conversation && d.TicketNumber == null && d.ReceivedAt >= since)
            .OrderByDescending(d => d.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>This person's 随手办 recorded in this chat within the merge window (a second photo is its after-photo).</summary>
    private async Task<Ticket?> RecentOnTheSpotAsync(Person person, Inbound inbound, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - settings.MergeWindow;
        var number = await db.Tickets
            .Where(t => t.OnTheSpot && t.Reporter == person.UserId && t.Conversation == inbound.Conversation && t.CreatedAt >= since)
            .OrderByDescending(t => t.Number)
            .Select(t => (int?)t.Number)
            .FirstOrDefaultAsync(cancellationToken);
        return number is { } n ? await LoadAsync(n, cancellationToken) : null;
    }

    private async Task<Ticket?> OwnOpenTicketAsync(Person person, int number, CancellationToken cancellationToken)
    {
        var ticket = await LoadAsync(number, cancellationToken);
        return ticket is not null && ticket.Reporter == person.UserId && ticket.Status.IsOpen() ? ticket : null;
    }

    // Compiled (IntakeQueries): the split query with its includes was rebuilt and hashed for every follow-up check.
    private Task<Ticket?> LoadAsync(int number, CancellationToken cancellationToken) =>
        IntakeQueries.TicketWithDetails(db, number, cancellationToken);

    /// <summary>Department members are listed under their department, not among the people.</summary>
    private Person? DepartmentMember(string userId) =>
        config.DepartmentsOf(userId) is [var first, ..] ? new Person(userId, first.Name, [], null, []) : null;
}

/// <summary>
/// One triage per message: the decision reads it (urgency, the conversation gate, a follow-up's category) and the
/// report handler takes it, so a report is triaged once. Keyed by community (the place and department depend on it).
/// Each triage it runs is timed for the triage-time metric. Without <paramref name="conversation"/> the gate's model is
/// not read (a report of photos alone).
/// </summary>
internal sealed class TriageOnce(TicketTriage triage, string text, Person person, TimeProvider time, GuanjiaMetrics? metrics, bool conversation = true)
{
    private (string Community, TriageResult Result)? _last;

    public TriageResult For(CommunityInfo community)
    {
        if (_last is { } last && last.Community == community.Id)
        {
            return last.Result;
        }

        var started = time.GetTimestamp();
        var result = triage.Triage(text, person, community, conversation);
        metrics?.RecordTriage(time.GetElapsedTime(started));
        _last = (community.Id, result);
        return result;
    }
}

/// <summary>What a message is, decided once by <see cref="MessageClassifier"/>.</summary>
public abstract record MessageDecision
{
    /// <summary>Nothing to do but say why (unknown sender, not a community group, a department group's text…).</summary>
    public sealed record Refuse(string Key, string Answer) : MessageDecision;

    public sealed record Command(ParsedCommand Parsed, Person Person) : MessageDecision;

    /// <summary>A prefixed word that is no command (<c>/abc</c>).</summary>
    public sealed record UnknownCommand(string Word) : MessageDecision;

    /// <summary>Small talk: answered, never a ticket.</summary>
    public sealed record Conversation(ConversationKind Kind) : MessageDecision;

    /// <summary>A new report; <paramref name="Triage"/> is its triage, read once while deciding.</summary>
    public sealed record Report(Person Person, CommunityInfo Community, TriageResult? Triage = null) : MessageDecision;

    /// <summary>The place, a detail or a photo for the sender's recent (or quoted) ticket.</summary>
    public sealed record FollowUp(Person Person, Ticket Ticket) : MessageDecision;

    /// <summary>Photos after this person's 办结 in this chat.</summary>
    public sealed record AfterPhoto(Person Person, Ticket Ticket) : MessageDecision;

    /// <summary>Photos waiting for their text (a report) or for the 办结 they belong to.</summary>
    public sealed record HoldPhotos(Person Person, bool ForDone) : MessageDecision;

    /// <summary>Only photos, and none could be downloaded.</summary>
    public sealed record PhotoFailed : MessageDecision;

    /// <summary>
    /// 随手办: a problem the steward settled on the spot, said with <paramref name="Text"/> (or completed
    /// by its photo, <paramref name="Draft"/> being the text said before).
    /// </summary>
    public sealed record OnTheSpot(Person Person, CommunityInfo Community, string Text, OnTheSpotDraft? Draft) : MessageDecision;

    /// <summary>A further photo for the 随手办 this person recorded in this chat just before.</summary>
    public sealed record OnTheSpotPhoto(Person Person, Ticket Ticket) : MessageDecision;

    /// <summary>A location message: proof of a patrol (<see cref="Points.Patrols"/>).</summary>
    public sealed record Location(Person Person, IncomingLocation Where) : MessageDecision;
}
