using Guanjia.Bot.Api;
using Guanjia.Bot.Triage;
using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Photos;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Guanjia.Bot.Hosting;

internal static class HostingExtensions
{
    /// <summary>
    /// Reads config/appsettings.json from the content root, then environment variables and the
    /// command line again so they still override it.
    /// </summary>
    public static WebApplicationBuilder AddGuanjiaConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration
            .AddJsonFile(Path.Combine(builder.Environment.ContentRootPath, "config", "appsettings.json"), optional: true, reloadOnChange: false)
            // ASPNETCORE_URLS must still beat the file's "Urls" (the contract: 5080 unless it says otherwise).
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables()
            .AddCommandLine(args);
        return builder;
    }

    public static WebApplicationBuilder AddGuanjiaOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CommunityOptions>().BindConfiguration(CommunityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static WebApplicationBuilder AddGuanjiaCore(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp =>
        {
            var file = sp.GetRequiredService<IOptions<CommunityOptions>>().Value.File;
            return CommunityConfigLoader.Load(Path.GetFullPath(file, builder.Environment.ContentRootPath));
        });
        services.AddSingleton(sp => StreetCalendar.For(sp.GetRequiredService<CommunityConfig>()));
        services.AddSingleton(sp => new TicketTexts(sp.GetRequiredService<CommunityConfig>(), sp.GetRequiredService<StreetCalendar>().Zone));
        builder.AddGuanjiaTriage();
        services.AddSingleton(sp => new IntakeSettings(sp.GetRequiredService<IOptions<IntakeOptions>>().Value.MergeWindow));
        services.AddSingleton(sp => new PhotoStore(Path.GetFullPath(
            sp.GetRequiredService<IOptions<MediaOptions>>().Value.Root, builder.Environment.ContentRootPath)));
        services.AddSingleton(sp => new PhotoProcessor(new PhotoOptions(), sp.GetRequiredService<PhotoStore>()));
        services.AddSingleton<InboxWriter>();
        services.AddSingleton(sp => new InboxRetryPolicy(
            sp.GetRequiredService<IOptions<IntakeOptions>>().Value.MaxAttempts,
            sp.GetRequiredService<CommunityConfig>(),
            sp.GetRequiredService<StreetCalendar>().Zone,
            sp.GetRequiredService<TimeProvider>()));
        services.AddScoped<IntakeProcessor>();
        services.AddScoped<Guanjia.Core.Commands.CommandProcessor>();
        return builder;
    }

    /// <summary>
    /// The database named by <c>Storage:Provider</c> (<c>Sqlite</c>, the default, or <c>Postgres</c>)
    /// and <c>ConnectionStrings:Guanjia</c>; what differs between them lives in Core's Storage/&lt;Provider&gt;/.
    /// </summary>
    public static WebApplicationBuilder AddGuanjiaStorage(this WebApplicationBuilder builder)
    {
        var provider = builder.Configuration[$"{StorageOptions.Section}:Provider"] is { Length: > 0 } configured ? configured : GuanjiaStorage.SqliteName;
        if (!StorageOptions.Providers.Contains(provider, StringComparer.OrdinalIgnoreCase))
        {
            throw new OptionsValidationException("Storage:Provider", typeof(StorageOptions), [StorageOptions.ProviderError]);
        }

        var connectionString = builder.Configuration.GetConnectionString("Guanjia");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new OptionsValidationException("ConnectionStrings:Guanjia", typeof(StorageOptions),
                ["ConnectionStrings:Guanjia is required: for SQLite a connection string such as 'Data Source=data/guanjia.db', for PostgreSQL one such as 'Host=db;Database=guanjia;Username=guanjia;Password=…'."]);
        }

        GuanjiaStorage.For(provider, connectionString, builder.Environment.ContentRootPath).Register(builder.Services);
        return builder;
    }

    public static WebApplicationBuilder AddApiAuthentication(this WebApplicationBuilder builder)
    {
        // No default scheme: only endpoints that require authorization read the bearer key, so
        // WeCom's callbacks (the hot path) skip authentication entirely.
        builder.Services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>Creates the database if it is missing and applies the provider's migrations (once across instances).</summary>
    public static Task MigrateDatabaseAsync(this WebApplication app) =>
        app.Services.GetRequiredService<GuanjiaStorage>().MigrateAsync(app.Services, app.Lifetime.ApplicationStopping);
}
