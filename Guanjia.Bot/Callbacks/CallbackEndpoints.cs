using System.Security.Cryptography;
using System.Text;
using Guanjia.Core.Intake;
using Guanjia.WeCom.Callbacks;
using Guanjia.WeCom.Crypto;
using Microsoft.AspNetCore.Http.HttpResults;

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
        app.MapGet("/wecom/callback", (HttpRequest request, CallbackCryptos cryptos) => VerifyUrl(request, cryptos.App));
        app.MapGet("/wecom/bot/callback", (HttpRequest request, CallbackCryptos cryptos) => VerifyUrl(request, cryptos.Bot));
        app.MapPost("/wecom/callback", ReceiveAppAsync);
        app.MapPost("/wecom/bot/callback", ReceiveBotAsync);
        return app;
    }

    private static Results<ContentHttpResult, ProblemHttpResult> VerifyUrl(HttpRequest request, WeComCallbackCrypto? crypto)
    {
        if (crypto is null)
        {
            return NotConfigured();
        }

        var (signature, timestamp, nonce) = SignatureQuery(request);
        // Retries with spaces read back as '+' (ASP.NET decodes a raw '+' in the query as a space).
        var result = UrlVerification.VerifyEchoStr(crypto, signature, timestamp, nonce, request.Query["echostr"].ToString());
        return result.IsOk
            ? TypedResults.Text(result.Value!, "text/plain", Encoding.UTF8)
            : CryptoProblem(result.Error);
    }

    private static async Task<IResult> ReceiveBotAsync(
        HttpRequest request, CallbackCryptos cryptos, InboxWriter inbox, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (cryptos.Bot is not { } crypto)
        {
            return NotConfigured();
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
        }

        if (!BotCallbackParser.TryReadEnvelope(body, out var envelope, out var envelopeError))
        {
            return ParseProblem(envelopeError);
        }

        var (signature, timestamp, nonce) = SignatureQuery(request);
        var plain = crypto.VerifyAndDecrypt(signature, timestamp, nonce, envelope.Encrypt);
        if (!plain.IsOk)
        {
            return CryptoProblem(plain.Error);
        }

        if (!BotCallbackParser.TryParseMessage(plain.Value!, out var message, out var messageError))
        {
            LogUnreadable(loggers.CreateLogger("Guanjia.Bot.Callbacks"), "bot", messageError.ToString());
            return TypedResults.Ok();
        }

        var incoming = BotMapping.ToIncoming(message, plain.Value!, time.GetUtcNow());
        if (incoming is not null)
        {
            await inbox.WriteAsync(incoming, cancellationToken);
        }

        return TypedResults.Ok();
    }

    private static async Task<IResult> ReceiveAppAsync(
        HttpRequest request, CallbackCryptos cryptos, InboxWriter inbox, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (cryptos.App is not { } crypto)
        {
            return NotConfigured();
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
        }

        if (!AppCallbackParser.TryReadEnvelope(body, out var envelope, out var envelopeError))
        {
            return ParseProblem(envelopeError);
        }

        var (signature, timestamp, nonce) = SignatureQuery(request);
        var plain = crypto.VerifyAndDecrypt(signature, timestamp, nonce, envelope.Encrypt);
        if (!plain.IsOk)
        {
            return CryptoProblem(plain.Error);
        }

        if (!AppMessageParser.TryParse(plain.Value!, out var message, out var messageError))
        {
            LogUnreadable(loggers.CreateLogger("Guanjia.Bot.Callbacks"), "app", messageError.ToString());
            return TypedResults.Ok();
        }

        var incoming = AppMapping.ToIncoming(message, plain.Value!, time.GetUtcNow());
        if (incoming is not null)
        {
            await inbox.WriteAsync(incoming, cancellationToken);
        }

        return TypedResults.Ok();
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
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

    private static ProblemHttpResult ParseProblem(CallbackParseError error) => TypedResults.Problem(
        statusCode: error == CallbackParseError.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
        title: "Malformed callback",
        detail: $"The envelope could not be read ({error}).");

    /// <summary>Events carry no msgid: WeCom resends the same plaintext, so its hash is the key.</summary>
    internal static string PlaintextKey(string plaintext) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plaintext)));

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Verified {Kind} callback could not be parsed ({Error}); acknowledged and dropped")]
    private static partial void LogUnreadable(ILogger logger, string kind, string error);
}
