using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Guanjia.WeCom.Api;

/// <summary>
/// In-process access-token cache, one entry per (corpid, secret). Fetches are single-flight per entry:
/// concurrent callers wait for the one gettoken in progress instead of issuing their own.
/// </summary>
internal sealed class WeComAccessTokenCache(IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger<WeComAccessTokenCache> logger)
{
    public const string HttpClientName = "Guanjia.WeCom.GetToken";

    // Refresh ahead of WeCom's expiry so a token never dies in flight.
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(5);

    // A failed gettoken is remembered briefly so a burst of callers does not hammer gettoken
    // (WeCom throttles gettoken after many failures).
    private static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    public async Task<WeComResult<string>> GetTokenAsync(string corpId, string secret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(corpId) || string.IsNullOrEmpty(secret))
        {
            return WeComResults.FromCode<string>(WeComErrorCodes.ClientNotConfigured, "WeCom:CorpId and WeCom:Secret are required");
        }

        var slot = _slots.GetOrAdd(Key(corpId, secret), static _ => new Slot());
        if (slot.Current is { } cached && cached.ExpiresAt > timeProvider.GetUtcNow())
        {
            return WeComResults.Success<string>(cached.Value);
        }

        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            var now = timeProvider.GetUtcNow();
            if (slot.Current is { } fresh && fresh.ExpiresAt > now)
            {
                return WeComResults.Success<string>(fresh.Value);
            }

            if (slot.LastFailure is { } failure && now - failure.At < FailureMemory)
            {
                return WeComResults.Failure<string>(failure.Result);
            }

            var result = await FetchAsync(corpId, secret, cancellationToken);
            if (result.IsOk)
            {
                slot.LastFailure = null;
            }
            else
            {
                slot.LastFailure = (timeProvider.GetUtcNow(), result);
            }

            return result.IsOk ? WeComResults.Success<string>(result.Value!.Value) : WeComResults.Failure<string>(result);
        }
        finally
        {
            slot.Gate.Release();
        }

        async Task<WeComResult<CachedToken>> FetchAsync(string corp, string sec, CancellationToken ct)
        {
            var http = httpClientFactory.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(
                HttpMethod.Get,
                $"cgi-bin/gettoken?corpid={Uri.EscapeDataString(corp)}&corpsecret={Uri.EscapeDataString(sec)}");
            var fetched = await WeComHttp.SendAsync(http, request, "gettoken", logger, (response, c) => WeComHttp.ReadJsonAsync(response, root =>
            {
                var token = root.GetString("access_token") ?? "";
                var expiresIn = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? seconds : 7200;
                return (token, expiresIn);
            }, c), ct);

            var secretHash = SecretHash(sec);
            if (!fetched.IsOk || string.IsNullOrEmpty(fetched.Value.token))
            {
                var failed = fetched.IsOk
                    ? WeComResults.FromCode<CachedToken>(WeComErrorCodes.ClientInvalidResponse, "gettoken returned no access_token")
                    : WeComResults.FromCode<CachedToken>(fetched.ErrCode, "gettoken: " + fetched.ErrMsg);
                WeComLog.TokenFetchFailed(logger, corp, secretHash, failed.ErrCode, failed.Kind);
                return failed;
            }

            var (value, expiresInSeconds) = fetched.Value;
            var lifetime = TimeSpan.FromSeconds(expiresInSeconds);
            var margin = lifetime > 2 * ExpiryMargin ? ExpiryMargin : lifetime / 2;
            var entry = new CachedToken(value, timeProvider.GetUtcNow() + lifetime - margin);
            slot.Current = entry;
            WeComLog.TokenFetched(logger, corp, secretHash, expiresInSeconds);
            return WeComResults.Success<CachedToken>(entry);
        }
    }

    /// <summary>Drops the cached token, but only if it is still the one the caller used (compare-and-delete).</summary>
    public void Invalidate(string corpId, string secret, string usedToken)
    {
        if (_slots.TryGetValue(Key(corpId, secret), out var slot) && slot.Current is { } current && current.Value == usedToken)
        {
            Interlocked.CompareExchange(ref slot.CurrentField, null, current);
        }
    }

    private static string Key(string corpId, string secret) => corpId + ":" + SecretHash(secret);

    internal static string SecretHash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..16];

    private sealed record CachedToken(string Value, DateTimeOffset ExpiresAt);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Slots live as long as the cache; SemaphoreSlim needs disposal only when its wait handle is used.")]
    private sealed class Slot
    {
        public readonly SemaphoreSlim Gate = new(1, 1);

        public CachedToken? CurrentField;

        public CachedToken? Current
        {
            get => Volatile.Read(ref CurrentField);
            set => Volatile.Write(ref CurrentField, value);
        }

        public (DateTimeOffset At, WeComResult Result)? LastFailure;
    }
}
