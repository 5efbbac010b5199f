using Guanjia.Core.Commands;
using Guanjia.Core.Outbox;
using Guanjia.WeCom.Api;

namespace Guanjia.Bot.Cards;

internal static class CardsHosting
{
    /// <summary>
    /// Cards and clicks: the ways out (<see cref="OutboxRoutes"/>: group chats through the bot's long connection, cards
    /// to people through the app when its callback is set, the ticket page's address from <c>Dashboard:PublicUrl</c>)
    /// and the click fast path.
    /// </summary>
    public static WebApplicationBuilder AddCards(this WebApplicationBuilder builder)
    {
        var longConnection = builder.Configuration.GetValue<WeComBotMode>("WeCom:Bot:Mode") == WeComBotMode.LongConnection;
        var publicUrl = builder.Configuration["Dashboard:PublicUrl"];
        var page = Uri.TryCreate(publicUrl, UriKind.Absolute, out var root) && (root.Scheme == Uri.UriSchemeHttps || root.Scheme == Uri.UriSchemeHttp)
            ? new Uri(root, "#/tickets/")
            : null;
        // The app's cards need its callback, where their clicks arrive.
        var appCards = !string.IsNullOrWhiteSpace(builder.Configuration["WeCom:Token"]) && !string.IsNullOrWhiteSpace(builder.Configuration["WeCom:EncodingAesKey"]);
        builder.Services.AddSingleton(new OutboxRoutes(longConnection, page, appCards));
        builder.Services.AddScoped<CardClickProcessor>();
        builder.Services.AddSingleton<CardClickHandler>();
        return builder;
    }
}
