using System.Globalization;
using Guanjia.WeCom.Crypto;

namespace Guanjia.WeCom.Callbacks;

/// <summary>
/// Encrypts and signs a passive reply plaintext and wraps it in its envelope (wecom.md §1.8).
/// The crypto instance must carry the same receiveid as the callback: the CorpID for apps, "" for the bot.
/// </summary>
public static class EncryptedReply
{
    /// <summary>App reply XML envelope. Reuse the request's timestamp and nonce, as the official samples do.</summary>
    public static CryptoResult<string> ForApp(WeComCallbackCrypto crypto, string plaintextXml, long timestamp, string nonce) =>
        ForApp(crypto.Encrypt, crypto.ComputeSignature, plaintextXml, timestamp, nonce);

    /// <summary>Bot reply JSON envelope. <paramref name="nonce"/> must be the callback URL's nonce; timestamp in seconds.</summary>
    public static CryptoResult<string> ForBot(WeComCallbackCrypto crypto, string plaintextJson, long timestamp, string nonce) =>
        ForBot(crypto.Encrypt, crypto.ComputeSignature, plaintextJson, timestamp, nonce);

    internal static CryptoResult<string> ForApp(
        Func<string, CryptoResult<string>> encrypt,
        Func<string, string, string, string> sign,
        string plaintextXml,
        long timestamp,
        string nonce) =>
        Build(encrypt, sign, plaintextXml, timestamp, nonce, EncryptedReplyEnvelope.Xml);

    internal static CryptoResult<string> ForBot(
        Func<string, CryptoResult<string>> encrypt,
        Func<string, string, string, string> sign,
        string plaintextJson,
        long timestamp,
        string nonce) =>
        Build(encrypt, sign, plaintextJson, timestamp, nonce, EncryptedReplyEnvelope.Json);

    private static CryptoResult<string> Build(
        Func<string, CryptoResult<string>> encrypt,
        Func<string, string, string, string> sign,
        string plaintext,
        long timestamp,
        string nonce,
        Func<string, string, long, string, string> envelope)
    {
        if (timestamp < 0 || string.IsNullOrEmpty(nonce))
        {
            return CryptoResult<string>.Fail(WeComCryptoError.GenReturn);
        }

        var encrypted = encrypt(plaintext);
        if (!encrypted.IsOk)
        {
            return encrypted;
        }

        // The signature covers the timestamp's decimal text, whether the envelope writes it as text or a number.
        var signature = sign(timestamp.ToString(CultureInfo.InvariantCulture), nonce, encrypted.Value);
        return CryptoResult<string>.Ok(envelope(encrypted.Value, signature, timestamp, nonce));
    }
}
