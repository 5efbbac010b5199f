using Guanjia.WeCom.Api;

namespace Guanjia.WeCom.Callbacks;

/// <summary>
/// Which URLs in a callback Guanjia will ever call: a bot's <c>response_url</c> only on WeCom's API
/// host, image and file URLs only on WeCom's media hosts, both over http(s). Anything else
/// (<c>javascript:</c>, <c>file:</c>, <c>ftp:</c>, another host) is dropped at intake, so it never
/// reaches the outbox or the photo download.
/// </summary>
public sealed class CallbackUrlPolicy
{
    private const string WeComApiHost = "qyapi.weixin.qq.com";
    private readonly Uri? _apiBase;
    private readonly string[] _mediaHosts;

    public CallbackUrlPolicy(WeComOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _apiBase = Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) ? api : null;
        _mediaHosts = [.. options.MediaHosts.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim().ToLowerInvariant())];
    }

    /// <summary>True when <paramref name="url"/> is a reply address on WeCom's API host (or the configured API base).</summary>
    public bool IsResponseUrl(string? url) =>
        TryParseWeb(url, out var uri) && (IsApiBase(uri) || uri.IdnHost.Equals(WeComApiHost, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when <paramref name="url"/> is a media download on one of <see cref="WeComOptions.MediaHosts"/> (or the configured API base).</summary>
    public bool IsMediaUrl(string? url) =>
        TryParseWeb(url, out var uri) && (IsApiBase(uri) || _mediaHosts.Any(h => HostMatches(uri.IdnHost, h)));

    private static bool TryParseWeb(string? url, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(url) || url.Length > 4096
            || !Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp)
            // user:password@host is a classic way to make a URL look like it goes elsewhere.
            || parsed.UserInfo.Length > 0)
        {
            return false;
        }

        uri = parsed;
        return true;
    }

    // The sandbox and tests point ApiBaseUrl at a local fake: its own URLs are WeCom's there.
    private bool IsApiBase(Uri uri) =>
        _apiBase is not null
        && uri.Scheme == _apiBase.Scheme
        && uri.IdnHost.Equals(_apiBase.IdnHost, StringComparison.OrdinalIgnoreCase)
        && uri.Port == _apiBase.Port;

    private static bool HostMatches(string host, string allowed) =>
        allowed.StartsWith('.')
            ? host.EndsWith(allowed, StringComparison.OrdinalIgnoreCase) || host.Equals(allowed[1..], StringComparison.OrdinalIgnoreCase)
            : host.Equals(allowed, StringComparison.OrdinalIgnoreCase);
}
