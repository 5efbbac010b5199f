namespace Guanjia.Core.Outbox;

/// <summary>
/// Which ways out this deployment has besides the robots and the app. With the bot's long connection
/// (<see cref="BotChats"/>) a group whose chat id is known is written to through the bot
/// (<c>aibot_send_msg</c>), and messages with actions go as cards with buttons.
/// </summary>
/// <param name="BotChats">The bot holds a long connection (<c>WeCom:Bot:Mode=LongConnection</c>).</param>
/// <param name="TicketPage">Where a ticket's page is (its number appended), for the link on cards; null: no link.</param>
/// <param name="AppCards">
/// The self-built app's callback is set up, so cards addressed to people go through the app's message/send
/// as template cards (their clicks come back to <c>/wecom/callback</c>).
/// </param>
public sealed record OutboxRoutes(bool BotChats = false, Uri? TicketPage = null, bool AppCards = false)
{
    public static OutboxRoutes None { get; } = new();

    /// <summary>The page of ticket <paramref name="number"/>, or null when no public address is configured.</summary>
    public Uri? TicketUrl(int number) => TicketPage is { } page ? new Uri(page + number.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
}
