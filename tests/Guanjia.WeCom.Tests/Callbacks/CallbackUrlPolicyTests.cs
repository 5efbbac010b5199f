using Guanjia.WeCom.Api;
using Guanjia.WeCom.Callbacks;

namespace Guanjia.WeCom.Tests.Callbacks;

public class CallbackUrlPolicyTests
{
    private static readonly CallbackUrlPolicy Production = new(new WeComOptions());

    private static readonly CallbackUrlPolicy Sandbox = new(new WeComOptions { ApiBaseUrl = "http://127.0.0.1:5080/fake/" });

    [Theory]
    [InlineData("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC")]
    [InlineData("https://QYAPI.weixin.qq.com/cgi-bin/aibot/response?response_code=RC")]
    public void IsResponseUrl_OnWeComsApiHost_IsTrue(string url) => Assert.True(Production.IsResponseUrl(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://qyapi.weixin.qq.com/x")]
    [InlineData("file:///etc/passwd")]
    [InlineData("data:text/plain,hi")]
    [InlineData("https://evil.example/cgi-bin/aibot/response")]
    [InlineData("https://qyapi.weixin.qq.com.evil.example/x")]
    [InlineData("https://qyapi.weixin.qq.com@evil.example/x")]
    [InlineData("https://user:pw@qyapi.weixin.qq.com/x")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("/cgi-bin/aibot/response")]
    [InlineData("http://127.0.0.1:5080/fake/cgi-bin/aibot/response")]
    public void IsResponseUrl_ElsewhereOrNotHttp_IsFalse(string? url) => Assert.False(Production.IsResponseUrl(url));

    [Theory]
    [InlineData("https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/BHoPdA3/757?sign=q")]
    [InlineData("https://wework.qpic.cn/wwpic/1/0")]
    [InlineData("http://p.qpic.cn/x")]
    public void IsMediaUrl_OnWeComsMediaHosts_IsTrue(string url) => Assert.True(Production.IsMediaUrl(url));

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://wework.qpic.cn/x")]
    [InlineData("https://attacker-bucket.cos.ap-guangzhou.myqcloud.com/x")]
    [InlineData("https://qpic.cn.evil.example/x")]
    [InlineData("https://evilqpic.cn/x")]
    [InlineData("http://localhost/x")]
    public void IsMediaUrl_ElsewhereOrNotHttp_IsFalse(string url) => Assert.False(Production.IsMediaUrl(url));

    [Fact]
    public void Sandbox_AllowsTheFakesOwnUrls_ButNotOtherPortsOnTheSameHost()
    {
        Assert.True(Sandbox.IsResponseUrl("http://127.0.0.1:5080/fake/cgi-bin/aibot/response?response_code=1"));
        Assert.True(Sandbox.IsMediaUrl("http://127.0.0.1:5080/fake/fake/download/abc"));
        Assert.False(Sandbox.IsMediaUrl("http://127.0.0.1:22/x"));
        Assert.False(Sandbox.IsResponseUrl("https://127.0.0.1:5080/x"));
    }

    [Fact]
    public void MediaHosts_FromConfiguration_AreAllowedWithSubdomainsWhenDotted()
    {
        var options = new WeComOptions();
        options.MediaHosts.Add(".media.example.gov.cn");
        var policy = new CallbackUrlPolicy(options);

        Assert.True(policy.IsMediaUrl("https://a.media.example.gov.cn/x"));
        Assert.True(policy.IsMediaUrl("https://media.example.gov.cn/x"));
        Assert.False(policy.IsMediaUrl("https://othermedia.example.gov.cn/x"));
    }
}
