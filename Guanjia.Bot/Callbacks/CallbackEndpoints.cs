using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Guanjia.Bot.Cards;
using Guanjia.Core.Intake;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.Callbacks;
using Guanjia.WeCom.Cards;
using Guanjia.WeCom.Crypto;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Guanjia.Bot.Callbacks;

/// <summary>
/// WeCom callbacks: verify, decrypt, store durably in the inbox, answer 200 at once. Processing
/// happens in the background (IntakeWorker), so WeCom's 5-second deadline is never at risk.
/// </summary>
internal static partial class CallbackEndpoints
{
    private const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapWeComCallbacks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/wecom/callback", (HttpRequest request, CallbackCryptos cryptos, IOptions<WeComOptions> options, TimeProvider time) =>
            VerifyUrl(request, cryptos.App, options.Value, time));
        app.MapGet("/wecom/bot/callback", (HttpRequest request, CallbackCryptos cryptos, IOptions<WeComOptions> options, TimeProvider time) =>
            VerifyUrl(request, cryptos.Bot, options.Value, time));
        app.MapPost("/wecom/callback", ReceiveAppAsync);
        app.MapPost("/wecom/bot/callback", ReceiveBotAsync);
        return app;
    }

    private static Results<ContentHttpResult, ProblemHttpResult> VerifyUrl(
        HttpRequest request, WeComCallbackCrypto? crypto, WeComOptions options, TimeProvider time)
    {
        if (crypto is null)
        {
            return NotConfigured();
        }

        var (signature, timestamp, nonce) = SignatureQuery(request);
        // Retries with spaces read back as '+' (ASP.NET decodes a raw '+' in the query as a space).
        var result = UrlVerification.VerifyEchoStr(crypto, signature, timestamp, nonce, request.Query["echostr"].ToString());
        if (!result.IsOk)
        {
            return CryptoProblem(result.Error);
        }

        return CallbackTimestamp.IsFresh(timestamp, time.GetUtcNow(), options.ReplayWindow)
            ? TypedResults.Text(result.Value!, "text/plain", Encoding.UTF8)
            : StaleProblem();
    }

    private static Task<IResult> ReceiveBotAsync(
        HttpRequest request, CallbackCryptos cryptos, InboxWriter inbox, IOptions<WeComOptions> options, TimeProvider time,
        CardClickHandler clicks, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var urls = new CallbackUrlPolicy(options.Value);
        var botId = options.Value.Bot.Id;
        return ReceiveAsync(request, cryptos.Bot, inbox, options.Value, time, loggers, "bot",
            body => BotCallbackParser.TryReadEnvelope(body, out var envelope, out var error) ? (envelope.Encrypt, error) : (null, error),
            plain =>
            {
                if (!BotCallbackParser.TryParseMessage(plain, out var message, out var error))
                {
                    return Parsed.Refused(error);
                }

                // The signature proves the sender holds this bot's Token and key, not that the
                // message is this bot's: another aibotid means a misconfigured bot (shared keys)
                // or a leaked key. Refused (403), so nothing another bot was told becomes a ticket.
                if (!string.IsNullOrEmpty(botId) && message.AiBotId != botId)
                {
                    return Parsed.OtherBot;
                }

                // A click is answered in the response, within WeCom's 5 s, on a fast path beside the inbox.
                if (CardClick.TryRead(message, out var click))
                {
                    var eventId = string.IsNullOrEmpty(message.MsgId) ? PlaintextKey(plain) : message.MsgId;
                    return Parsed.AnswerNow(ct => AnswerClickAsync(request, cryptos.Bot!, clicks, click, eventId, time, ct));
                }

                return Parsed.Ok(BotMapping.ToIncoming(message, plain, time.GetUtcNow(), urls));
            },
            cancellationToken);
    }

    /// <summary>The click's card update as the encrypted passive reply (wecom.md §3.5); empty when nothing changes.</summary>
    private static async Task<IResult> AnswerClickAsync(
        HttpRequest request, WeComCallbackCrypto crypto, CardClickHandler clicks, CardClick click, string eventId, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var update = await clicks.HandleAsync(click, IncomingChannel.Bot, eventId, cancellationToken);
        if (update is null)
        {
            return TypedResults.Ok();
        }

        var encrypted = crypto.Encrypt(JsonSerializer.Serialize(update, CardClickHandler.Json));
        if (!encrypted.IsOk)
        {
            return CryptoProblem(encrypted.Error);
        }

        var nonce = request.Query["nonce"].ToString();
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return TypedResults.Json(new BotEncryptedReply(encrypted.Value!, crypto.ComputeSignature(timestamp, nonce, encrypted.Value!), timestamp, nonce));
    }

    private static Task<IResult> ReceiveAppAsync(
        HttpRequest request, CallbackCryptos cryptos, InboxWriter inbox, IOptions<WeComOptions> options, TimeProvider time,
        CardClickHandler clicks, WeComApiClient api, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        ReceiveAsync(request, cryptos.App, inbox, options.Value, time, loggers, "app",
            body => AppCallbackParser.TryReadEnvelope(body, out var envelope, out var error) ? (envelope.Encrypt, error) : (null, error),
            plain =>
            {
                if (!AppMessageParser.TryParse(plain, out var message, out var error))
                {
                    return Parsed.Refused(error);
                }

                // A click on a card the app sent: handled at once, the card updated with the click's response code.
                if (CardClick.TryRead(message, out var click) && message is AppTemplateCardEvent card)
                {
                    return Parsed.AnswerNow(ct => AnswerAppClickAsync(clicks, api, click, card.ResponseCode, PlaintextKey(plain), loggers, ct));
                }

                return Parsed.Ok(AppMapping.ToIncoming(message, plain, time.GetUtcNow()));
            },
            cancellationToken);

    /// <summary>
    /// The click's outcome through <c>message/update_template_card</c> (the response code is single use); the callback
    /// itself is answered empty. The app's text_notice must open something when tapped: without a link to open, the
    /// buttons are replaced by the outcome instead.
    /// </summary>
    private static async Task<IResult> AnswerAppClickAsync(
        CardClickHandler clicks, WeComApiClient api, CardClick click, string responseCode, string eventId, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var update = await clicks.HandleAsync(click, IncomingChannel.App, eventId, cancellationToken);
        if (update is null || string.IsNullOrEmpty(responseCode))
        {
            return TypedResults.Ok();
        }

        var card = update.TemplateCard;
        var opensNothing = card.CardType == TemplateCardTypes.TextNotice && card.CardAction is null;
        var sent = opensNothing
            ? await api.UpdateTemplateCardAsync(responseCode, null, update.UserIds, OutcomeLine(card), cancellationToken)
            : await api.UpdateTemplateCardAsync(responseCode, card, update.UserIds, cancellationToken: cancellationToken);
        if (!sent.IsOk)
        {
            LogAppCardUpdateFailed(loggers.CreateLogger("Guanjia.Bot.Callbacks"), click.TaskId, sent.ErrCode);
        }

        return TypedResults.Ok();
    }

    // What a button shows in place of the buttons: the outcome's short form ("已接单").
    private static string OutcomeLine(TemplateCard card) => card.EmphasisContent?.Title ?? "已处理";

    /// <summary>
    /// The shared receive path: size cap, envelope, signature + decrypt, replay window, parse,
    /// durable store, 200. Everything before the store that goes wrong is a 4xx and stores
    /// nothing; only a failing store answers 5xx, so that WeCom retries it.
    /// </summary>
    private static async Task<IResult> ReceiveAsync(
        HttpRequest request,
        WeComCallbackCrypto? crypto,
        InboxWriter inbox,
        WeComOptions options,
        TimeProvider time,
        ILoggerFactory loggers,
        string kind,
        Func<byte[], (string? Encrypt, CallbackParseError Error)> readEnvelope,
        Func<string, Parsed> parse,
        CancellationToken cancellationToken)
    {
        if (crypto is null)
        {
            return NotConfigured();
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
        }

        var (encrypt, envelopeError) = readEnvelope(body);
        if (encrypt is null)
        {
            return ParseProblem(envelopeError);
        }

        var (signature, timestamp, nonce) = SignatureQuery(request);
        var plain = crypto.VerifyAndDecrypt(signature, timestamp, nonce, encrypt);
        if (!plain.IsOk)
        {
            return CryptoProblem(plain.Error);
        }

        var logger = loggers.CreateLogger("Guanjia.Bot.Callbacks");
        if (!CallbackTimestamp.IsFresh(timestamp, time.GetUtcNow(), options.ReplayWindow))
        {
            LogStale(logger, kind);
            return StaleProblem();
        }

        Parsed parsed;
        try
        {
            parsed = parse(plain.Value!);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A parser bug must not become a 500 that WeCom retries: refuse the message, and log
            // only the exception type (its message or stack could quote the resident's text).
            LogParserFault(logger, kind, ex.GetType().Name);
            parsed = Parsed.Refused(CallbackParseError.Malformed);
        }

        if (parsed.OtherBotId)
        {
            LogOtherBot(logger);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Callback for another bot",
                detail: "aibotid is not WeCom:Bot:Id; nothing was stored.");
        }

        if (parsed.Error != CallbackParseError.None)
        {
            LogUnreadable(logger, kind, parsed.Error.ToString());
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Unreadable callback",
                detail: $"The decrypted message could not be read ({parsed.Error}); nothing was stored.");
        }

        if (parsed.Answer is { } answer)
        {
            return await answer(cancellationToken);
        }

        if (parsed.Message is not null)
        {
            await inbox.WriteAsync(parsed.Message, cancellationToken);
        }

        return TypedResults.Ok();
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        // Callbacks are about 1 KB: read into a pooled buffer sized by Content-Length, copy once.
        var buffer = ArrayPool<byte>.Shared.Rent((int)(request.ContentLength ?? 4096) + 1);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                length += read;
                if (length > MaxBodyBytes)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static (string Signature, string Timestamp, string Nonce) SignatureQuery(HttpRequest request) =>
        (request.Query["msg_signature"].ToString(), request.Query["timestamp"].ToString(), request.Query["nonce"].ToString());

    private static ProblemHttpResult NotConfigured() => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Callback not configured",
        detail: "Set the Token and EncodingAesKey of this callback (WeCom:Token/EncodingAesKey or WeCom:Bot:Token/EncodingAesKey).");

    private static ProblemHttpResult CryptoProblem(WeComCryptoError error) => error == WeComCryptoError.ValidateSignature
        ? TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Bad signature", detail: "msg_signature does not verify.")
        : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Undecryptable callback", detail: $"WXBizMsgCrypt error {(int)error}.");

    private static ProblemHttpResult StaleProblem() => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Stale callback",
        detail: "timestamp is not Unix seconds within WeCom:ReplayWindow of now; nothing was stored.");

    private static ProblemHttpResult ParseProblem(CallbackParseError error) => TypedResults.Problem(
        statusCode: error == CallbackParseError.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
        title: "Malformed callback",
        detail: $"The envelope could not be read ({error}).");

    /// <summary>Events carry no msgid: WeCom resends the same plaintext, so its hash is the key.</summary>
    internal static string PlaintextKey(string plaintext) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plaintext)));

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Verified {Kind} callback could not be parsed ({Error}); refused, nothing stored")]
    private static partial void LogUnreadable(ILogger logger, string kind, string error);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Verified {Kind} callback outside the replay window; refused, nothing stored")]
    private static partial void LogStale(ILogger logger, string kind);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Verified bot callback for another aibotid; refused, nothing stored")]
    private static partial void LogOtherBot(ILogger logger);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "The app's card update for {TaskId} was refused or lost ({ErrCode})")]
    private static partial void LogAppCardUpdateFailed(ILogger logger, string taskId, int errCode);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "The {Kind} callback parser threw {ExceptionType}; refused, nothing stored")]
    private static partial void LogParserFault(ILogger logger, string kind, string exceptionType);

    /// <summary>What the decrypted message turned out to be: a message to store (or null: nothing to store), a parse error, or another bot's.</summary>
    private readonly record struct Parsed(IncomingMessage? Message, CallbackParseError Error, bool OtherBotId, Func<CancellationToken, Task<IResult>>? Answer = null)
    {
        /// <summary>Answered at once rather than stored (a card click: WeCom wants the card update in the response).</summary>
        public static Parsed AnswerNow(Func<CancellationToken, Task<IResult>> answer) => new(null, CallbackParseError.None, false, answer);

        public static Parsed OtherBot => new(null, CallbackParseError.None, true);

        public static Parsed Ok(IncomingMessage? message) => new(message, CallbackParseError.None, false);

        public static Parsed Refused(CallbackParseError error) => new(null, error, false);
    }

    /// <summary>The bot's encrypted reply envelope.</summary>
    private sealed record BotEncryptedReply(
        [property: JsonPropertyName("encrypt")] string Encrypt,
        [property: JsonPropertyName("msgsignature")] string MsgSignature,
        [property: JsonPropertyName("timestamp")] string Timestamp,
        [property: JsonPropertyName("nonce")] string Nonce);
}
