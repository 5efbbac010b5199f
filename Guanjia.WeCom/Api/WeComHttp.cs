using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace Guanjia.WeCom.Api;

/// <summary>Turns one HTTP exchange into a <see cref="WeComResult{T}"/>; transport failures become results, not exceptions.</summary>
internal static class WeComHttp
{
    public static async Task<WeComResult<T>> SendAsync<T>(
        HttpClient http,
        HttpRequestMessage request,
        string operation,
        ILogger logger,
        Func<HttpResponseMessage, CancellationToken, Task<WeComResult<T>>> readResponse,
        CancellationToken cancellationToken)
    {
        WeComResult<T> result;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            result = response.IsSuccessStatusCode
                ? await readResponse(response, cancellationToken)
                : WeComResults.Failure<T>(FromStatus(response.StatusCode));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TransportFailure<T>(WeComErrorCodes.ClientTimeout, "timed out", operation, logger);
        }
        catch (TimeoutRejectedException)
        {
            return TransportFailure<T>(WeComErrorCodes.ClientTimeout, "timed out", operation, logger);
        }
        catch (HttpRequestException e)
        {
            return TransportFailure<T>(WeComErrorCodes.ClientNetworkError, $"network error ({e.HttpRequestError})", operation, logger);
        }
        catch (IOException)
        {
            return TransportFailure<T>(WeComErrorCodes.ClientNetworkError, "connection broken while reading", operation, logger);
        }
        catch (JsonException)
        {
            return TransportFailure<T>(WeComErrorCodes.ClientInvalidResponse, "response is not valid JSON", operation, logger);
        }

        if (!result.IsOk)
        {
            WeComLog.CallFailed(logger, operation, result.ErrCode, result.Kind);
        }

        return result;
    }

    public static async Task<WeComResult<T>> ReadJsonAsync<T>(HttpResponseMessage response, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        using var document = JsonDocument.Parse(body);
        return FromJson(document.RootElement, read);
    }

    public static WeComResult<T> FromJson<T>(JsonElement root, Func<JsonElement, T> read)
    {
        if (WeComJson.ReadError(root) is not { } error)
        {
            return WeComResults.FromCode<T>(WeComErrorCodes.ClientInvalidResponse, "response is not a JSON object");
        }

        return error.ErrCode == WeComErrorCodes.Ok
            ? WeComResults.Success<T>(read(root))
            : WeComResults.FromCode<T>(error.ErrCode, error.ErrMsg);
    }

    public static WeComResult FromStatus(HttpStatusCode status)
    {
        var code = (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            ? WeComErrorCodes.ClientHttpServerError
            : WeComErrorCodes.ClientHttpError;
        return WeComResult.FromCode(code, $"HTTP {(int)status}");
    }

    private static WeComResult<T> TransportFailure<T>(int code, string message, string operation, ILogger logger)
    {
        WeComLog.CallTransportFailed(logger, operation, message);
        return WeComResults.FromCode<T>(code, message);
    }
}
