using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Guanjia.Core.Commands;

/// <summary>
/// Recognises and runs chat commands: the role check, the ticket lookup and scope check, then the
/// handler. A refusal answers with the usage and changes nothing; the caller commits the rest
/// together with marking the inbox message processed, so a command runs exactly once.
/// </summary>
public sealed partial class CommandProcessor(
    GuanjiaDbContext db,
    CommunityConfig config,
    TicketTexts texts,
    StreetCalendar calendar,
    IntakeSettings settings,
    TimeProvider time,
    IServiceProvider services,
    ILogger<CommandProcessor> logger)
{
    public static IReadOnlyList<CommandDefinition> Table => CommandTable.All;

    public static CommandParser Parser { get; } = new(CommandTable.All);

    /// <summary>
    /// Runs the message as a command when it is one. Returns false when it is not (the caller
    /// treats it as a report): also for a quoted "已处理" from someone who is no department member.
    /// </summary>
    public async Task<bool> TryHandleAsync(
        IncomingMessage message, Person person, IReadOnlyList<CommandPhoto> photos, OutboxWriter outbox, string key,
        CancellationToken cancellationToken)
    {
        var parse = Parser.Parse(message.Text, message.QuotedText);
        if (parse.Outcome == ParseOutcome.NotACommand)
        {
            return false;
        }

        if (parse.Outcome == ParseOutcome.Unknown)
        {
            outbox.Reply($"{key}:answer", message, $"没有“{parse.Word}”这个命令。发送“帮助”查看可用的命令。");
            return true;
        }

        var command = parse.Command!;
        if (command.Implicit && config.DepartmentsOf(person.UserId).Count == 0)
        {
            return false;
        }

        var result = await RunAsync(command, message, person, photos, outbox, key, cancellationToken);
        var definition = command.Definition;
        var number = command.Number(0);
        var answer = result.IsRefusal ? $"{result.Answer}\n用法：{definition.Usage}" : result.Answer;
        outbox.Reply($"{key}:answer", message, answer, number);
        var name = definition.Aliases[0];
        if (result.IsRefusal)
        {
            LogRefused(logger, name, person.UserId);
        }
        else
        {
            LogExecuted(logger, name, person.UserId, number);
        }

        return true;
    }

    /// <summary>
    /// Photos the same person sends in the same conversation within the merge window after their
    /// 办结 join that ticket as after-photos and go to the reporter. False when there is no such 办结.
    /// </summary>
    public async Task<bool> TryAttachAfterPhotosAsync(
        IncomingMessage message, Person person, IReadOnlyList<CommandPhoto> photos, OutboxWriter outbox, string key,
        CancellationToken cancellationToken)
    {
        if (photos.Count == 0)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var since = now - settings.MergeWindow;
        var conversation = message.ChatId ?? message.SenderId;
        var kind = TicketLifecycle.Kind(TicketAction.Resolve);
        var number = await db.TicketEvents
            .Where(e => e.Kind == kind && e.By == person.UserId && e.Conversation == conversation && e.At >= since)
            .OrderByDescending(e => e.Id)
            .Select(e => (int?)e.TicketNumber)
            .FirstOrDefaultAsync(cancellationToken);
        var ticket = number is { } n
            ? await db.Tickets.Include(t => t.Photos).Include(t => t.Events).AsSplitQuery().FirstOrDefaultAsync(t => t.Number == n, cancellationToken)
            : null;
        if (ticket is null)
        {
            return false;
        }

        var added = new List<string>();
        foreach (var photo in photos)
        {
            TicketCommands.AddAfterPhoto(ticket, photo, now, added);
        }

        ticket.Events.Add(new TicketEvent
        {
            At = now,
            Kind = "photo-added",
            By = person.UserId,
            Note = $"处理后照片 {added.Count} 张",
            Conversation = conversation,
            Photos = added.Count > 0 ? string.Join('|', added) : null,
        });
        if (added.Count > 0)
        {
            new TicketNotices(config, texts).ToReporter(outbox, $"{key}:after-photo", ticket, $"工单 #{ticket.Number} 的处理后照片：", added);
        }

        outbox.Reply($"{key}:answer", message, $"处理后照片已补充到工单 #{ticket.Number}。", ticket.Number);
        return true;
    }

    /// <summary>What this person may do in general (before looking at a ticket).</summary>
    public static CommandRoles RolesOf(Person person, CommunityConfig config)
    {
        var roles = CommandRoles.Anyone;
        if (person.HasRole(Person.StewardRole))
        {
            roles |= CommandRoles.Steward | CommandRoles.Reporter;
        }

        if (person.HasRole(Person.SecretaryRole))
        {
            roles |= CommandRoles.Secretary;
        }

        if (person.HasRole(Person.AdminRole))
        {
            roles |= CommandRoles.Admin;
        }

        if (config.DepartmentsOf(person.UserId).Count > 0)
        {
            roles |= CommandRoles.Department;
        }

        if (config.MerchantOf(person.UserId) is not null)
        {
            roles |= CommandRoles.Merchant;
        }

        return roles;
    }

    private async Task<CommandResult> RunAsync(
        ParsedCommand command, IncomingMessage message, Person person, IReadOnlyList<CommandPhoto> photos,
        OutboxWriter outbox, string key, CancellationToken cancellationToken)
    {
        var definition = command.Definition;
        if (definition.Handler is null)
        {
            return CommandResult.Ok($"“{definition.Word}”功能即将开通，敬请期待。");
        }

        var roles = RolesOf(person, config);
        // Anyone may be the reporter of a ticket; that is checked against the ticket below.
        if ((definition.Roles & (roles | CommandRoles.Anyone | CommandRoles.Reporter)) == 0)
        {
            return CommandResult.Refused($"您没有使用“{definition.Word}”的权限（{WhoMay(definition.Roles)}可用）。");
        }

        if (command.Problem is { } problem)
        {
            return CommandResult.Refused($"命令不完整：{problem}。");
        }

        var chat = message.ChatId is { } chatId ? config.ResolveChat(chatId) : null;
        Ticket? ticket = null;
        if (definition.TakesTicket && command.Number(0) is { } number)
        {
            ticket = await db.Tickets.Include(t => t.Photos).Include(t => t.Events).AsSplitQuery()
                .FirstOrDefaultAsync(t => t.Number == number, cancellationToken);
            if (ticket is null)
            {
                return CommandResult.Refused($"没有找到工单 #{number}，请核对单号。");
            }

            var scope = TicketScope.Check(definition.Roles, ticket, person, chat, config);
            if (scope is not null)
            {
                return CommandResult.Refused(scope);
            }
        }

        var context = new CommandContext
        {
            Db = db,
            Config = config,
            Texts = texts,
            Notices = new TicketNotices(config, texts),
            Calendar = calendar,
            Settings = settings,
            Outbox = outbox,
            Services = services,
            Table = Table,
            Message = message,
            Person = person,
            Chat = chat,
            Conversation = message.ChatId ?? message.SenderId,
            Key = key,
            Now = time.GetUtcNow(),
            Time = time,
            Command = command,
            Ticket = ticket,
            Photos = photos,
        };
        return await definition.Handler(context, cancellationToken);
    }

    private static string WhoMay(CommandRoles roles)
    {
        var who = new List<string>();
        if (roles.HasFlag(CommandRoles.Secretary))
        {
            who.Add("社区书记");
        }

        if (roles.HasFlag(CommandRoles.Admin))
        {
            who.Add("街道管理员");
        }

        if (roles.HasFlag(CommandRoles.Department))
        {
            who.Add("承办部门成员");
        }

        if (roles.HasFlag(CommandRoles.Reporter))
        {
            who.Add("上报人");
        }

        if (roles.HasFlag(CommandRoles.Steward))
        {
            who.Add("小巷管家");
        }

        if (roles.HasFlag(CommandRoles.Merchant))
        {
            who.Add("联盟商户");
        }

        return string.Join("、", who);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Command {Command} by {UserId} on #{Number}")]
    private static partial void LogExecuted(ILogger logger, string command, string userId, int? number);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Command {Command} by {UserId} refused")]
    private static partial void LogRefused(ILogger logger, string command, string userId);
}
