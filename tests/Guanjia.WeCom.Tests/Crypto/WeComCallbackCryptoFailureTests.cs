using System.Text;
using Guanjia.WeCom.Crypto;
using static Guanjia.WeCom.Tests.Crypto.CryptoTestFrames;
using static Guanjia.WeCom.Tests.Crypto.WeComVectors;

namespace Guanjia.WeCom.Tests.Crypto;

public class WeComCallbackCryptoFailureTests
{
    private static readonly byte[] CorpBBytes = Encoding.UTF8.GetBytes(CorpB);
    private static readonly byte[] Hello = Encoding.UTF8.GetBytes("你好，路灯坏了");

    private static WeComCallbackCrypto CryptoB(string receiveId = CorpB) =>
        WeComCallbackCryptoVectorTests.CreateCrypto(TokenB, KeyB, receiveId);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2")]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2CC")]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C=")]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2=")]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B*C")]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B C")]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B密C")]
    public void Create_WithIllegalEncodingAesKey_FailsWithIllegalAesKey(string? key)
    {
        var result = WeComCallbackCrypto.Create(TokenB, key!, CorpB);

        Assert.False(result.IsOk);
        Assert.Equal(WeComCryptoError.IllegalAesKey, result.Error);
        Assert.Null(result.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    [InlineData("token with space")]
    [InlineData("令牌")]
    public void Create_WithIllegalToken_FailsWithComputeSignature(string? token)
    {
        var result = WeComCallbackCrypto.Create(token!, KeyB, CorpB);

        Assert.Equal(WeComCryptoError.ComputeSignature, result.Error);
    }

    [Fact]
    public void Create_WithNullReceiveId_FailsWithValidateReceiveId() =>
        Assert.Equal(WeComCryptoError.ValidateReceiveId, WeComCallbackCrypto.Create(TokenB, KeyB, null!).Error);

    [Fact]
    public void Create_WithValidConfig_ExposesTokenAndReceiveId()
    {
        var crypto = CryptoB();

        Assert.Equal(TokenB, crypto.Token);
        Assert.Equal(CorpB, crypto.ReceiveId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("abc")]
    public void Decrypt_WithMissingOrInvalidBase64_FailsWithDecodeBase64(string? encrypted) =>
        Assert.Equal(WeComCryptoError.DecodeBase64, CryptoB().Decrypt(encrypted!).Error);

    [Fact]
    public void Decrypt_WithCiphertextNotMultipleOf16_FailsWithDecryptAes()
    {
        var notBlockAligned = Convert.ToBase64String(new byte[20]);

        Assert.Equal(WeComCryptoError.DecryptAes, CryptoB().Decrypt(notBlockAligned).Error);
    }

    [Fact]
    public void Decrypt_WithTruncatedCiphertext_FailsWithDecryptAes()
    {
        var bytes = Convert.FromBase64String(B2Encrypt);
        var truncated = Convert.ToBase64String(bytes.AsSpan(0, bytes.Length - 3));

        Assert.Equal(WeComCryptoError.DecryptAes, CryptoB().Decrypt(truncated).Error);
    }

    [Fact]
    public void Decrypt_WithBlockTooShortForFrame_FailsWithIllegalBuffer()
    {
        var block = new byte[16];
        block.AsSpan().Fill(16);

        Assert.Equal(WeComCryptoError.IllegalBuffer, CryptoB().Decrypt(EncryptFrame(KeyB, block)).Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    [InlineData(255)]
    public void Decrypt_WithPadValueOutOfRange_FailsWithIllegalBuffer(byte padValue)
    {
        var padded = Pad32(Frame(Hello, CorpBBytes));
        padded[^1] = padValue;

        Assert.Equal(WeComCryptoError.IllegalBuffer, CryptoB().Decrypt(EncryptFrame(KeyB, padded)).Error);
    }

    [Fact]
    public void Decrypt_WithInconsistentPadBytes_FailsWithIllegalBuffer()
    {
        var padded = Pad32(Frame(Hello, CorpBBytes));
        var pad = padded[^1];
        Assert.True(pad > 1);
        padded[^pad] ^= 0x01;

        Assert.Equal(WeComCryptoError.IllegalBuffer, CryptoB().Decrypt(EncryptFrame(KeyB, padded)).Error);
    }

    [Theory]
    [InlineData(uint.MaxValue)]
    [InlineData(0x8000_0000u)]
    [InlineData(0u + 21 + 18 + 1)]
    public void Decrypt_WithLengthFieldBeyondFrame_FailsWithIllegalBuffer(uint lengthField)
    {
        var message = Encoding.UTF8.GetBytes("abcde路灯不亮了x");
        Assert.Equal(21, message.Length);
        var padded = Pad32(Frame(message, CorpBBytes, lengthField));

        Assert.Equal(WeComCryptoError.IllegalBuffer, CryptoB().Decrypt(EncryptFrame(KeyB, padded)).Error);
    }

    [Fact]
    public void Decrypt_WithInvalidUtf8Message_FailsWithIllegalBuffer()
    {
        var padded = Pad32(Frame([0xE4, 0xBD, 0x41, 0xFF], CorpBBytes));

        Assert.Equal(WeComCryptoError.IllegalBuffer, CryptoB().Decrypt(EncryptFrame(KeyB, padded)).Error);
    }

    [Theory]
    [InlineData("ww1436e0e65a779aee")]
    [InlineData("WX5823BF96D3BD56C7")]
    [InlineData("wx5823bf96d3bd56c")]
    [InlineData("wx5823bf96d3bd56c7 ")]
    [InlineData("")]
    public void Decrypt_WithOtherReceiveId_FailsWithValidateReceiveId(string embeddedReceiveId)
    {
        var padded = Pad32(Frame(Hello, Encoding.UTF8.GetBytes(embeddedReceiveId)));

        Assert.Equal(WeComCryptoError.ValidateReceiveId, CryptoB().Decrypt(EncryptFrame(KeyB, padded)).Error);
    }

    [Fact]
    public void Decrypt_ForBotWithCorpIdInFrame_FailsWithValidateReceiveId() =>
        Assert.Equal(WeComCryptoError.ValidateReceiveId, CryptoB(receiveId: "").Decrypt(B2Encrypt).Error);

    [Fact]
    public void Decrypt_WithWrongKey_Fails()
    {
        var other = WeComCallbackCryptoVectorTests.CreateCrypto(TokenB, KeyA, CorpB);

        var result = other.Decrypt(B2Encrypt);

        Assert.False(result.IsOk);
        Assert.Null(result.Value);
    }

    [Theory]
    [InlineData("477715d11cdb4164915debcba66cb864d751f3e7")]
    [InlineData("477715D11CDB4164915DEBCBA66CB864D751F3E6")]
    [InlineData("477715d11cdb4164915debcba66cb864d751f3e")]
    [InlineData("")]
    [InlineData(null)]
    public void VerifyAndDecrypt_WithBadSignature_FailsWithValidateSignature(string? signature) =>
        Assert.Equal(
            WeComCryptoError.ValidateSignature,
            CryptoB().VerifyAndDecrypt(signature!, B2Timestamp, B2Nonce, B2Encrypt).Error);

    [Fact]
    public void VerifyAndDecrypt_WithTamperedTimestamp_FailsWithValidateSignature() =>
        Assert.Equal(
            WeComCryptoError.ValidateSignature,
            CryptoB().VerifyAndDecrypt(B2Signature, "1409659814", B2Nonce, B2Encrypt).Error);

    [Fact]
    public void VerifyAndDecrypt_WithTamperedCiphertext_FailsWithValidateSignature()
    {
        var tampered = "S" + B2Encrypt[1..];

        Assert.Equal(
            WeComCryptoError.ValidateSignature,
            CryptoB().VerifyAndDecrypt(B2Signature, B2Timestamp, B2Nonce, tampered).Error);
    }

    [Fact]
    public void VerifyAndDecrypt_WithOtherToken_FailsWithValidateSignature()
    {
        var crypto = WeComCallbackCryptoVectorTests.CreateCrypto("QDG6eL", KeyB, CorpB);

        Assert.Equal(
            WeComCryptoError.ValidateSignature,
            crypto.VerifyAndDecrypt(B2Signature, B2Timestamp, B2Nonce, B2Encrypt).Error);
    }

    [Fact]
    public void VerifySignature_WithNullParts_ReturnsFalse()
    {
        var crypto = CryptoB();

        Assert.False(crypto.VerifySignature(B2Signature, null!, B2Nonce, B2Encrypt));
        Assert.False(crypto.VerifySignature(B2Signature, B2Timestamp, null!, B2Encrypt));
        Assert.False(crypto.VerifySignature(B2Signature, B2Timestamp, B2Nonce, null!));
        Assert.True(crypto.VerifySignature(B2Signature, B2Timestamp, B2Nonce, B2Encrypt));
    }

    [Fact]
    public void ComputeSignature_WithNullParts_TreatsThemAsEmpty()
    {
        var crypto = CryptoB();

        Assert.Equal(crypto.ComputeSignature("", "", ""), crypto.ComputeSignature(null!, null!, null!));
    }

    [Fact]
    public void Encrypt_WithNullPlaintext_FailsWithEncryptAes() =>
        Assert.Equal(WeComCryptoError.EncryptAes, CryptoB().Encrypt(null!).Error);

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    public void Encrypt_WithRandomSourceOfWrongLength_FailsWithEncryptAes(int length)
    {
        var crypto = WeComCallbackCryptoVectorTests.CreateCrypto(TokenB, KeyB, CorpB, () => new byte[length]);

        Assert.Equal(WeComCryptoError.EncryptAes, crypto.Encrypt("hello").Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(33)]
    public void DecryptMedia_WithLengthNotMultipleOf16_FailsWithDecryptAes(int length) =>
        Assert.Equal(WeComCryptoError.DecryptAes, CryptoB().DecryptMedia(new byte[length]).Error);

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public void DecryptMedia_WithBadPad_FailsWithIllegalBuffer(byte padValue)
    {
        var padded = Pad32(new byte[40]);
        padded[^1] = padValue;
        var encrypted = EncryptRaw(KeyFromEncodingAesKey(KeyB), padded);

        Assert.Equal(WeComCryptoError.IllegalBuffer, CryptoB().DecryptMedia(encrypted).Error);
    }

    [Fact]
    public void DecryptMedia_SingleBlockWithPadAbove16_FailsWithIllegalBuffer()
    {
        var block = new byte[16];
        block[^1] = 20;
        var encrypted = EncryptRaw(KeyFromEncodingAesKey(KeyB), block);

        Assert.Equal(WeComCryptoError.IllegalBuffer, CryptoB().DecryptMedia(encrypted).Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("c2hvcnQ=")]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C!")]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2CjWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C")]
    public void DecryptMedia_WithIllegalPerFileKey_FailsWithIllegalAesKey(string? key) =>
        Assert.Equal(WeComCryptoError.IllegalAesKey, WeComCallbackCrypto.DecryptMedia(new byte[32], key!).Error);

    [Fact]
    public void Fail_WithNone_IsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CryptoResult<string>.Fail(WeComCryptoError.None));
}
