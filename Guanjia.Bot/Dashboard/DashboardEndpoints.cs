using System.Reflection;
using Guanjia.Core.Community;
using Microsoft.Extensions.FileProviders;

namespace Guanjia.Bot.Dashboard;

/// <summary>The names the dashboard shows for ids: communities with their compounds, departments, categories, people, merchants.</summary>
public sealed record CommunityDirectoryDto(
    string Street,
    IReadOnlyList<NamedDto> Communities,
    IReadOnlyList<NamedDto> Compounds,
    IReadOnlyList<NamedDto> Departments,
    IReadOnlyList<NamedDto> Categories,
    IReadOnlyList<NamedDto> People,
    IReadOnlyList<NamedDto> Merchants);

public sealed record NamedDto(string Id, string Name);

/// <summary>The dashboard: static pages (wwwroot, embedded in the assembly) that call /api/* with the key the user gives.</summary>
internal static class DashboardEndpoints
{
    public static WebApplication MapDashboard(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(Assembly.GetExecutingAssembly(), "Guanjia.Bot.wwwroot");
        app.MapGet("/", () => TypedResults.Stream(files.GetFileInfo("index.html").CreateReadStream(), "text/html; charset=utf-8"));
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapGroup("/api").RequireAuthorization().MapGet("/community", (CommunityConfig community) => TypedResults.Ok(Directory(community)));
        return app;
    }

    private static CommunityDirectoryDto Directory(CommunityConfig c) => new(
        c.Street.Name,
        [.. c.Communities.Select(x => new NamedDto(x.Id, x.Name))],
        [.. c.Communities.SelectMany(x => x.Compounds).Select(x => new NamedDto(x.Id, x.Name))],
        [.. c.Departments.Select(x => new NamedDto(x.Id, x.Name))],
        [.. c.Categories.Select(x => new NamedDto(x.Code, x.Name))],
        [.. c.People.Select(x => new NamedDto(x.UserId, x.Name))],
        [.. c.Points.Merchants.Select(x => new NamedDto(x.Id, x.Name))]);
}
