using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Guanjia.WeCom.Api;

/// <summary>
/// Puts <c>access_token</c> on every server-API request. When WeCom answers 40014/41001/42001 it drops
/// that token, fetches a new one and resends the request once.
/// </summary>
internal sealed class AccessTokenHandler(WeComAccessTokenCache tokens, IOptionsMonitor<WeComOptions> options, ILogger<AccessTokenHandler> logger)
    : DelegatingHandler
{
    // Token errors are small JSON objects; never buffer a media download to look for one.
    private const long MaxInspectedBody = 1024 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (request.Content is not null)
        {
            // Buffered content can be serialized a second time for the retry.
            await request.Content.LoadIntoBufferAsync(cancellationToken);
        }

        var token = await tokens.GetTokenAsync(settings.CorpId, settings.Secret, cancellationToken);
        if (!token.IsOk)
        {
            return TokenFailureResponse(request, token);
        }

        var response = await SendWithTokenAsync(request, token.Value!, cancellationToken);
        var errCode = await PeekErrCodeAsync(response, cancellationToken);
        if (errCode is not { } code || !WeComErrorCodes.IsTokenRejection(code))
        {
            return response;
        }

        WeComLog.TokenRejected(logger, request.RequestUri?.AbsolutePath ?? "", code);
        response.Dispose();
        tokens.Invalidate(settings.CorpId, settings.Secret, token.Value!);

        var refreshed = await tokens.GetTokenAsync(settings.CorpId, settings.Secret, cancellationToken);
        return refreshed.IsOk
            ? await SendWithTokenAsync(request, refreshed.Value!, cancellationToken)
            : TokenFailureResponse(request, refreshed);
    }

    private Task<HttpResponseMessage> SendWithTokenAsync(HttpRequestMessage request, string token, CancellationToken cancellationToken)
    {
        request.RequestUri = WithAccessToken(request.RequestUri!, token);
        return base.SendAsync(request, cancellationToken);
    }

    internal static Uri WithAccessToken(Uri uri, string token)
    {
        var builder = new UriBuilder(uri);
        var kept = builder.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("access_token=", StringComparison.Ordinal));
        builder.Query = string.Join('&', kept.Append("access_token=" + Uri.EscapeDataString(token)));
        return builder.Uri;
    }

    private static async Task<int?> PeekErrCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headers = response.Content.Headers;
        var inspect = headers.ContentType is null || WeComJson.IsJson(headers) || headers.ContentType.MediaType?.StartsWith("text/", StringComparison.OrdinalIgnoreCase) == true;
        if (!inspect || headers.ContentLength > MaxInspectedBody)
        {
            return null;
        }

        await response.Content.LoadIntoBufferAsync(MaxInspectedBody, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            return WeComJson.ReadError(document.RootElement)?.ErrCode;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // gettoken failed: answer as WeCom would, with its errcode in a JSON body, so the typed client
    // classifies it (40013 → Configuration, timeout → Retryable) without a second error path.
    private static HttpResponseMessage TokenFailureResponse(HttpRequestMessage request, WeComResult failure)
    {
        var json = JsonSerializer.Serialize(new { errcode = failure.ErrCode, errmsg = failure.ErrMsg }, WeComJson.Options);
        return new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
    }
}
