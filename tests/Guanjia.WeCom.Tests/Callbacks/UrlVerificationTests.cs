using Guanjia.WeCom.Callbacks;
using Guanjia.WeCom.Crypto;
using Guanjia.WeCom.Tests.Crypto;

namespace Guanjia.WeCom.Tests.Callbacks;

public class UrlVerificationTests
{
    private static WeComCallbackCrypto CryptoB()
    {
        var result = WeComCallbackCrypto.Create(WeComVectors.TokenB, WeComVectors.KeyB, WeComVectors.CorpB);
        Assert.True(result.IsOk);
        return result.Value;
    }

    [Fact]
    public void VerifyEchoStr_WithVectorB1_ReturnsEchoPlaintext()
    {
        var result = UrlVerification.VerifyEchoStr(CryptoB(), WeComVectors.B1Signature, WeComVectors.B1Timestamp, WeComVectors.B1Nonce, WeComVectors.B1Echostr);

        Assert.True(result.IsOk);
        Assert.Equal(WeComVectors.B1Message, result.Value);
    }

    [Fact]
    public void VerifyEchoStr_WhenPlusWasDecodedToSpace_RetriesAndSucceeds()
    {
        var mangled = WeComVectors.B1Echostr.Replace('+', ' ');
        Assert.Contains(' ', mangled);

        var result = UrlVerification.VerifyEchoStr(CryptoB(), WeComVectors.B1Signature, WeComVectors.B1Timestamp, WeComVectors.B1Nonce, mangled);

        Assert.True(result.IsOk, result.Error.ToString());
        Assert.Equal(WeComVectors.B1Message, result.Value);
    }

    [Fact]
    public void VerifyEchoStr_WithBadSignature_FailsEvenAfterRetry()
    {
        var calls = 0;
        var crypto = CryptoB();

        var result = UrlVerification.VerifyEchoStr(
            (s, t, n, e) => { calls++; return crypto.VerifyAndDecrypt(s, t, n, e); },
            "0000000000000000000000000000000000000000", WeComVectors.B1Timestamp, WeComVectors.B1Nonce, WeComVectors.B1Echostr.Replace('+', ' '));

        Assert.Equal(WeComCryptoError.ValidateSignature, result.Error);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void VerifyEchoStr_WithoutSpaces_DoesNotRetry()
    {
        var seen = new List<string>();

        var result = UrlVerification.VerifyEchoStr(
            (_, _, _, e) => { seen.Add(e); return CryptoResult<string>.Fail(WeComCryptoError.ValidateSignature); },
            "sig", "1", "2", "abc+def");

        Assert.False(result.IsOk);
        Assert.Equal(["abc+def"], seen);
    }

    [Theory]
    [InlineData(null, "1", "2", "e")]
    [InlineData("s", null, "2", "e")]
    [InlineData("s", "1", null, "e")]
    [InlineData("s", "1", "2", "")]
    public void VerifyEchoStr_WithMissingQueryValue_FailsWithoutCallingCrypto(string? signature, string? timestamp, string? nonce, string? echo)
    {
        var called = false;

        var result = UrlVerification.VerifyEchoStr(
            (_, _, _, _) => { called = true; return CryptoResult<string>.Ok("x"); },
            signature, timestamp, nonce, echo);

        Assert.Equal(WeComCryptoError.ValidateSignature, result.Error);
        Assert.False(called);
    }

    [Fact]
    public void VerifyEchoStr_WithEmptyTimestamp_LeavesItToTheSignature()
    {
        // An empty timestamp is signed like any other value; the endpoint's replay window refuses it (400).
        string? seenTimestamp = null;

        var result = UrlVerification.VerifyEchoStr(
            (_, timestamp, _, _) => { seenTimestamp = timestamp; return CryptoResult<string>.Ok("x"); },
            "s", "", "2", "e");

        Assert.True(result.IsOk);
        Assert.Equal("", seenTimestamp);
    }
}
