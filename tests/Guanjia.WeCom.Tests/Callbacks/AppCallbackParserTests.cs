using System.Text;
using Guanjia.WeCom.Callbacks;

namespace Guanjia.WeCom.Tests.Callbacks;

public class AppCallbackParserTests
{
    private const string A2Encrypt = "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+";

    [Fact]
    public void TryReadEnvelope_WithXmlEnvelope_ReturnsEncryptToUserAndAgent()
    {
        var body = $"<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[{A2Encrypt}]]></Encrypt></xml>";

        var ok = AppCallbackParser.TryReadEnvelope(body, out var envelope, out var error);

        Assert.True(ok);
        Assert.Equal(CallbackParseError.None, error);
        Assert.Equal(new AppEnvelope(A2Encrypt, "ww1436e0e65a779aee", "1000002"), envelope);
    }

    [Fact]
    public void TryReadEnvelope_WithUtf8Bytes_ReadsSameAsString()
    {
        var body = Encoding.UTF8.GetBytes($"<xml><ToUserName>ww1</ToUserName><Encrypt>{A2Encrypt}</Encrypt></xml>");

        var ok = AppCallbackParser.TryReadEnvelope(body, out var envelope, out _);

        Assert.True(ok);
        Assert.Equal(A2Encrypt, envelope!.Encrypt);
        Assert.Equal("ww1", envelope.ToUserName);
        Assert.Null(envelope.AgentId);
    }

    [Theory]
    [InlineData("<xml><Encrypt>abc</Encrypt></xml>")]
    [InlineData("""{"encrypt":"abc"}""")]
    public void TryReadEnvelope_WithUtf8Bom_ReturnsEncrypt(string text)
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)];

        Assert.True(AppCallbackParser.TryReadEnvelope(body, out var envelope, out var error), error.ToString());
        Assert.Equal("abc", envelope.Encrypt);
    }

    [Theory]
    [InlineData("encrypt")]
    [InlineData("Encrypt")]
    [InlineData("ENCRYPT")]
    public void TryReadEnvelope_WithJsonVariant_ReadsEncryptInAnyCase(string key)
    {
        var body = $$"""  {"tousername": "wx5823bf96d3bd56c7", "{{key}}": "{{A2Encrypt}}", "agentid": 218}""";

        var ok = AppCallbackParser.TryReadEnvelope(body, out var envelope, out var error);

        Assert.True(ok, error.ToString());
        Assert.Equal(A2Encrypt, envelope!.Encrypt);
        Assert.Equal("wx5823bf96d3bd56c7", envelope.ToUserName);
        Assert.Equal("218", envelope.AgentId);
    }

    [Theory]
    [InlineData("<xml><ToUserName>ww1</ToUserName></xml>")]
    [InlineData("<xml><Encrypt></Encrypt></xml>")]
    [InlineData("""{"tousername":"ww1"}""")]
    [InlineData("""{"encrypt": 5}""")]
    public void TryReadEnvelope_WithoutEncrypt_ReturnsMissingField(string body)
    {
        var ok = AppCallbackParser.TryReadEnvelope(body, out var envelope, out var error);

        Assert.False(ok);
        Assert.Null(envelope);
        Assert.Equal(CallbackParseError.MissingField, error);
    }

    [Theory]
    [InlineData("<xml><Encrypt>abc</Encrypt>")]
    [InlineData("<xml><Encrypt>abc</Encrypt></xml><xml/>")]
    [InlineData("{\"encrypt\": \"abc\"")]
    [InlineData("[\"abc\"]")]
    [InlineData("encrypt=abc")]
    public void TryReadEnvelope_WithMalformedBody_ReturnsMalformed(string body)
    {
        var ok = AppCallbackParser.TryReadEnvelope(body, out _, out var error);

        Assert.False(ok);
        Assert.Equal(CallbackParseError.Malformed, error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n")]
    public void TryReadEnvelope_WithEmptyBody_ReturnsEmpty(string body)
    {
        Assert.False(AppCallbackParser.TryReadEnvelope(body, out _, out var error));
        Assert.Equal(CallbackParseError.Empty, error);
    }

    [Fact]
    public void TryReadEnvelope_WithBodyOverOneMiB_ReturnsTooLargeBeforeParsing()
    {
        // Well-formed, so only the size check can refuse it.
        var body = "<xml><Encrypt>" + new string('A', CallbackLimits.MaxBodyBytes) + "</Encrypt></xml>";

        Assert.False(AppCallbackParser.TryReadEnvelope(body, out _, out var stringError));
        Assert.False(AppCallbackParser.TryReadEnvelope(Encoding.UTF8.GetBytes(body), out _, out var bytesError));

        Assert.Equal(CallbackParseError.TooLarge, stringError);
        Assert.Equal(CallbackParseError.TooLarge, bytesError);
    }

    [Fact]
    public void TryReadEnvelope_JustUnderTheCap_IsAccepted()
    {
        var prefix = "<xml><Encrypt>";
        var suffix = "</Encrypt></xml>";
        var body = prefix + new string('A', CallbackLimits.MaxBodyBytes - prefix.Length - suffix.Length) + suffix;

        Assert.True(AppCallbackParser.TryReadEnvelope(body, out var envelope, out _));
        Assert.Equal(CallbackLimits.MaxBodyBytes, body.Length);
        Assert.StartsWith("AAAA", envelope.Encrypt, StringComparison.Ordinal);
    }
}
