using Guanjia.Bot.Callbacks;
using Guanjia.Core.Intake;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.Crypto;

namespace Guanjia.Bot.Intake;

/// <summary>Downloads incoming images: the bot's encrypted URLs (decrypted with the bot key) and app MediaIds.</summary>
internal sealed class WeComMediaSource(WeComBotClient bot, WeComApiClient api, CallbackCryptos cryptos) : IMediaSource
{
    public async Task<MediaFetchResult> FetchAsync(IncomingChannel channel, IncomingImage image, CancellationToken cancellationToken)
    {
        if (image.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            var download = await bot.DownloadAsync(uri, cancellationToken);
            if (!download.IsOk || download.Value is null)
            {
                return MediaFetchResult.Fail("图片下载失败，链接可能已过期，请重新发送");
            }

            // Long connection: every image has its own key; webhook: the bot's callback key.
            if (image.AesKey is { Length: > 0 } aesKey)
            {
                var own = WeComCallbackCrypto.DecryptMedia(download.Value.Content, aesKey);
                return own.IsOk ? MediaFetchResult.Ok(own.Value!) : MediaFetchResult.Fail("图片解密失败，请重新发送");
            }

            if (cryptos.Bot is not { } crypto)
            {
                return MediaFetchResult.Fail("机器人未配置密钥，无法解密图片");
            }

            var plain = crypto.DecryptMedia(download.Value.Content);
            return plain.IsOk ? MediaFetchResult.Ok(plain.Value!) : MediaFetchResult.Fail("图片解密失败，请重新发送");
        }

        if (image.MediaId is { Length: > 0 } mediaId)
        {
            var media = await api.GetMediaAsync(mediaId, cancellationToken);
            return media.IsOk && media.Value is not null
                ? MediaFetchResult.Ok(media.Value.Content)
                : MediaFetchResult.Fail("图片下载失败，请重新发送");
        }

        return MediaFetchResult.Fail("图片地址无效");
    }
}
