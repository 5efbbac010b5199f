using System.Diagnostics;
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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Envelope_WithDeeplyNestedElements_IsRefusedAsTooComplex(bool closed)
    {
        var ok = AppCallbackParser.TryReadEnvelope(Nested(100_000, closed), out var envelope, out var error);

        Assert.False(ok);
        Assert.Null(envelope);
        Assert.Equal(CallbackParseError.TooComplex, error);
    }

    [Fact]
    public void AppMessage_WithDeeplyNestedElements_IsRefusedAsTooComplex()
    {
        Assert.False(AppMessageParser.TryParse(Nested(100_000, closed: true), out var message, out var error));

        Assert.Null(message);
        Assert.Equal(CallbackParseError.TooComplex, error);
    }

    [Fact]
    public void Envelope_WithTooManySiblings_IsRefusedAsTooComplex()
    {
        var xml = "<xml><Encrypt>abc</Encrypt>" + string.Concat(Enumerable.Repeat("<a/>", SafeXml.MaxElements)) + "</xml>";

        Assert.False(AppCallbackParser.TryReadEnvelope(xml, out _, out var error));
        Assert.Equal(CallbackParseError.TooComplex, error);
    }

    [Theory]
    [InlineData("a{0}=\"\" ")]
    [InlineData("xmlns:p{0}=\"u\" ")]
    public void Envelope_WithAFloodOfAttributes_IsRefusedAsTooComplex_AsFastAsASmallDocumentIsRead(string attribute)
    {
        var flood = "<xml " + string.Concat(Enumerable.Range(0, 60_000).Select(i => string.Format(System.Globalization.CultureInfo.InvariantCulture, attribute, i)))
            + "><Encrypt>abc</Encrypt></xml>";
        var flat = "<xml><ToUserName>ww1</ToUserName><Encrypt>" + new string('A', Math.Min(flood.Length, CallbackLimits.MaxBodyBytes) - 60) + "</Encrypt></xml>";

        Assert.False(AppCallbackParser.TryReadEnvelope(flood, out _, out var error));
        Assert.Equal(flood.Length <= CallbackLimits.MaxBodyBytes ? CallbackParseError.TooComplex : CallbackParseError.TooLarge, error);
        var floodTime = Fastest(() => AppCallbackParser.TryReadEnvelope(flood, out _, out _));
        var flatTime = Fastest(() => AppCallbackParser.TryReadEnvelope(flat, out _, out _));
        Assert.True(floodTime <= flatTime * 2 + TimeSpan.FromMilliseconds(1), $"flood {floodTime.TotalMilliseconds} ms, flat {flatTime.TotalMilliseconds} ms");
    }

    [Fact]
    public void AppMessage_WithManyEqualsSignsInItsText_IsStillRead()
    {
        var xml = "<xml><ToUserName>ww1</ToUserName><FromUserName>u1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>"
            + new string('=', 2048) + "</Content><MsgId>9</MsgId></xml>";

        Assert.True(AppMessageParser.TryParse(xml, out var message, out var error), error.ToString());
        Assert.Equal(2048, Assert.IsType<AppTextMessage>(message).Content.Length);
    }

    [Fact]
    public void Envelope_AtMaxDepth_IsStillRead()
    {
        // Root at depth 0, Encrypt at 1, then nesting down to exactly MaxDepth.
        var xml = "<xml><Encrypt>abc</Encrypt>" + Nested(SafeXml.MaxDepth - 1, closed: true) + "</xml>";

        Assert.True(AppCallbackParser.TryReadEnvelope(xml, out var envelope, out _));
        Assert.Equal("abc", envelope.Encrypt);
    }

    [Fact]
    public void Envelope_WithDeepNesting_IsRefusedFasterThanASmallDocumentOfTheSameSizeIsRead()
    {
        // Relative, not wall-clock: refusing 100,000 nested elements (~700 KB) must cost no more
        // than reading a well-formed envelope of the same size. Before the depth bound it cost
        // thousands of times more (quadratic XDocument.Load).
        var deep = Nested(100_000, closed: true);
        var flat = "<xml><ToUserName>ww1</ToUserName><Encrypt>" + new string('A', deep.Length - 60) + "</Encrypt></xml>";
        Assert.True(AppCallbackParser.TryReadEnvelope(flat, out _, out _));

        var deepTime = Fastest(() => AppCallbackParser.TryReadEnvelope(deep, out _, out _));
        var flatTime = Fastest(() => AppCallbackParser.TryReadEnvelope(flat, out _, out _));

        Assert.True(deepTime <= flatTime * 2 + TimeSpan.FromMilliseconds(1), $"deep {deepTime.TotalMilliseconds} ms, flat {flatTime.TotalMilliseconds} ms");
    }

    private static string Nested(int depth, bool closed) =>
        "<xml>" + string.Concat(Enumerable.Repeat("<a>", depth)) + (closed ? string.Concat(Enumerable.Repeat("</a>", depth)) + "</xml>" : "");

    private static TimeSpan Fastest(Action action)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = watch.Elapsed < best ? watch.Elapsed : best;
        }

        return best;
    }
}
