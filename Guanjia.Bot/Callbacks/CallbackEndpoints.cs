using System.Buffers;
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

    private static Task<IResult> ReceiveBotAsync(
        HttpRequest request, CallbackCryptos cryptos, InboxWriter inbox, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        ReceiveAsync(request, cryptos.Bot, inbox, loggers, "bot",
            body => BotCallbackParser.TryReadEnvelope(body, out var envelope, out var error) ? (envelope.Encrypt, error) : (null, error),
            plain => BotCallbackParser.TryParseMessage(plain, out var message, out var error)
                ? (BotMapping.ToIncoming(message, plain, time.GetUtcNow()), CallbackParseError.None)
                : (null, error),
            cancellationToken);

    private static Task<IResult> ReceiveAppAsync(
        HttpRequest request, CallbackCryptos cryptos, InboxWriter inbox, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        ReceiveAsync(request, cryptos.App, inbox, loggers, "app",
            body => AppCallbackParser.TryReadEnvelope(body, out var envelope, out var error) ? (envelope.Encrypt, error) : (null, error),
            plain => AppMessageParser.TryParse(plain, out var message, out var error)
                ? (AppMapping.ToIncoming(message, plain, time.GetUtcNow()), CallbackParseError.None)
                : (null, error),
            cancellationToken);

    /// <summary>The shared receive path: size cap, envelope, signature + decrypt, parse, durable store, 200.</summary>
    private static async Task<IResult> ReceiveAsync(
        HttpRequest request,
        WeComCallbackCrypto? crypto,
        InboxWriter inbox,
        ILoggerFactory loggers,
        string kind,
        Func<byte[], (string? Encrypt, CallbackParseError Error)> readEnvelope,
        Func<string, (IncomingMessage? Message, CallbackParseError Error)> parse,
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

        var (incoming, messageError) = parse(plain.Value!);
        if (messageError != CallbackParseError.None)
        {
            LogUnreadable(loggers.CreateLogger("Guanjia.Bot.Callbacks"), kind, messageError.ToString());
        }
        else if (incoming is not null)
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
