using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Guanjia.WeCom.Crypto;
using static Guanjia.WeCom.Tests.Crypto.WeComVectors;

namespace Guanjia.WeCom.Tests.Crypto;

public class WeComCallbackCryptoVectorTests
{
    internal static WeComCallbackCrypto CreateCrypto(string token, string key, string receiveId, Func<byte[]>? random16 = null)
    {
        var result = WeComCallbackCrypto.Create(token, key, receiveId, random16);
        Assert.True(result.IsOk, $"Create failed: {result.Error}");
        return result.Value;
    }

    private static WeComCallbackCrypto CryptoA() => CreateCrypto(TokenA, KeyA, CorpA);

    private static WeComCallbackCrypto CryptoB(string receiveId = CorpB) =>
        CreateCrypto(TokenB, KeyB, receiveId, () => Encoding.ASCII.GetBytes(SRandom));

    [Fact]
    public void VerifyAndDecrypt_A1UrlVerification_ReturnsEchoMessage()
    {
        var result = CryptoA().VerifyAndDecrypt(A1Signature, A1Timestamp, A1Nonce, A1Echostr);

        Assert.Equal(WeComCryptoError.None, result.Error);
        Assert.Equal(A1Message, result.Value);
    }

    [Fact]
    public void ComputeSignature_A1_MatchesOfficialSignature() =>
        Assert.Equal(A1Signature, CryptoA().ComputeSignature(A1Timestamp, A1Nonce, A1Echostr));

    [Fact]
    public void VerifyAndDecrypt_A2XmlWithChinese_ReturnsPlaintext()
    {
        var result = CryptoA().VerifyAndDecrypt(A2Signature, A2Timestamp, A2Nonce, A2Encrypt);

        Assert.Equal(WeComCryptoError.None, result.Error);
        Assert.Equal(A2Message, result.Value);
        Assert.Equal(228, Encoding.UTF8.GetByteCount(result.Value!));
    }

    [Fact]
    public void VerifyAndDecrypt_A3JsonSample_ReturnsSameTextAsB4()
    {
        var a3 = CryptoA().VerifyAndDecrypt(A3Signature, A3Timestamp, A3Nonce, A3Encrypt);
        var b4 = CryptoB().VerifyAndDecrypt(B4Signature, B4Timestamp, B4Nonce, B4Encrypt);

        Assert.True(a3.IsOk, a3.Error.ToString());
        Assert.Equal(b4.Value, a3.Value);
    }

    [Fact]
    public void VerifyAndDecrypt_B1UrlVerification_ReturnsEchoMessage()
    {
        var result = CryptoB().VerifyAndDecrypt(B1Signature, B1Timestamp, B1Nonce, B1Echostr);

        Assert.Equal(WeComCryptoError.None, result.Error);
        Assert.Equal(B1Message, result.Value);
    }

    [Fact]
    public void VerifyAndDecrypt_B1EchostrAfterUrlDecoding_ReturnsEchoMessage()
    {
        var echostr = Uri.UnescapeDataString(B1EchostrUrlEncoded);

        var result = CryptoB().VerifyAndDecrypt(B1Signature, B1Timestamp, B1Nonce, echostr);

        Assert.Equal(B1Message, result.Value);
    }

    [Fact]
    public void VerifyAndDecrypt_B2WithPad30_ReturnsPlaintext()
    {
        var result = CryptoB().VerifyAndDecrypt(B2Signature, B2Timestamp, B2Nonce, B2Encrypt);

        Assert.Equal(WeComCryptoError.None, result.Error);
        Assert.Equal(B2Message, result.Value);
        Assert.Equal(284, Encoding.UTF8.GetByteCount(result.Value!));
    }

    [Fact]
    public void B2_HasPad30_SoBclPkcs7With16ByteBlocksThrowsWhileOursDecrypts()
    {
        var key = Convert.FromHexString(KeyBHex);
        using var aes = Aes.Create();
        aes.Key = key;
        var cipher = Convert.FromBase64String(B2Encrypt);

        var raw = aes.DecryptCbc(cipher, key.AsSpan(0, 16), PaddingMode.None);
        Assert.Equal(30, raw[^1]);
        Assert.ThrowsAny<CryptographicException>(() => aes.DecryptCbc(cipher, key.AsSpan(0, 16), PaddingMode.PKCS7));

        Assert.Equal(B2Message, CryptoB().Decrypt(B2Encrypt).Value);
    }

    [Fact]
    public void VerifyAndDecrypt_B4JsonSample_Returns176ByteMalformedJson()
    {
        var result = CryptoB().VerifyAndDecrypt(B4Signature, B4Timestamp, B4Nonce, B4Encrypt);

        Assert.Equal(WeComCryptoError.None, result.Error);
        Assert.Equal(176, Encoding.UTF8.GetByteCount(result.Value!));
        Assert.StartsWith(MalformedJsonStart, result.Value, StringComparison.Ordinal);
        Assert.EndsWith(MalformedJsonEnd, result.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_G1_ReturnsMessageWithItsReceiveId()
    {
        var crypto = CreateCrypto("token", G1Key, G1ReceiveId);

        var result = crypto.Decrypt(G1Encrypt);

        Assert.Equal(WeComCryptoError.None, result.Error);
        Assert.Equal(G1Message, result.Value);
    }

    [Fact]
    public void VerifyAndDecrypt_G2_ReturnsTextMessageXml()
    {
        var crypto = CreateCrypto(G2Token, G2Key, G2ReceiveId);

        var result = crypto.VerifyAndDecrypt(G2Signature, G2Timestamp, G2Nonce, G2Encrypt);

        Assert.Equal(WeComCryptoError.None, result.Error);
        Assert.Contains("foobar", result.Value, StringComparison.Ordinal);
        Assert.Contains("x123", result.Value, StringComparison.Ordinal);
        Assert.Contains("<MsgId>2018405441</MsgId>", result.Value, StringComparison.Ordinal);
        Assert.Contains("1000002", result.Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(S1Message, "", S1Encrypt, S1Signature)]
    [InlineData(S2Message, CorpB, S2Encrypt, S2Signature)]
    public void Encrypt_WithFixedRandom_MatchesSpecVectorAndSignature(string message, string receiveId, string expected, string signature)
    {
        var crypto = CryptoB(receiveId);

        var result = crypto.Encrypt(message);

        Assert.Equal(WeComCryptoError.None, result.Error);
        Assert.Equal(expected, result.Value);
        Assert.Equal(signature, crypto.ComputeSignature(STimestamp, SNonce, result.Value!));
        Assert.Equal(message, crypto.VerifyAndDecrypt(signature, STimestamp, SNonce, expected).Value);
    }

    [Fact]
    public void Encrypt_RepeatedOnOneInstanceAfterDecrypts_StillStartsEachMessageFromTheKeyIv()
    {
        // The pooled CBC transforms must restart from the IV for every message.
        var crypto = CryptoB();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(S2Encrypt, crypto.Encrypt(S2Message).Value);
            Assert.Equal(B2Message, crypto.Decrypt(B2Encrypt).Value);
            Assert.Equal(WeComCryptoError.DecryptAes, crypto.Decrypt(Convert.ToBase64String(new byte[20])).Error);
        }
    }

    [Fact]
    public void Encrypt_S3FramedLengthMultipleOf32_AddsWholePadBlock()
    {
        var crypto = CryptoB("");

        var result = crypto.Encrypt(S3Message);

        Assert.Equal(S3Encrypt, result.Value);
        Assert.Equal(64, Convert.FromBase64String(result.Value!).Length);
        var raw = RawDecrypt(KeyBHex, S3Encrypt);
        Assert.All(raw[32..], b => Assert.Equal(32, b));
        Assert.Equal(S3Message, crypto.Decrypt(S3Encrypt).Value);
    }

    [Fact]
    public void ComputeSignature_SortsOrdinallyNotByCulture()
    {
        var crypto = CreateCrypto("abc", KeyB, CorpB);
        string[] values = ["abc", "1409659813", "1372623149", "Bxyz"];
        var cultureSorted = values.Order(StringComparer.Create(CultureInfo.InvariantCulture, ignoreCase: false));
#pragma warning disable CA5350 // SHA1 is what the WeCom signature uses.
        var cultureSha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(cultureSorted))));
#pragma warning restore CA5350

        var signature = crypto.ComputeSignature("1409659813", "1372623149", "Bxyz");

        Assert.Equal("0df28ee982e4670ffcaf7f89c2640ad5e6c4dce2", signature);
        Assert.Equal("4b77846d177505aff51e993524cd7d2c34c56599", cultureSha1);
    }

    [Fact]
    public void Create_WithSetAKey_DerivesDocumentedAesKey()
    {
        // The IV is the key's first 16 bytes: decrypting A1 with exactly that key/IV reproduces the frame.
        var raw = RawDecrypt(KeyAHex, A1Echostr);

        Assert.Equal(7, raw[^1]);
        Assert.Equal(A1Message, CryptoA().Decrypt(A1Echostr).Value);
    }

    internal static byte[] RawDecrypt(string keyHex, string base64)
    {
        var key = Convert.FromHexString(keyHex);
        using var aes = Aes.Create();
        aes.Key = key;
        return aes.DecryptCbc(Convert.FromBase64String(base64), key.AsSpan(0, 16), PaddingMode.None);
    }
}
