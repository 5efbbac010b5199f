using System.Net;

namespace Guanjia.Bot.Tests.Sandbox;

#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime
public sealed class RealModeTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly GuanjiaFactory _factory = new();

    public Task InitializeAsync() => _factory.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_factory).DisposeAsync();

    [Theory]
    [InlineData("/sandbox")]
    [InlineData("/sandbox/api/setup")]
    [InlineData("/sandbox/api/key")]
    [InlineData("/sandbox/wecom/cgi-bin/gettoken")]
    public async Task WithCredentials_NoSandboxRouteExists(string path)
    {
        var response = await _factory.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task WithCredentials_DashboardIsServed()
    {
        var html = await _factory.CreateClient().GetStringAsync("/");

        Assert.Contains("小巷管家 · 看板", html, StringComparison.Ordinal);
    }
}
