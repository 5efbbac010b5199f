using System.Globalization;
using System.Text;
using Guanjia.Core.Community;
using Guanjia.Core.Messages;
using Guanjia.Core.Scheduling;
using Guanjia.Core.Tickets;
using Guanjia.Core.Triage;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Core.Commands;

/// <summary>
/// Handlers of the ticket commands. Each validates everything first and only then changes the
/// ticket, so a refusal leaves nothing to save.
/// </summary>
public static class TicketCommands
{
    private const int TodoLimit = 20;

    public static Task<CommandResult> HelpAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var roles = CommandProcessor.RolesOf(context.Person, context.Config);
        var text = new StringBuilder("您可以使用的命令：");
        foreach (var definition in context.Table.Where(d => d.Handler is not null && (d.Roles & roles) != 0))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{definition.Usage}（{definition.Aliases[0]}）— {definition.Help}");
        }

        text.Append("\n单号可写 153 或 #153；在群里请先 @小巷管家。");
        return Task.FromResult(CommandResult.Ok(text.ToString()));
    }

    public static Task<CommandResult> ShowAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        var texts = context.Texts;
        if (ticket.Confidential && context.Chat?.Community is not null)
        {
            // A confidential tip is never shown in a community's group.
            return Task.FromResult(CommandResult.Ok($"工单 #{ticket.Number}：{ticket.Status.Chinese()}。这是保密线索，详情请私聊小巷管家查询。"));
        }

        // Departments outside the community office see "小巷管家", not the reporter's name.
        var community = context.Config.FindCommunity(ticket.Community);
        var named = context.Person.HasRole(Person.AdminRole) || context.Person.CommunityId == ticket.Community
            || (community is not null && context.Config.FindDepartment(community.Office)?.Members.Contains(context.Person.UserId) == true);
        string Who(string by) => by == ticket.Reporter && !named ? "小巷管家" : context.Name(by);

        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"工单 #{ticket.Number}：{ticket.Status.Chinese()}{(ticket.Urgent ? "（紧急）" : "")}\n")
            .Append(CultureInfo.InvariantCulture, $"分类：{texts.CategoryName(ticket.Category)}\n")
            .Append(CultureInfo.InvariantCulture, $"地点：{texts.Place(ticket)}\n")
            .Append(CultureInfo.InvariantCulture, $"承办：{texts.DepartmentName(ticket.Department)}\n")
            .Append(CultureInfo.InvariantCulture, $"时限：{texts.Time(ticket.DueAt)} 前\n")
            .Append(CultureInfo.InvariantCulture, $"内容：{MarkdownText.Inert(ticket.Text)}\n");
        if (ticket.ExtensionRequest is { } pending)
        {
            text.Append(CultureInfo.InvariantCulture, $"延期申请：延长{DescribeExtension(pending)}，待社区书记审批\n");
        }

        if (ticket.Satisfaction is { } rating)
        {
            text.Append(CultureInfo.InvariantCulture, $"评价：{Satisfactions.Chinese(rating)}\n");
        }

        text.Append("记录：");
        foreach (var entry in ticket.Events.OrderBy(e => e.At).ThenBy(e => e.Id))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{texts.Time(entry.At)} {EventName(entry.Kind)}（{Who(entry.By)}）");
            if (entry.Note is { Length: > 0 } note)
            {
                text.Append(CultureInfo.InvariantCulture, $"：{MarkdownText.Inert(note)}");
            }
        }

        return Task.FromResult(CommandResult.Ok(text.ToString()));
    }

    public static async Task<CommandResult> TodoAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var person = context.Person;
        TicketStatus[] open = [TicketStatus.New, TicketStatus.Dispatched, TicketStatus.Accepted, TicketStatus.Returned];
        var query = context.Db.Tickets.AsNoTracking().Where(t => open.Contains(t.Status));
        if (!person.HasRole(Person.AdminRole))
        {
            var community = person.HasRole(Person.SecretaryRole) ? person.CommunityId : null;
            var departments = context.Config.DepartmentsOf(person.UserId).Select(d => d.Id).ToList();
            query = query.Where(t => t.Community == community || departments.Contains(t.Department) || t.Reporter == person.UserId);
        }

        var tickets = await query.OrderBy(t => t.DueAt).Take(TodoLimit + 1).ToListAsync(cancellationToken);
        if (tickets.Count == 0)
        {
            return CommandResult.Ok("您目前没有待办工单。");
        }

        var texts = context.Texts;
        var text = new StringBuilder(tickets.Count > TodoLimit ? $"待办工单（时限最近的 {TodoLimit} 件）：" : $"待办工单 {tickets.Count} 件：");
        foreach (var t in tickets.Take(TodoLimit))
        {
            var overdue = t.DueAt < context.Now ? "，已超时" : "";
            text.Append(CultureInfo.InvariantCulture,
                $"\n#{t.Number} {t.Status.Chinese()}{(t.Urgent ? "·紧急" : "")} {texts.CategoryName(t.Category)} · {texts.Place(t)} · {texts.DepartmentName(t.Department)}，{texts.Time(t.DueAt)} 前{overdue}");
        }

        return CommandResult.Ok(text.ToString());
    }

    public static async Task<CommandResult> AssignAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        var name = context.Command.Value(1)!;
        var department = FindDepartment(context.Config, name);
        if (department is null)
        {
            return CommandResult.Refused($"没有找到部门“{name}”，请写部门编号或名称，如 sanitation 或 {context.Config.Departments[0].Name}。");
        }

        if (!TicketLifecycle.CanApply(ticket.Status, TicketAction.Dispatch))
        {
            return NotNowResult(ticket, "派单");
        }

        if (ticket.Department == department.Id && ticket.Status is TicketStatus.Dispatched or TicketStatus.Accepted)
        {
            return CommandResult.Refused($"工单 #{ticket.Number} 已由{department.Name}承办，无需重复派单。");
        }

        await ReminderScan.ResetAsync(context.Db, ticket.Number, cancellationToken);
        Dispatch(context, ticket, department.Id, $"派给{department.Name}");
        return CommandResult.Ok($"工单 #{ticket.Number} 已派给{department.Name}。");
    }

    public static async Task<CommandResult> RecategoriseAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        var name = context.Command.Value(1)!;
        var category = context.Config.FindCategory(name);
        if (category is null)
        {
            return CommandResult.Refused($"没有“{name}”这个分类。可选：{string.Join("、", context.Config.Categories.Select(c => c.Name))}。");
        }

        if (!TicketLifecycle.CanApply(ticket.Status, TicketAction.Recategorise))
        {
            return NotNowResult(ticket, "改类");
        }

        if (category.Code == ticket.Category)
        {
            return CommandResult.Refused($"工单 #{ticket.Number} 已是“{category.Name}”。");
        }


        var community = context.Config.FindCommunity(ticket.Community);
        var compound = ticket.Compound is { } c ? context.Config.FindCompound(c) : null;
        var department = community is null ? ticket.Department : Router.Route(category, compound, community);
        var before = context.Texts.CategoryName(ticket.Category);
        var dueBefore = ticket.DueAt;
        ticket.Category = category.Code;
        ticket.LowConfidence = false;
        ticket.Urgent |= category.AlwaysUrgent;
        // Once a tip is confidential it stays so; a confidential category makes it one.
        ticket.Confidential |= category.Confidential;
        ticket.DueAt = context.Calendar.Due(ticket.CreatedAt, category.TimeLimitFor(ticket.Urgent));
        if (ticket.DueAt != dueBefore || department != ticket.Department)
        {
            // A new deadline or a new party: the reminder thresholds start over.
            await ReminderScan.ResetAsync(context.Db, ticket.Number, cancellationToken);
        }
        TicketLifecycle.Apply(ticket, TicketAction.Recategorise, context.Person.UserId, context.Now, $"{before} → {category.Name}", context.Conversation);

        var answer = $"工单 #{ticket.Number} 已改为“{category.Name}”，时限 {context.Texts.Time(ticket.DueAt)} 前";
        if (department != ticket.Department)
        {
            Dispatch(context, ticket, department, $"改类后派给{context.Texts.DepartmentName(department)}");
            answer += $"，已改派{context.Texts.DepartmentName(department)}";
        }

        return CommandResult.Ok(answer + "。");
    }

    public static Task<CommandResult> AcceptAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        if (!TicketLifecycle.CanApply(ticket.Status, TicketAction.Accept))
        {
            return NotNow(ticket, "接单");
        }

        TicketLifecycle.Apply(ticket, TicketAction.Accept, context.Person.UserId, context.Now, null, context.Conversation);
        return Answer($"已签收工单 #{ticket.Number}，请在 {context.Texts.Time(ticket.DueAt)} 前办结，完成后回复“办结 {ticket.Number}”并附处理后照片。");
    }

    public static async Task<CommandResult> ResolveAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        if (!TicketLifecycle.CanApply(ticket.Status, TicketAction.Resolve))
        {
            return NotNowResult(ticket, "办结");
        }

        // A photo sent just before the command (1:1 chats send photos separately) is its after-photo.
        var since = context.Now - context.Settings.MergeWindow;
        var pending = await context.Db.PendingPhotos
            .Where(p => p.SenderId == context.Person.UserId && p.Conversation == context.Conversation && p.TicketNumber == null
                && p.ReceivedAt >= since && p.PhotoId != null)
            .OrderBy(p => p.Id)
            .ToListAsync(cancellationToken);
        var added = new List<string>();
        foreach (var photo in pending)
        {
            photo.TicketNumber = ticket.Number;
            AddAfterPhoto(ticket, new CommandPhoto(photo.PhotoId!, photo.Width, photo.Height, photo.PerceptualHash), context.Now, added);
        }

        foreach (var photo in context.Photos)
        {
            AddAfterPhoto(ticket, photo, context.Now, added);
        }

        var note = context.Command.Value(1);
        TicketLifecycle.Apply(ticket, TicketAction.Resolve, context.Person.UserId, context.Now, note, context.Conversation, added);
        context.Notices.ToReporter(context.Outbox, $"{context.Key}:resolved", ticket, ResolvedNotice(context, ticket, note), added);

        var minutes = Math.Max(1, (int)Math.Round(context.Settings.MergeWindow.TotalMinutes));
        return CommandResult.Ok(added.Count > 0
            ? $"工单 #{ticket.Number} 已办结，处理后照片 {added.Count} 张已转给上报人核实。"
            : $"工单 #{ticket.Number} 已办结。如有处理后照片，请在{minutes}分钟内发送，我会转给上报人。");
    }

    public static Task<CommandResult> ReturnAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        if (!TicketLifecycle.CanApply(ticket.Status, TicketAction.Return))
        {
            return NotNow(ticket, "退回");
        }

        var reason = context.Command.Value(1)!;
        TicketLifecycle.Apply(ticket, TicketAction.Return, context.Person.UserId, context.Now, reason, context.Conversation);
        context.Notices.ToCommunity(context.Outbox, $"{context.Key}:returned", ticket,
            $"工单 #{ticket.Number} 被{context.Texts.DepartmentName(ticket.Department)}退回社区（{TicketStatus.Returned.Chinese()}）。\n原因：{MarkdownText.Inert(reason)}\n请重新派单（派单 {ticket.Number} 部门）或撤销（撤销 {ticket.Number}）。");
        return Answer($"工单 #{ticket.Number} 已退回社区。");
    }

    public static Task<CommandResult> CloseAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        if (!TicketLifecycle.CanApply(ticket.Status, TicketAction.Close))
        {
            return NotNow(ticket, "确认");
        }

        TicketLifecycle.Apply(ticket, TicketAction.Close, context.Person.UserId, context.Now, null, context.Conversation);
        if (ticket.Reporter != context.Person.UserId)
        {
            context.Notices.ToReporter(context.Outbox, $"{context.Key}:closed", ticket,
                $"您上报的工单 #{ticket.Number}（{context.Texts.CategoryName(ticket.Category)}）{TicketStatus.Closed.Chinese()}办结，感谢您的上报！");
        }

        return Answer($"工单 #{ticket.Number} {TicketStatus.Closed.Chinese()}，已结案。");
    }

    public static async Task<CommandResult> ReopenAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        if (!TicketLifecycle.CanApply(ticket.Status, TicketAction.Reopen))
        {
            return NotNowResult(ticket, "重办");
        }

        var reason = context.Command.Value(1)!;
        await ReminderScan.ResetAsync(context.Db, ticket.Number, cancellationToken);
        TicketLifecycle.Apply(ticket, TicketAction.Reopen, context.Person.UserId, context.Now, reason, context.Conversation);
        context.Notices.ToDepartment(context.Outbox, $"{context.Key}:reopened", ticket.Department,
            $"**工单 #{ticket.Number} 重办**\n> 分类：{context.Texts.CategoryName(ticket.Category)}\n> 地点：{context.Texts.Place(ticket)}\n> 内容：{MarkdownText.Inert(ticket.Text)}\n> 重办原因：{MarkdownText.Inert(reason)}\n请重新处理，完成后回复“办结 {ticket.Number}”并附处理后照片。",
            ticket.Number);
        return CommandResult.Ok($"工单 #{ticket.Number} 已退回{context.Texts.DepartmentName(ticket.Department)}重办。");
    }

    public static Task<CommandResult> EscalateAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        if (!TicketLifecycle.CanApply(ticket.Status, TicketAction.Escalate))
        {
            return NotNow(ticket, "升级");
        }

        var office = context.Config.FindDepartment(context.Config.Street.Office);
        var reason = context.Command.Value(1);
        TicketLifecycle.Apply(ticket, TicketAction.Escalate, context.Person.UserId, context.Now, reason, context.Conversation);
        var texts = context.Texts;
        context.Notices.ToDepartment(context.Outbox, $"{context.Key}:escalated", context.Config.Street.Office,
            $"**工单升级 #{ticket.Number}**{(ticket.Urgent ? " <font color=\"warning\">紧急</font>" : "")}\n> 分类：{texts.CategoryName(ticket.Category)}\n> 地点：{texts.Place(ticket)}\n> 内容：{MarkdownText.Inert(ticket.Text)}\n> 承办：{texts.DepartmentName(ticket.Department)}（{ticket.Status.Chinese()}）\n> 时限：{texts.Time(ticket.DueAt)} 前\n> 升级：{context.Name(context.Person.UserId)}{(reason is null ? "" : $"，{MarkdownText.Inert(reason)}")}",
            ticket.Number);
        NotifyCommunityUnlessHere(context, ticket, TicketEventKinds.Escalated, $"工单 #{ticket.Number} 已升级至{office?.Name ?? "街道"}。");
        return Answer($"工单 #{ticket.Number} 已升级至{office?.Name ?? "街道"}。");
    }

    public static async Task<CommandResult> MergeAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        var target = context.Command.Number(1)!.Value;
        if (target == ticket.Number)
        {
            return CommandResult.Refused("不能把工单并入它自己，请写另一张工单的单号。");
        }

        var survivor = await context.Db.Tickets.Include(t => t.Events).AsSplitQuery()
            .FirstOrDefaultAsync(t => t.Number == target, cancellationToken);
        if (survivor is null)
        {
            return CommandResult.Refused($"没有找到工单 #{target}，请核对主单号。");
        }

        if (TicketScope.Check(context.Command.Definition.Roles, survivor, context.Person, context.Chat, context.Config) is { } scope)
        {
            return CommandResult.Refused(scope);
        }

        if (!survivor.Status.IsOpen())
        {
            return CommandResult.Refused($"工单 #{target} 当前为“{survivor.Status.Chinese()}”，只能并入未办结的工单。");
        }

        if (!TicketLifecycle.CanApply(ticket.Status, TicketAction.Merge))
        {
            return NotNowResult(ticket, "合并");
        }

        TicketLifecycle.Apply(ticket, TicketAction.Merge, context.Person.UserId, context.Now, $"并入 #{target}", context.Conversation);
        ticket.MergedInto = target;
        // The merged ticket keeps its reporter and MergedInto: the points service credits both reporters.
        TicketLifecycle.Record(survivor, TicketEventKinds.MergedIn, context.Person.UserId, context.Now,
            $"#{ticket.Number} 并入（上报人 {ticket.Reporter}）", context.Conversation);
        NotifyCommunityUnlessHere(context, ticket, "merged", $"工单 #{ticket.Number} 与 #{target} 重复，{TicketStatus.Merged.Chinese()}至 #{target}。");
        if (ticket.Department != survivor.Department && context.Config.FindDepartment(ticket.Department) is not null)
        {
            context.Notices.ToDepartment(context.Outbox, $"{context.Key}:merged:department", ticket.Department,
                $"工单 #{ticket.Number} 与 #{target} 重复，已合并，贵单位无需再处理 #{ticket.Number}。", ticket.Number);
        }

        return CommandResult.Ok($"工单 #{ticket.Number} 已并入 #{target}，两位上报人均计入 #{target}。");
    }

    public static async Task<CommandResult> MarkUrgentAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        if (!TicketLifecycle.CanApply(ticket.Status, TicketAction.MarkUrgent))
        {
            return NotNowResult(ticket, "加急");
        }

        if (ticket.Urgent)
        {
            return CommandResult.Refused($"工单 #{ticket.Number} 已是紧急工单。");
        }

        var category = context.Config.FindCategory(ticket.Category) ?? context.Config.OtherCategory;
        var due = context.Calendar.Due(ticket.CreatedAt, category.TimeLimitFor(urgent: true));
        if (due < ticket.DueAt)
        {
            ticket.DueAt = due;
            await ReminderScan.ResetAsync(context.Db, ticket.Number, cancellationToken);
        }

        TicketLifecycle.Apply(ticket, TicketAction.MarkUrgent, context.Person.UserId, context.Now, $"时限 {context.Texts.Time(ticket.DueAt)}", context.Conversation);
        context.Notices.UrgentMention(context.Outbox, $"{context.Key}:urgent", ticket);
        return CommandResult.Ok($"工单 #{ticket.Number} 已加急，时限 {context.Texts.Time(ticket.DueAt)} 前，已提醒{context.Texts.DepartmentName(ticket.Department)}。");
    }

    /// <summary>补充: a place (re-routes when it changes who must act), a detail or photos for an open ticket.</summary>
    public static async Task<CommandResult> AddAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        var content = context.Command.Value(1)?.Trim() ?? "";
        if (content.Length == 0 && context.Photos.Count == 0)
        {
            return CommandResult.Refused($"请写明要补充的地点或说明（如“补充 {ticket.Number} 74号院”），或同时附上照片。");
        }

        if (!ticket.Status.IsOpen())
        {
            return NotNowResult(ticket, "补充");
        }

        var amendment = new TicketAmendment(context.Db, context.Config, context.Texts);
        return CommandResult.Ok(await amendment.AmendAsync(
            ticket, content, context.Photos, context.Person.UserId, context.Conversation, context.Now, context.Outbox, context.Key, cancellationToken));
    }

    public static async Task<CommandResult> CancelAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        if (!TicketLifecycle.CanApply(ticket.Status, TicketAction.Cancel))
        {
            return NotNowResult(ticket, "撤销");
        }

        // Points paid for the report are taken back first, on this command's transaction: when
        // that cannot be booked, the ticket is not cancelled either.
        var reversal = await new Points.ReportPoints(PointsCommands.Book(context)).ReverseTicketAsync(ticket.Number, context.Person.UserId, cancellationToken);
        if (!reversal.Succeeded)
        {
            return PointsCommands.From(reversal);
        }

        var wasWithDepartment = ticket.Status is TicketStatus.Dispatched or TicketStatus.Accepted;
        TicketLifecycle.Apply(ticket, TicketAction.Cancel, context.Person.UserId, context.Now, null, context.Conversation);
        if (wasWithDepartment)
        {
            context.Notices.ToDepartment(context.Outbox, $"{context.Key}:cancelled", ticket.Department,
                $"工单 #{ticket.Number} {TicketStatus.Cancelled.Chinese()}，贵单位无需再处理。", ticket.Number);
        }

        var taken = reversal.Points > 0 ? $"已收回上报所得积分 {reversal.Points} 分。" : "";
        return CommandResult.Ok($"工单 #{ticket.Number} {TicketStatus.Cancelled.Chinese()}。{taken}");
    }

    /// <summary>评价: the reporter's rating; on a resolved ticket 满意/基本满意 close it, 不满意 reopens it.</summary>
    public static async Task<CommandResult> RateAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        var word = context.Command.Value(1)!;
        var satisfaction = Satisfactions.FromChinese(word)!;
        if (ticket.Satisfaction is { } given && !TicketLifecycle.CanRate(ticket) && ticket.Status is TicketStatus.Resolved or TicketStatus.Closed)
        {
            return CommandResult.Refused($"工单 #{ticket.Number} 已评价为“{Satisfactions.Chinese(given)}”，无需重复评价。");
        }

        if (!TicketLifecycle.CanRate(ticket))
        {
            return CommandResult.Refused($"工单 #{ticket.Number} 当前为“{ticket.Status.Chinese()}”，办结后才能评价。");
        }

        var wasResolved = ticket.Status == TicketStatus.Resolved;
        if (wasResolved && !Satisfactions.IsSatisfied(satisfaction))
        {
            // Reopened: the department is reminded afresh against the deadline.
            await ReminderScan.ResetAsync(context.Db, ticket.Number, cancellationToken);
        }

        TicketLifecycle.Rate(ticket, satisfaction, context.Person.UserId, context.Now, context.Conversation);
        var texts = context.Texts;
        if (ticket.Status == TicketStatus.Dispatched)
        {
            context.Notices.ToDepartment(context.Outbox, $"{context.Key}:reopened", ticket.Department,
                $"**工单 #{ticket.Number} 重办**（上报人评价不满意）\n> 分类：{texts.CategoryName(ticket.Category)}\n> 地点：{texts.Place(ticket)}\n> 内容：{MarkdownText.Inert(ticket.Text)}\n请重新处理，完成后回复“办结 {ticket.Number}”并附处理后照片。",
                ticket.Number);
            return CommandResult.Ok($"已记录您对工单 #{ticket.Number} 的评价：不满意。已退回{texts.DepartmentName(ticket.Department)}重新处理。");
        }

        context.Notices.ToDepartment(context.Outbox, $"{context.Key}:rated", ticket.Department,
            $"工单 #{ticket.Number}（{texts.CategoryName(ticket.Category)}）上报人评价：{word}。", ticket.Number);
        return CommandResult.Ok(wasResolved
            ? $"感谢评价！工单 #{ticket.Number}（{word}）{TicketStatus.Closed.Chinese()}，已结案。"
            : $"感谢评价！已记录您对工单 #{ticket.Number} 的评价：{word}。");
    }

    /// <summary>延期: a department member asks for more time; the deadline moves only when a secretary agrees.</summary>
    public static Task<CommandResult> RequestExtensionAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        var span = context.Command.Value(1)!;
        var reason = context.Command.Value(2)!;
        if (!TryParseExtension(span, out var extra))
        {
            return Refused($"看不懂时长“{span}”。请写 2天、48h 或 3个工作日（最多{MaxExtensionDays}天）。");
        }

        if (ticket.Status is not (TicketStatus.Dispatched or TicketStatus.Accepted))
        {
            return NotNow(ticket, "申请延期");
        }

        if (ticket.ExtensionRequest is { } pending)
        {
            return Refused($"工单 #{ticket.Number} 已有一项延期申请（{DescribeExtension(pending)}）在等社区书记答复，请勿重复申请。");
        }

        var newDue = context.Calendar.Due(ticket.DueAt, extra);
        if (newDue - ticket.DueAt > TimeSpan.FromDays(MaxExtensionDays))
        {
            return Refused($"一次最多延期{MaxExtensionDays}天，请缩短时长后再申请。");
        }

        var texts = context.Texts;
        TicketLifecycle.RequestExtension(ticket, extra.ToString(), context.Person.UserId, context.Now,
            $"延长{DescribeExtension(extra)}：{reason}", context.Conversation);
        // With the bot's long connection the secretaries answer with a tap in their community's group; a confidential tip stays in 1:1 text.
        var groupChat = ticket.Confidential ? null : context.Config.FindCommunity(ticket.Community)?.ChatId;
        var card = TicketCards.Extension(ticket, texts.DepartmentName(ticket.Department), DescribeExtension(extra), reason, context.Outbox.Routes.TicketUrl(ticket.Number));
        if (!context.Outbox.TryCardToChat($"{context.Key}:extension", groupChat, card, ticket.Number)
            && !context.Outbox.TryCardToPeople($"{context.Key}:extension", context.Notices.Secretaries(ticket.Community), card, ticket.Number))
        {
            context.Notices.ToCommunity(context.Outbox, $"{context.Key}:extension", ticket,
                $"**工单 #{ticket.Number} 申请延期**\n> 分类：{texts.CategoryName(ticket.Category)} · {texts.Place(ticket)}\n> 承办：{texts.DepartmentName(ticket.Department)}\n> 延长：{DescribeExtension(extra)}（时限 {texts.Time(ticket.DueAt)} → {texts.Time(newDue)}）\n> 原因：{MarkdownText.Inert(reason)}\n请书记回复“同意延期 {ticket.Number}”或“不同意延期 {ticket.Number} 原因”。");
        }

        return Answer($"工单 #{ticket.Number} 的延期申请（{DescribeExtension(extra)}）已转社区书记，同意后时限才会改变；在此之前请按原时限 {texts.Time(ticket.DueAt)} 办理。");
    }

    /// <summary>同意延期: the deadline moves by the requested time; reminders follow the new deadline.</summary>
    public static async Task<CommandResult> AgreeExtensionAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        if (ticket.ExtensionRequest is not { } pending || !TimeLimit.TryParse(pending, out var extra))
        {
            return CommandResult.Refused($"工单 #{ticket.Number} 没有待审批的延期申请。");
        }

        var texts = context.Texts;
        var oldDue = ticket.DueAt;
        var newDue = context.Calendar.Due(oldDue, extra);
        TicketLifecycle.DecideExtension(ticket, agreed: true, newDue, context.Person.UserId, context.Now,
            $"时限 {texts.Time(oldDue)} → {texts.Time(newDue)}（延长{DescribeExtension(extra)}）", context.Conversation);
        await new ReminderScan(context.Db, context.Config, context.Calendar, texts, context.Time).RearmAsync(ticket, context.Now, cancellationToken);
        context.Notices.ToDepartment(context.Outbox, $"{context.Key}:extended", ticket.Department,
            $"工单 #{ticket.Number} 的延期申请已同意，新时限 {texts.Time(newDue)} 前，请按时办结。", ticket.Number);
        return CommandResult.Ok($"已同意工单 #{ticket.Number} 延期{DescribeExtension(extra)}，新时限 {texts.Time(newDue)} 前，已告知{texts.DepartmentName(ticket.Department)}。");
    }

    /// <summary>不同意延期: the deadline stays; the department is told why.</summary>
    public static Task<CommandResult> RefuseExtensionAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket!;
        if (ticket.ExtensionRequest is null)
        {
            return Refused($"工单 #{ticket.Number} 没有待审批的延期申请。");
        }

        var texts = context.Texts;
        var reason = context.Command.Value(1);
        TicketLifecycle.DecideExtension(ticket, agreed: false, ticket.DueAt, context.Person.UserId, context.Now,
            reason ?? "不同意延期", context.Conversation);
        context.Notices.ToDepartment(context.Outbox, $"{context.Key}:extension-refused", ticket.Department,
            $"工单 #{ticket.Number} 的延期申请未获同意{(reason is null ? "" : $"（{MarkdownText.Inert(reason)}）")}，请在原时限 {texts.Time(ticket.DueAt)} 前办结。", ticket.Number);
        return Answer($"已不同意工单 #{ticket.Number} 延期，时限仍为 {texts.Time(ticket.DueAt)} 前，已告知{texts.DepartmentName(ticket.Department)}。");
    }

    private const int MaxExtensionDays = 30;

    /// <summary>2天 / 2d (calendar days), 48h / 48小时, 3wd / 3个工作日 / 3工作日 (working days).</summary>
    internal static bool TryParseExtension(string text, out TimeLimit limit)
    {
        var s = text.Trim().ToLowerInvariant();
        foreach (var (word, unit) in new[] { ("个工作日", "wd"), ("工作日", "wd"), ("小时", "h"), ("天", "d") })
        {
            if (s.EndsWith(word, StringComparison.Ordinal))
            {
                s = s[..^word.Length] + unit;
                break;
            }
        }

        return TimeLimit.TryParse(s, out limit) && limit.Unit is TimeLimitUnit.Hours or TimeLimitUnit.Days or TimeLimitUnit.WorkingDays;
    }

    private static string DescribeExtension(string stored) =>
        TimeLimit.TryParse(stored, out var limit) ? DescribeExtension(limit) : stored;

    private static string DescribeExtension(TimeLimit limit) => limit.Unit switch
    {
        TimeLimitUnit.Hours => $"{limit.Amount}小时",
        TimeLimitUnit.Days => $"{limit.Amount}天",
        TimeLimitUnit.WorkingDays => $"{limit.Amount}个工作日",
        _ => limit.ToString(),
    };

    public static string EventName(string kind) => TicketEventKinds.Chinese(kind);

    /// <summary>Changes the department and dispatches: the new party gets the dispatch, the old one is told.</summary>
    private static void Dispatch(CommandContext context, Ticket ticket, string departmentId, string note) =>
        TicketRouting.Redispatch(ticket, departmentId, context.Person.UserId, context.Now, note, context.Conversation,
            context.Outbox, context.Notices, context.Texts, context.Key);

    private static void NotifyCommunityUnlessHere(CommandContext context, Ticket ticket, string what, string content)
    {
        var community = context.Config.FindCommunity(ticket.Community);
        if (community is not null && context.Message.ChatId != community.ChatId)
        {
            context.Outbox.ToCommunity($"{context.Key}:{what}:community", community, content, ticket.Number, context.Config);
        }
    }

    private static string ResolvedNotice(CommandContext context, Ticket ticket, string? note) =>
        $"您上报的工单 #{ticket.Number}（{context.Texts.CategoryName(ticket.Category)}，{context.Texts.Place(ticket)}）{TicketStatus.Resolved.Chinese()}。"
        + (note is null ? "" : $"\n处理说明：{MarkdownText.Inert(note)}")
        + $"\n如已解决请回复“确认 {ticket.Number}”或评价（评价 {ticket.Number} 满意|基本满意|不满意），未解决请回复“重办 {ticket.Number} 原因”。";

    internal static void AddAfterPhoto(Ticket ticket, CommandPhoto photo, DateTimeOffset now, List<string> added)
    {
        if (ticket.AttachPhoto(photo.Id, PhotoStages.After, photo.Width, photo.Height, photo.PerceptualHash, now))
        {
            added.Add(photo.Id);
        }
    }

    private static Department? FindDepartment(CommunityConfig config, string name)
    {
        if (config.FindDepartment(name) is { } byId)
        {
            return byId;
        }

        var exact = config.Departments.FirstOrDefault(d => d.Name == name);
        if (exact is not null)
        {
            return exact;
        }

        // "环卫" for "五华区环卫华山片区": accepted only when it names one department.
        var partial = config.Departments.Where(d => d.Name.Contains(name, StringComparison.Ordinal)).Take(2).ToList();
        return partial.Count == 1 ? partial[0] : null;
    }

    private static Task<CommandResult> NotNow(Ticket ticket, string word) => Task.FromResult(NotNowResult(ticket, word));

    private static CommandResult NotNowResult(Ticket ticket, string word) =>
        CommandResult.Refused($"工单 #{ticket.Number} 当前为“{ticket.Status.Chinese()}”，不能{word}。");

    private static Task<CommandResult> Refused(string reason) => Task.FromResult(CommandResult.Refused(reason));

    private static Task<CommandResult> Answer(string answer) => Task.FromResult(CommandResult.Ok(answer));
}
