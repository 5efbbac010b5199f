using System.Text.Json;
using System.Text.Json.Serialization;
using Guanjia.Bot.LongConnection;
using Guanjia.Core.Commands;
using Guanjia.Core.Intake;
using Guanjia.WeCom.Cards;

namespace Guanjia.Bot.Cards;

/// <summary>
/// A card click from the bot (webhook callback or long connection), handled at once in its own scope and
/// answered with the card update WeCom shows: the outcome for everyone, or a refusal for the clicker only.
/// </summary>
internal sealed partial class CardClickHandler(IServiceScopeFactory scopes, ILogger<CardClickHandler> logger)
{
    /// <summary>How a card update is written for WeCom: snake_case names from the types, nulls left out.</summary>
    public static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The update to answer the click with; null when there is nothing to change (a repeated delivery).</summary>
    public async Task<TemplateCardUpdate?> HandleAsync(CardClick click, IncomingChannel channel, string eventId, CancellationToken cancellationToken)
    {
        if (click.Key is not { } key)
        {
            LogForeignKey(logger, click.TaskId);
            return CardUpdates.Refusal(Placeholder(click, null), CardClicks.UnknownButton, click.UserId);
        }

        await using var scope = scopes.CreateAsyncScope();
        var processor = scope.ServiceProvider.GetRequiredService<CardClickProcessor>();
        var outcome = await processor.HandleAsync(
            new CardClickRequest(channel, eventId, click.UserId, click.ChatId, key.Action, key.Ticket, key.Argument, click.TaskId),
            cancellationToken);
        // Once done, the card shows the outcome only: the typing hint goes with the buttons.
        var done = outcome.Result == CardClickResult.Done;
        var card = outcome.Card is { } sent
            ? CardMapping.ToTemplateCard(sent with { TaskId = TaskIdOf(click), Hint = done ? null : sent.Hint })
            : Placeholder(click, key.Ticket);
        return outcome.Result switch
        {
            CardClickResult.Done => CardUpdates.Outcome(card, outcome.Text, outcome.By),
            CardClickResult.Refused or CardClickResult.AskToType => CardUpdates.Refusal(card, outcome.Text, click.UserId),
            _ => null,
        };
    }

    // When the clicked card is not known any more, a plain one in its place (the same task_id).
    private static TemplateCard Placeholder(CardClick click, int? ticket) =>
        TemplateCardBuilder.TextNotice()
            .Source("小巷管家")
            .Title(ticket is { } n ? $"工单 #{n}" : "小巷管家")
            .TaskId(TaskIdOf(click))
            .Build();

    private static string TaskIdOf(CardClick click) => CardText.IsValidTaskId(click.TaskId) ? click.TaskId : "gj-unknown";

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Card click on {TaskId} with a key that is not Guanjia's; the clicker is told")]
    private static partial void LogForeignKey(ILogger logger, string taskId);
}
