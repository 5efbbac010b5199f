using Guanjia.WeCom.Callbacks;

namespace Guanjia.WeCom.Tests.Callbacks;

public class SafeXmlTests
{
    private const string BillionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE xml [
          <!ENTITY lol "lol">
          <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
          <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
          <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
          <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
          <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
          <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
        ]>
        <xml><ToUserName>ww1</ToUserName><FromUserName>u1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol9;</Content><MsgId>1</MsgId><Encrypt>&lol9;</Encrypt></xml>
        """;

    private const string Xxe = """
        <?xml version="1.0"?>
        <!DOCTYPE xml [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
        <xml><ToUserName>ww1</ToUserName><FromUserName>u1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&x;</Content><MsgId>1</MsgId><Encrypt>&x;</Encrypt></xml>
        """;

    [Fact]
    public void AppMessage_WithBillionLaughs_IsRefusedAsDtd()
    {
        var ok = AppMessageParser.TryParse(BillionLaughs, out var message, out var error);

        Assert.False(ok);
        Assert.Null(message);
        Assert.Equal(CallbackParseError.DtdProhibited, error);
    }

    [Fact]
    public void AppMessage_WithExternalEntity_IsRefusedNotResolved()
    {
        var ok = AppMessageParser.TryParse(Xxe, out var message, out var error);

        Assert.False(ok);
        Assert.Null(message);
        Assert.Equal(CallbackParseError.DtdProhibited, error);
    }

    [Fact]
    public void Envelope_WithBillionLaughsOrXxe_IsRefusedAsDtd()
    {
        Assert.False(AppCallbackParser.TryReadEnvelope(BillionLaughs, out _, out var laughs));
        Assert.False(AppCallbackParser.TryReadEnvelope(Xxe, out _, out var xxe));

        Assert.Equal(CallbackParseError.DtdProhibited, laughs);
        Assert.Equal(CallbackParseError.DtdProhibited, xxe);
    }

    [Fact]
    public void AppMessage_WithInternalDtdWithoutEntities_IsStillRefused()
    {
        const string xml = "<!DOCTYPE xml><xml><ToUserName>ww1</ToUserName></xml>";

        Assert.False(AppMessageParser.TryParse(xml, out _, out var error));
        Assert.Equal(CallbackParseError.DtdProhibited, error);
    }

    [Fact]
    public void AppMessage_WithPredefinedEntitiesAndCharacterReferences_DecodesThem()
    {
        const string xml = "<xml><ToUserName>ww1</ToUserName><FromUserName>u1</FromUserName><CreateTime>1</CreateTime>"
            + "<MsgType>text</MsgType><Content>a &amp; b &lt;c&gt; &#x4F60;&#22909;</Content><MsgId>9</MsgId></xml>";

        Assert.True(AppMessageParser.TryParse(xml, out var message, out _));
        Assert.Equal("a & b <c> 你好", Assert.IsType<AppTextMessage>(message).Content);
    }

    [Fact]
    public void AppMessage_WithPlaintextOverCap_ReturnsTooLarge()
    {
        var xml = "<xml><ToUserName>ww1</ToUserName><FromUserName>u1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>"
            + new string('好', CallbackLimits.MaxBodyBytes) + "</Content><MsgId>1</MsgId></xml>";

        Assert.False(AppMessageParser.TryParse(xml, out _, out var error));
        Assert.Equal(CallbackParseError.TooLarge, error);
    }
}
