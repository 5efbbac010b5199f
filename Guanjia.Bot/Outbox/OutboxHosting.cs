using Guanjia.Core.Outbox;
using Microsoft.Extensions.Options;

namespace Guanjia.Bot.Outbox;

internal static class OutboxHosting
{
    /// <summary>The outbox: its options (<c>Outbox:*</c>), rules, WeCom transport and the sending loop.</summary>
    public static WebApplicationBuilder AddGuanjiaOutbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<OutboxOptions>>().Value);
        builder.Services.AddSingleton<OutboxPacing>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddScoped<IOutboxTransport, WeComOutboxTransport>();
        builder.Services.AddScoped<OutboxDispatcher>();
        builder.Services.AddHostedService<OutboxSender>();
        return builder;
    }
}
