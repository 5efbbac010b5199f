using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Messages;
using Guanjia.Core.Outbox;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Guanjia.Core.Commands;

/// <summary>
/// Runs the chat commands <see cref="Messages.MessageClassifier"/> recognised: the role check, the ticket lookup and scope check, then the
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
    /// Runs a command the classifier recognised and answers in the command's conversation. A
    /// refusal answers with the usage and changes nothing. Photos sent with the command that could
    /// not be kept (<paramref name="photoFailures"/>) are mentioned in the answer.
    /// </summary>
    public async Task HandleAsync(
        ParsedCommand command, IncomingMessage message, Person person, IReadOnlyList<CommandPhoto> photos, IReadOnlyList<string> photoFailures,
        OutboxWriter outbox, string key, CancellationToken cancellationToken)
    {
        var result = await RunAsync(command, message, person, photos, outbox, key, cancellationToken);
        var definition = command.Definition;
        var number = command.Number(0);
        var answer = result.IsRefusal ? $"{result.Answer}\n用法：{definition.Usage}" : result.Answer;
        if (photoFailures.Count > 0)
        {
            answer += "\n" + MessageTexts.PhotoFailures(photoFailures);
        }

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
    }

    /// <summary>
    /// Runs a command said by a card click: the same role, scope and handler as when typed, but the answer is
    /// returned (the card shows it) instead of written as a reply.
    /// </summary>
    public Task<CommandResult> ExecuteAsync(
        ParsedCommand command, IncomingMessage message, Person person, OutboxWriter outbox, string key, CancellationToken cancellationToken) =>
        RunAsync(command, message, person, [], outbox, key, cancellationToken);

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
