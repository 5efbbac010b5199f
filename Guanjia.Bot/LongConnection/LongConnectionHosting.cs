using Guanjia.WeCom.Api;
using Guanjia.WeCom.LongConnection;
using Microsoft.Extensions.Options;

namespace Guanjia.Bot.LongConnection;

internal static class LongConnectionHosting
{
    /// <summary>
    /// <c>WeCom:Bot:Mode=LongConnection</c>: one <see cref="WeComLongConnection"/> (for replies,
    /// card updates and proactive sends) held open by <see cref="LongConnectionService"/>.
    /// </summary>
    public static WebApplicationBuilder AddLongConnection(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue<WeComBotMode>("WeCom:Bot:Mode").Equals(WeComBotMode.LongConnection))
        {
            return builder;
        }

        builder.Services.AddSingleton(sp =>
        {
            var bot = sp.GetRequiredService<IOptions<WeComOptions>>().Value.Bot;
            return new WeComLongConnection(
                new LongConnectionSettings { Url = new Uri(bot.WebSocketUrl), BotId = bot.Id, Secret = bot.Secret },
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<WeComLongConnection>>());
        });
        builder.Services.AddHostedService<LongConnectionService>();
        return builder;
    }
}
