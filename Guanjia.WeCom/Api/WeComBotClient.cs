using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Guanjia.WeCom.Api;

/// <summary>
/// Outbound calls of the intelligent bot: the single-use <c>response_url</c> and the download of its
/// encrypted media URLs (bytes as served; decryption happens elsewhere). Neither carries an access token.
/// </summary>
public sealed class WeComBotClient(HttpClient http, ResponseUrlLedger ledger, ILogger<WeComBotClient> logger)
{
    /// <summary>
    /// Posts a markdown reply (≤ 20480 bytes) to a response_url. A second post to a URL that WeCom already took is
    /// refused here; a post that failed transiently (5xx, −1, 45009, timeout, network) leaves the URL free to retry.
    /// </summary>
    public Task<WeComResult> PostMarkdownAsync(Uri responseUrl, string content, CancellationToken cancellationToken = default) =>
        PostAsync(responseUrl, new { msgtype = "markdown", markdown = new { content } }, cancellationToken);

    /// <summary>Posts a template card to a response_url: WeCom takes one only for a 1:1 chat's message (wecom.md §3.7).</summary>
    public Task<WeComResult> PostTemplateCardAsync(Uri responseUrl, Cards.TemplateCard card, CancellationToken cancellationToken = default) =>
        PostAsync(responseUrl, new { msgtype = "template_card", template_card = card }, cancellationToken);

    private async Task<WeComResult> PostAsync(Uri responseUrl, object body, CancellationToken cancellationToken)
    {
        if (!responseUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("response_url must be absolute.", nameof(responseUrl));
        }

        if (!ledger.TryClaim(responseUrl))
        {
            WeComLog.ResponseUrlReused(logger);
            return WeComResult.FromCode(WeComErrorCodes.ClientResponseUrlAlreadyUsed, "response_url already used");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, responseUrl)
        {
            Content = WeComJson.Content(body, WeComJson.OmitNullOptions),
        };
        var result = await WeComHttp.SendAsync(http, request, "response_url", logger, ReadAsync, cancellationToken);
        if (result.Kind == WeComErrorKind.Retryable)
        {
            // WeCom did not take it (or may not have): the same URL may be tried again. Should the post have
            // arrived after all, WeCom refuses the retry as used and the caller sends the reply another way.
            ledger.Release(responseUrl);
        }

        return result;

        // The response body is undocumented; third-party code only checks for 2xx.
        static async Task<WeComResult<bool>> ReadAsync(HttpResponseMessage response, CancellationToken ct)
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            if (body.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
            {
                return WeComResults.Success<bool>(true);
            }

            using var document = JsonDocument.Parse(body);
            return WeComHttp.FromJson(document.RootElement, _ => true);
        }
    }

    /// <summary>Downloads a bot media URL (valid 5 minutes) as served.</summary>
    public async Task<WeComResult<WeComMedia>> DownloadAsync(Uri url, CancellationToken cancellationToken = default)
    {
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException("Media URL must be absolute.", nameof(url));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        return await WeComHttp.SendAsync(http, request, "bot media download", logger, WeComApiClient.ReadMediaAsync, cancellationToken);
    }
}

/// <summary>Remembers response_urls already posted to in this process (they are valid one hour and usable once).</summary>
public sealed class ResponseUrlLedger(TimeProvider timeProvider)
{
    private static readonly TimeSpan Validity = TimeSpan.FromHours(1);

    private const int SweepFloor = 1024;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    // The size at which expired URLs are next swept out. Twice what a sweep leaves, so a busy hour (every reply adds one)
    // sweeps now and then instead of reading every URL on every claim (3 % of the service's CPU at 200 reports a second).
    private int _sweepAt = SweepFloor;

    /// <summary>True the first time a URL is claimed within its validity; false afterwards.</summary>
    public bool TryClaim(Uri responseUrl)
    {
        var now = timeProvider.GetUtcNow();
        if (_used.Count > Volatile.Read(ref _sweepAt))
        {
            foreach (var (url, expires) in _used)
            {
                if (expires <= now)
                {
                    _used.TryRemove(url, out _);
                }
            }

            Volatile.Write(ref _sweepAt, Math.Max(SweepFloor, 2 * _used.Count));
        }

        return _used.TryAdd(responseUrl.AbsoluteUri, now + Validity);
    }

    /// <summary>Gives a claimed URL back after a post WeCom did not take.</summary>
    public void Release(Uri responseUrl) => _used.TryRemove(responseUrl.AbsoluteUri, out _);
}
