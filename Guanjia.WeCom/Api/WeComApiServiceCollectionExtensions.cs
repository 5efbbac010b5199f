using Guanjia.WeCom.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;

namespace Guanjia.WeCom.Api;

public static class WeComApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="WeComOptions"/> (section <c>WeCom</c>, validated on start), the typed clients
    /// <see cref="WeComApiClient"/>, <see cref="WeComWebhookClient"/>, <see cref="WeComBotClient"/> and <see cref="WeComRateLimits"/>.
    /// </summary>
    public static IServiceCollection AddWeComApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WeComOptions>()
            .Bind(configuration.GetSection(WeComOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WeComAccessTokenCache>();
        services.TryAddSingleton<ResponseUrlLedger>();
        services.TryAddSingleton<WeComRateLimits>();
        services.TryAddTransient<AccessTokenHandler>();

        services.AddHttpClient(WeComAccessTokenCache.HttpClientName, UseApiBaseUrl).WithWeComDefaults();
        services.AddHttpClient<WeComApiClient>(UseApiBaseUrl).WithWeComDefaults().AddHttpMessageHandler<AccessTokenHandler>();
        services.AddHttpClient<WeComWebhookClient>(UseApiBaseUrl).WithWeComDefaults();
        services.AddHttpClient<WeComBotClient>().WithWeComDefaults();
        return services;
    }

    private static void UseApiBaseUrl(IServiceProvider services, HttpClient http) =>
        http.BaseAddress = services.GetRequiredService<IOptions<WeComOptions>>().Value.BaseUri;

    private static IHttpClientBuilder WithWeComDefaults(this IHttpClientBuilder builder)
    {
        // The default HttpClient logging writes request URIs, which carry access tokens, secrets and robot keys.
        builder.RemoveAllLoggers();
        builder.ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
        // Only a total timeout: retries across time belong to the outbox, and the token handler retries once itself.
        builder.AddResilienceHandler("wecom", (pipeline, context) =>
        {
            var timeout = context.ServiceProvider.GetRequiredService<IOptions<WeComOptions>>().Value.RequestTimeout;
            pipeline.AddTimeout(timeout);
        });
        return builder;
    }
}
