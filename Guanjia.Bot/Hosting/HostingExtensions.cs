using Guanjia.Bot.Api;
using Guanjia.Bot.Triage;
using Guanjia.Core.Community;
using Guanjia.Core.Intake;
using Guanjia.Core.Photos;
using Guanjia.Core.Storage;
using Guanjia.Core.Tickets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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
        services.AddScoped<IntakeProcessor>();
        services.AddScoped<Guanjia.Core.Commands.CommandProcessor>();
        return builder;
    }

    public static WebApplicationBuilder AddGuanjiaStorage(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Guanjia");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new OptionsValidationException("ConnectionStrings:Guanjia", typeof(StorageOptions),
                ["ConnectionStrings:Guanjia is required: a SQLite connection string such as 'Data Source=data/guanjia.db'."]);
        }

        var sqlite = new SqliteConnectionStringBuilder(connectionString);
        if (sqlite.DataSource is { Length: > 0 } source && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal))
        {
            sqlite.DataSource = Path.GetFullPath(source, builder.Environment.ContentRootPath);
            Directory.CreateDirectory(Path.GetDirectoryName(sqlite.DataSource)!);
        }

        sqlite.Pooling = true;
        builder.Services.AddSingleton<SqliteWriteGate>();
        builder.Services.AddDbContext<GuanjiaDbContext>((sp, options) =>
            options.UseSqlite(sqlite.ConnectionString).AddInterceptors(sp.GetRequiredService<SqliteWriteGate>(), new SqliteSynchronousNormal()));
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

    /// <summary>Applies migrations and tunes SQLite for many small concurrent writes.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            // WAL (persistent) lets readers run beside the writer; see SqliteSynchronousNormal for sync.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }
}
