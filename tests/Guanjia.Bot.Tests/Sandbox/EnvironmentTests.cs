using Guanjia.Bot.Sandbox;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Guanjia.Bot.Tests.Sandbox;

/// <summary>The sandbox runs only on purpose: Development, or Sandbox:Enabled=true; never by accident in Production.</summary>
public sealed class EnvironmentTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "guanjia-env-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Production_WithoutCredentials_RefusesToStartAndNamesTheKeys()
    {
        using var factory = Host("Production");

        var error = Assert.ThrowsAny<OptionsValidationException>(() => factory.Services);

        Assert.Contains("WeCom:CorpId", error.Message, StringComparison.Ordinal);
        Assert.Contains("WeCom:Bot:Token", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sandbox:Enabled=true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_WithSandboxEnabled_RunsTheSandbox()
    {
        using var factory = Host("Production", sandboxEnabled: true);

        Assert.NotNull(factory.Services.GetService<SandboxState>());
    }

    [Fact]
    public void Development_WithoutCredentials_RunsTheSandbox()
    {
        using var factory = Host("Development");

        Assert.NotNull(factory.Services.GetService<SandboxState>());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private WebApplicationFactory<Program> Host(string environment, bool sandboxEnabled = false) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            builder.UseContentRoot(GuanjiaFactory.RepoRoot);
            builder.UseSetting("ConnectionStrings:Guanjia", $"Data Source={Path.Combine(_dir, "guanjia.db")}");
            builder.UseSetting("Media:Root", Path.Combine(_dir, "media"));
            builder.UseSetting("Sandbox:File", Path.Combine(_dir, "sandbox.json"));
            builder.UseSetting("Jobs:Enabled", "false");
            if (sandboxEnabled)
            {
                builder.UseSetting("Sandbox:Enabled", "true");
            }
        });
}
