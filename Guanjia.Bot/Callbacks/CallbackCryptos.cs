using Guanjia.WeCom.Api;
using Guanjia.WeCom.Crypto;
using Microsoft.Extensions.Options;

namespace Guanjia.Bot.Callbacks;

/// <summary>
/// The two callback registrations, each with its own Token and EncodingAESKey: the self-built app
/// (receiveid = CorpID) and the intelligent bot (receiveid = ""). Null where not configured.
/// </summary>
internal sealed class CallbackCryptos(IOptions<WeComOptions> options)
{
    public WeComCallbackCrypto? App { get; } = Create(options.Value.Token, options.Value.EncodingAesKey, options.Value.CorpId);

    public WeComCallbackCrypto? Bot { get; } = Create(options.Value.Bot.Token, options.Value.Bot.EncodingAesKey, "");

    private static WeComCallbackCrypto? Create(string token, string key, string receiveId)
    {
        if (string.IsNullOrEmpty(token) || string.IsNullOrEmpty(key))
        {
            return null;
        }

        var created = WeComCallbackCrypto.Create(token, key, receiveId);
        return created.IsOk ? created.Value : null;
    }
}
