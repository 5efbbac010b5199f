using Guanjia.WeCom.Api;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Guanjia.WeCom.Tests.Api;

public class WeComOptionsTests
{
    private static WeComOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddWeComApi(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<WeComOptions>>().Value;
    }

    [Fact]
    public void Defaults_AreValidAndPointAtQyapi()
    {
        var options = Resolve([]);

        Assert.Equal("https://qyapi.weixin.qq.com", options.ApiBaseUrl);
        Assert.Equal(new Uri("https://qyapi.weixin.qq.com/"), options.BaseUri);
    }

    [Fact]
    public void Binds_AllKeysIncludingBot()
    {
        var options = Resolve(new()
        {
            ["WeCom:CorpId"] = "ww1436e0e65a779aee",
            ["WeCom:AgentId"] = "1000002",
            ["WeCom:Token"] = "QDG6eK",
            ["WeCom:EncodingAesKey"] = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
            ["WeCom:Bot:Id"] = "aibXXXX",
            ["WeCom:Bot:Token"] = "botToken",
        });

        Assert.Equal((1000002, "QDG6eK", "aibXXXX", "botToken"), (options.AgentId, options.Token, options.Bot.Id, options.Bot.Token));
    }

    [Theory]
    [InlineData("WeCom:ApiBaseUrl", "not a url", "ApiBaseUrl")]
    [InlineData("WeCom:ApiBaseUrl", "/relative/path", "ApiBaseUrl")]
    [InlineData("WeCom:EncodingAesKey", "tooshort", "EncodingAesKey")]
    [InlineData("WeCom:Bot:EncodingAesKey", "tooshort", "EncodingAesKey")]
    [InlineData("WeCom:Token", "has spaces", "Token")]
    public void InvalidValue_FailsValidationNamingTheKey(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
