using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Guanjia.WeCom.Callbacks;
using Guanjia.WeCom.Crypto;
using Guanjia.WeCom.Tests.Crypto;

namespace Guanjia.WeCom.Tests.Callbacks;

public class EncryptedReplyTests
{
    private static WeComCallbackCrypto Crypto(string receiveId, bool fixedRandom = true)
    {
        var result = WeComCallbackCrypto.Create(
            WeComVectors.TokenB, WeComVectors.KeyB, receiveId,
            fixedRandom ? () => Encoding.ASCII.GetBytes(WeComVectors.SRandom) : null);
        Assert.True(result.IsOk);
        return result.Value;
    }

    [Fact]
    public void ForBot_WithVectorS1_ProducesExpectedCiphertextAndSignature()
    {
        var reply = EncryptedReply.ForBot(Crypto(""), BotReplies.Stream("STREAMID", false, "hello"), 1409659813, WeComVectors.SNonce);

        Assert.True(reply.IsOk);
        using var doc = JsonDocument.Parse(reply.Value);
        Assert.Equal(WeComVectors.S1Encrypt, doc.RootElement.GetProperty("encrypt").GetString());
        Assert.Equal(WeComVectors.S1Signature, doc.RootElement.GetProperty("msgsignature").GetString());
        Assert.Equal(1409659813, doc.RootElement.GetProperty("timestamp").GetInt64());
        Assert.Equal(WeComVectors.SNonce, doc.RootElement.GetProperty("nonce").GetString());
    }

    [Fact]
    public void ForApp_WithVectorS2_ProducesExpectedCiphertextAndSignature()
    {
        var plaintext = AppReplies.Text("mycreate", WeComVectors.CorpB, 1348831860, "this is a test");

        var reply = EncryptedReply.ForApp(Crypto(WeComVectors.CorpB), plaintext, 1409659813, WeComVectors.SNonce);

        Assert.True(reply.IsOk);
        var root = XElement.Parse(reply.Value);
        Assert.Equal(WeComVectors.S2Encrypt, root.Element("Encrypt")!.Value);
        Assert.Equal(WeComVectors.S2Signature, root.Element("MsgSignature")!.Value);
        Assert.Equal("1409659813", root.Element("TimeStamp")!.Value);
        Assert.Equal(WeComVectors.SNonce, root.Element("Nonce")!.Value);
    }

    [Fact]
    public void ForApp_WithRandomPrefix_RoundTripsThroughEnvelopeParserAndDecrypt()
    {
        var crypto = Crypto(WeComVectors.CorpA, fixedRandom: false);
        var plaintext = AppReplies.Text("ChenJiaShun", WeComVectors.CorpA, 1700000000, "已收到，工单 T-1：74号院漏水");

        var reply = EncryptedReply.ForApp(crypto, plaintext, 1700000000, "nonce-7");

        Assert.True(reply.IsOk);
        var root = XElement.Parse(reply.Value);
        Assert.True(AppCallbackParser.TryReadEnvelope(reply.Value, out var envelope, out _));
        var decrypted = crypto.VerifyAndDecrypt(root.Element("MsgSignature")!.Value, "1700000000", "nonce-7", envelope.Encrypt);
        Assert.True(decrypted.IsOk, decrypted.Error.ToString());
        Assert.Equal(plaintext, decrypted.Value);
    }

    [Fact]
    public void ForBot_WithChinese_RoundTripsAndStaysUnescaped()
    {
        var crypto = Crypto("", fixedRandom: false);
        var plaintext = BotReplies.Text("欢迎！直接发问题和照片即可");

        var reply = EncryptedReply.ForBot(crypto, plaintext, 1700000000, "n1");

        Assert.True(reply.IsOk);
        Assert.True(BotCallbackParser.TryReadEnvelope(reply.Value, out var envelope, out _));
        using var doc = JsonDocument.Parse(reply.Value);
        var decrypted = crypto.VerifyAndDecrypt(doc.RootElement.GetProperty("msgsignature").GetString()!, "1700000000", "n1", envelope.Encrypt);
        Assert.True(decrypted.IsOk);
        Assert.Equal(plaintext, decrypted.Value);
        Assert.DoesNotContain("\\u", decrypted.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void ForBot_WhenEncryptFails_ReturnsThatErrorAndDoesNotSign()
    {
        var signed = false;

        var reply = EncryptedReply.ForBot(
            _ => CryptoResult<string>.Fail(WeComCryptoError.EncryptAes),
            (_, _, _) => { signed = true; return "sig"; },
            "{}", 1, "n");

        Assert.False(reply.IsOk);
        Assert.Equal(WeComCryptoError.EncryptAes, reply.Error);
        Assert.False(signed);
    }

    [Theory]
    [InlineData(-1, "n")]
    [InlineData(1, "")]
    public void ForApp_WithNegativeTimestampOrEmptyNonce_ReturnsGenReturn(long timestamp, string nonce)
    {
        var reply = EncryptedReply.ForApp(Crypto(WeComVectors.CorpB), "<xml/>", timestamp, nonce);

        Assert.Equal(WeComCryptoError.GenReturn, reply.Error);
    }
}
