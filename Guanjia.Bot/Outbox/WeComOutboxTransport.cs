using Guanjia.Bot.LongConnection;
using Guanjia.Core.Outbox;
using Guanjia.Core.Photos;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.LongConnection;

namespace Guanjia.Bot.Outbox;

/// <summary>Sends outbox messages with the WeCom clients and reduces WeCom's answers to <see cref="OutboxSendResult"/>.</summary>
internal sealed class WeComOutboxTransport(
    WeComWebhookClient webhook,
    WeComApiClient api,
    WeComBotClient bot,
    PhotoStore photos,
    WeComLongConnection? connection = null) : IOutboxTransport
{
    /// <summary>Client code of a message whose photo is no longer in the store.</summary>
    public const int PhotoMissingCode = -2001;

    public async Task<OutboxSendResult> SendAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        ToOutcome(await SendCoreAsync(message, cancellationToken));

    /// <summary>The bot's channels need the long connection, which only the instance holding its lease has open.</summary>
    public bool CanSend(OutboxChannel channel) =>
        channel is not (OutboxChannel.BotReply or OutboxChannel.BotChat) || connection is { IsAuthenticated: true };

    /// <summary>What the outbox rules make of a WeCom result.</summary>
    public static OutboxSendResult ToOutcome(WeComResult result) => result.ErrCode switch
    {
        WeComErrorCodes.Ok => OutboxSendResult.Ok,
        WeComErrorCodes.FrequencyLimited => new(OutboxFailure.RateLimited, result.ErrCode),
        WeComErrorCodes.RobotKeyInvalid => new(OutboxFailure.RobotRemoved, result.ErrCode),
        WeComErrorCodes.ClientResponseUrlAlreadyUsed or WeComErrorCodes.ClientInvalidAddress => new(OutboxFailure.AddressUnusable, result.ErrCode),
        _ => result.Kind switch
        {
            WeComErrorKind.Retryable => new(OutboxFailure.Transient, result.ErrCode,
                MayHaveArrived: result.ErrCode is WeComErrorCodes.ClientTimeout or WeComErrorCodes.ClientNetworkError or WeComErrorCodes.ClientInvalidResponse),
            WeComErrorKind.TokenExpired => new(OutboxFailure.TokenRejected, result.ErrCode),
            WeComErrorKind.Configuration => new(OutboxFailure.Configuration, result.ErrCode),
            _ => new(OutboxFailure.Permanent, result.ErrCode),
        },
    };

    private async Task<WeComResult> SendCoreAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var users = message.Target.Split('|', StringSplitOptions.RemoveEmptyEntries);
        var mentions = message.Mentions?.Split('|', StringSplitOptions.RemoveEmptyEntries);
        switch (message.Channel, message.Kind)
        {
            case (OutboxChannel.Robot, OutboxKind.Text):
                return await webhook.SendTextAsync(message.Target, message.Content, mentions, cancellationToken);
            case (OutboxChannel.Robot, OutboxKind.Markdown):
                return await webhook.SendMarkdownAsync(message.Target, message.Content, cancellationToken);
            case (OutboxChannel.Robot, OutboxKind.Image):
                var image = await ReadPhotoAsync(message.Content, cancellationToken);
                return image is null ? PhotoMissing : await webhook.SendImageAsync(message.Target, image, cancellationToken);
            case (OutboxChannel.AppUser, OutboxKind.Text):
                return await api.SendTextAsync(users, message.Content, cancellationToken);
            case (OutboxChannel.AppUser, OutboxKind.Markdown):
                return await api.SendMarkdownAsync(users, message.Content, cancellationToken);
            case (OutboxChannel.AppUser, OutboxKind.Image):
                var bytes = await ReadPhotoAsync(message.Content, cancellationToken);
                if (bytes is null)
                {
                    return PhotoMissing;
                }

                var uploaded = await api.UploadMediaAsync(bytes, $"{message.Content}.jpg", "image/jpeg", WeComMediaType.Image, cancellationToken);
                return uploaded.IsOk && uploaded.Value is not null
                    ? await api.SendImageAsync(users, uploaded.Value.MediaId, cancellationToken)
                    : uploaded;
            case (OutboxChannel.AppUser, OutboxKind.Card):
                return CardMapping.ToTemplateCard(message.Content) is { } appCard
                    ? await api.SendTemplateCardAsync(users, appCard, cancellationToken)
                    : CardUnreadable;
            case (OutboxChannel.ResponseUrl, OutboxKind.Card):
                return CardMapping.ToTemplateCard(message.Content) is { } urlCard && Uri.TryCreate(message.Target, UriKind.Absolute, out var cardUrl)
                    && (cardUrl.Scheme == Uri.UriSchemeHttps || cardUrl.Scheme == Uri.UriSchemeHttp)
                    ? await bot.PostTemplateCardAsync(cardUrl, urlCard, cancellationToken)
                    : CardUnreadable;
            case (OutboxChannel.ResponseUrl, _):
                // The outbox checks the address before sending; this guards the transport on its own.
                return Uri.TryCreate(message.Target, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
                    ? await bot.PostMarkdownAsync(url, ReplyText(message), cancellationToken)
                    : WeComResult.FromCode(WeComErrorCodes.ClientInvalidAddress, "response_url is not an http(s) URL");
            case (OutboxChannel.BotReply or OutboxChannel.BotChat, _) when connection is null:
                return WeComResult.FromCode(WeComErrorCodes.ClientInvalidAddress, "no long connection");
            case (OutboxChannel.BotReply, OutboxKind.Card):
                return CardMapping.ToTemplateCard(message.Content) is { } replyCard
                    ? await connection.RespondCardAsync(message.Target, replyCard, cancellationToken)
                    : CardUnreadable;
            case (OutboxChannel.BotReply, _):
                return await connection.RespondMarkdownAsync(message.Target, ReplyText(message), cancellationToken);
            case (OutboxChannel.BotChat, OutboxKind.Card):
                return CardMapping.ToTemplateCard(message.Content) is { } card
                    ? await connection.SendCardAsync(message.Target, card, cancellationToken)
                    : CardUnreadable;
            case (OutboxChannel.BotChat, OutboxKind.Image):
                var photo = await ReadPhotoAsync(message.Content, cancellationToken);
                return photo is null ? PhotoMissing : await connection.SendImageAsync(message.Target, photo, $"{message.Content}.jpg", cancellationToken);
            case (OutboxChannel.BotChat, OutboxKind.Text or OutboxKind.Markdown):
                return await connection.SendMarkdownAsync(message.Target, message.Content, cancellationToken);
            default:
                return new WeComResult(PhotoMissingCode, "unsupported channel and kind", WeComErrorKind.Permanent);
        }
    }

    /// <summary>
    /// A reply in a group names the person it answers (<c>&lt;@userid&gt;</c>): WeCom shows it quoting their message,
    /// but only a mention tells them in a busy group. A 1:1 reply is theirs already.
    /// </summary>
    internal static string ReplyText(OutboxMessage message) =>
        message.Conversation is { Length: > 0 } && message.Recipient is { Length: > 0 } person
            ? OutboxTexts.MentionReply(person, message.Content)
            : message.Content;

    private static WeComResult CardUnreadable => new(PhotoMissingCode, "card unreadable", WeComErrorKind.Permanent);

    private static WeComResult PhotoMissing => new(PhotoMissingCode, "photo missing", WeComErrorKind.Permanent);

    private async Task<byte[]?> ReadPhotoAsync(string photoId, CancellationToken cancellationToken)
    {
        await using var stream = photos.OpenRead(photoId);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
