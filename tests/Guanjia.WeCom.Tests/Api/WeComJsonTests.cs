using System.Text;
using System.Text.Json;
using Guanjia.WeCom.Api;

namespace Guanjia.WeCom.Tests.Api;

public class WeComJsonTests
{
    [Theory]
    [InlineData("你好")]
    [InlineData("路灯坏了😀👍")]
    [InlineData("<font color=\"info\">已办结</font> & <a href=\"https://x.cn/?a=1&b=2\">详情</a>")]
    [InlineData("路径 C:\\users\\u1234 不是转义")]
    [InlineData("第一行\n第二行\t缩进")]
    public void Serialize_RoundTripsAndHasNoUnicodeEscapes(string text)
    {
        var bytes = WeComJson.SerializeToUtf8Bytes(new { content = text });

        var json = Encoding.UTF8.GetString(bytes);
        Assert.Equal(text, JsonDocument.Parse(bytes).RootElement.GetProperty("content").GetString());
        Assert.DoesNotContain("\\u", json.Replace("\\\\", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_ChineseIsRawUtf8Bytes()
    {
        var bytes = WeComJson.SerializeToUtf8Bytes(new { content = "你好" });

        Assert.Equal("{\"content\":\"你好\"}"u8.ToArray(), bytes);
    }

    [Fact]
    public void Serialize_ControlCharacterStaysEscaped()
    {
        var bytes = WeComJson.SerializeToUtf8Bytes(new { content = "a\u0001b" });

        Assert.Equal("a\u0001b", JsonDocument.Parse(bytes).RootElement.GetProperty("content").GetString());
        Assert.Contains("\\u0001", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }
}
