using Guanjia.WeCom.Api;
using Guanjia.WeCom.Fake;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guanjia.WeCom.Tests.Api;

public class FakeWeComHostingTests
{
    [Fact]
    public async Task FakeMappedUnderPrefix_ServesTheClients()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        var fake = new FakeWeCom();
        fake.MapEndpoints(app.MapGroup("/sandbox/wecom"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.PublicBaseAddress = new Uri(address.TrimEnd('/') + "/sandbox/wecom/");

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WeCom:ApiBaseUrl"] = fake.PublicBaseAddress.ToString(),
            ["WeCom:CorpId"] = fake.CorpId,
            ["WeCom:Secret"] = fake.Secret,
            ["WeCom:AgentId"] = "1000002",
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddWeComApi(configuration).BuildServiceProvider();

        var sent = await services.GetRequiredService<WeComApiClient>().SendTextAsync(["zhangsan"], "沙箱");
        var replied = await services.GetRequiredService<WeComBotClient>().PostMarkdownAsync(fake.NewResponseUrl(), "沙箱回复");

        Assert.True(sent.IsOk, sent.ErrMsg);
        Assert.True(replied.IsOk, replied.ErrMsg);
        Assert.Equal(1, fake.GetTokenCalls);
        Assert.Equal([RecordedMessageKind.App, RecordedMessageKind.ResponseUrl], fake.Messages.Select(m => m.Kind));
        await app.StopAsync();
    }
}
