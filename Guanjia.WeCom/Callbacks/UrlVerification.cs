using Guanjia.WeCom.Crypto;

namespace Guanjia.WeCom.Callbacks;

/// <summary>GET callback URL verification (wecom.md §1.6): verify msg_signature, decrypt echostr.</summary>
public static class UrlVerification
{
    /// <summary>
    /// Returns the decrypted echostr to send back as the raw text/plain body (within 1 s).
    /// Pass the query values as ASP.NET Core decoded them.
    /// </summary>
    public static CryptoResult<string> VerifyEchoStr(
        WeComCallbackCrypto crypto, string? msgSignature, string? timestamp, string? nonce, string? echoStr) =>
        VerifyEchoStr(crypto.VerifyAndDecrypt, msgSignature, timestamp, nonce, echoStr);

    /// <param name="verifyAndDecrypt">(signature, timestamp, nonce, encrypted) → plaintext.</param>
    /// <param name="msgSignature">msg_signature query value.</param>
    /// <param name="timestamp">timestamp query value.</param>
    /// <param name="nonce">nonce query value.</param>
    /// <param name="echoStr">echostr query value.</param>
    public static CryptoResult<string> VerifyEchoStr(
        Func<string, string, string, string, CryptoResult<string>> verifyAndDecrypt,
        string? msgSignature,
        string? timestamp,
        string? nonce,
        string? echoStr)
    {
        // An empty timestamp is still covered by the signature: let it verify, so the caller's
        // replay window can refuse it as stale (400) rather than as forged (401).
        if (string.IsNullOrEmpty(msgSignature) || timestamp is null
            || string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(echoStr))
        {
            return CryptoResult<string>.Fail(WeComCryptoError.ValidateSignature);
        }

        var result = verifyAndDecrypt(msgSignature, timestamp, nonce, echoStr);
        if (result.IsOk || !echoStr.Contains(' ', StringComparison.Ordinal))
        {
            return result;
        }

        // A raw '+' in the query is decoded to ' ' (form semantics) and Base64 has no spaces,
        // so a space can only be a mangled '+': restore it and try once more.
        return verifyAndDecrypt(msgSignature, timestamp, nonce, echoStr.Replace(' ', '+'));
    }
}
