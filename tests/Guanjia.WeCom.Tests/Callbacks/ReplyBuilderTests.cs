using System.Text.Json;
using System.Xml.Linq;
using Guanjia.WeCom.Callbacks;
using Guanjia.WeCom.Tests.Crypto;

namespace Guanjia.WeCom.Tests.Callbacks;

public class ReplyBuilderTests
{
    [Fact]
    public void BotStream_MatchesSpecVectorS1PlaintextByteForByte()
    {
        Assert.Equal(WeComVectors.S1Message, BotReplies.Stream("STREAMID", finish: false, "hello"));
    }

    [Fact]
    public void AppText_MatchesSpecVectorS2PlaintextByteForByte()
    {
        Assert.Equal(WeComVectors.S2Message, AppReplies.Text("mycreate", "wx5823bf96d3bd56c7", 1348831860, "this is a test"));
    }

    [Fact]
    public void BotText_WithChinese_WritesRawUtf8WithoutUnicodeEscapes()
    {
        var json = BotReplies.Text("欢迎使用小巷管家！请描述问题，\"例如\"：74号院漏水");

        Assert.DoesNotContain("\\u", json, StringComparison.Ordinal);
        Assert.Contains("欢迎使用小巷管家", json, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("text", doc.RootElement.GetProperty("msgtype").GetString());
        Assert.Equal("欢迎使用小巷管家！请描述问题，\"例如\"：74号院漏水", doc.RootElement.GetProperty("text").GetProperty("content").GetString());
    }

    [Fact]
    public void BotStream_ParsesBackWithIdFinishAndContent()
    {
        var json = BotReplies.Stream("s-1", finish: true, "已登记：74号院漏水\n工单号 T-7");

        Assert.DoesNotContain("\\u", json, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        var stream = doc.RootElement.GetProperty("stream");
        Assert.Equal("stream", doc.RootElement.GetProperty("msgtype").GetString());
        Assert.Equal("s-1", stream.GetProperty("id").GetString());
        Assert.True(stream.GetProperty("finish").GetBoolean());
        Assert.Equal("已登记：74号院漏水\n工单号 T-7", stream.GetProperty("content").GetString());
    }

    [Fact]
    public void AppText_WithChineseAndCDataTerminator_RoundTripsThroughXmlParser()
    {
        const string content = "收到 ]]> <b>&amp; 74号院";

        var xml = AppReplies.Text("zhangsan", "ww1436e0e65a779aee", 1700000000, content);

        var root = XElement.Parse(xml);
        Assert.Equal("xml", root.Name.LocalName);
        Assert.Equal("zhangsan", root.Element("ToUserName")!.Value);
        Assert.Equal("ww1436e0e65a779aee", root.Element("FromUserName")!.Value);
        Assert.Equal("1700000000", root.Element("CreateTime")!.Value);
        Assert.Equal("text", root.Element("MsgType")!.Value);
        Assert.Equal(content, root.Element("Content")!.Value);
    }

    [Fact]
    public void AppText_WithControlCharacter_DropsItSoTheXmlStaysValid()
    {
        var xml = AppReplies.Text("u", "c", 1, "a\u0001b😀");

        Assert.Equal("ab😀", XElement.Parse(xml).Element("Content")!.Value);
    }

    [Fact]
    public void EnvelopeXml_HasCDataFieldsAndCapitalSTimeStamp()
    {
        var xml = EncryptedReplyEnvelope.Xml("ENC+/=", "sig", 1409659813, "nonce1");

        Assert.Equal("<xml><Encrypt><![CDATA[ENC+/=]]></Encrypt><MsgSignature><![CDATA[sig]]></MsgSignature><TimeStamp>1409659813</TimeStamp><Nonce><![CDATA[nonce1]]></Nonce></xml>", xml);
    }

    [Fact]
    public void EnvelopeJson_HasNumericTimestampAndMsgSignatureKey()
    {
        var json = EncryptedReplyEnvelope.Json("ENC+/=", "sig", 1641002400, "n");

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(["encrypt", "msgsignature", "timestamp", "nonce"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ENC+/=", root.GetProperty("encrypt").GetString());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("timestamp").ValueKind);
        Assert.Equal(1641002400, root.GetProperty("timestamp").GetInt64());
        Assert.Contains("\"ENC+/=\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void BotText_WithEmoji_WritesRawUtf8WithoutSurrogateEscapes()
    {
        var json = BotReplies.Text("已派单 😀👍");

        Assert.DoesNotContain("\\u", json, StringComparison.Ordinal);
        Assert.Contains("😀👍", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("quote \" backslash \\ slash /")]
    [InlineData("lines\r\n\ttab\bback\fform")]
    [InlineData("ctrl \u0001\u001f end")]
    [InlineData("<script>&'</script> \u2028\u2029")]
    [InlineData("")]
    public void BotStream_WithCharactersJsonMustEscape_RoundTripsExactly(string content)
    {
        var json = BotReplies.Stream("id\"1", finish: false, content);

        using var doc = JsonDocument.Parse(json);
        Assert.Equal(content, doc.RootElement.GetProperty("stream").GetProperty("content").GetString());
        Assert.Equal("id\"1", doc.RootElement.GetProperty("stream").GetProperty("id").GetString());
        Assert.False(doc.RootElement.GetProperty("stream").GetProperty("finish").GetBoolean());
    }

    [Fact]
    public void BotText_WithLoneSurrogate_ReplacesItSoTheJsonStaysValidUtf8()
    {
        var json = BotReplies.Text("a\uD83Db");

        using var doc = JsonDocument.Parse(System.Text.Encoding.UTF8.GetBytes(json));
        Assert.Equal("a\uFFFDb", doc.RootElement.GetProperty("text").GetProperty("content").GetString());
    }
}
