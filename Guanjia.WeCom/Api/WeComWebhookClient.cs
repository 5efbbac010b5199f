using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Guanjia.WeCom.Api;

/// <summary>One article of a robot <c>news</c> message.</summary>
public sealed record WebhookArticle(string Title, string Url, string? Description = null, string? PicUrl = null);

/// <summary>
/// Group robot webhook (<c>webhook/send?key=</c>). The key is the robot's only credential: it is put on
/// the query string and never logged.
/// </summary>
public sealed class WeComWebhookClient(HttpClient http, ILogger<WeComWebhookClient> logger)
{
    /// <summary>WeCom's limit for robot images, counted before Base64.</summary>
    public const int MaxImageBytes = 2 * 1024 * 1024;

    /// <summary>Text (≤ 2048 bytes); <paramref name="mentionedList"/> holds userids or <c>@all</c>.</summary>
    public Task<WeComResult> SendTextAsync(string robotKey, string content, IReadOnlyCollection<string>? mentionedList = null, CancellationToken cancellationToken = default)
    {
        object text = mentionedList is { Count: > 0 } ? new { content, mentioned_list = mentionedList } : new { content };
        return SendAsync(robotKey, new { msgtype = "text", text }, cancellationToken);
    }

    /// <summary>Markdown (≤ 4096 bytes).</summary>
    public Task<WeComResult> SendMarkdownAsync(string robotKey, string content, CancellationToken cancellationToken = default) =>
        SendAsync(robotKey, new { msgtype = "markdown", markdown = new { content } }, cancellationToken);

    /// <summary>JPG/PNG image ≤ 2 MB; a larger one is refused here without calling WeCom.</summary>
    public Task<WeComResult> SendImageAsync(string robotKey, ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        if (image.Length > MaxImageBytes)
        {
            WeComLog.ImageTooLarge(logger, image.Length);
            return Task.FromResult(WeComResult.FromCode(WeComErrorCodes.ClientImageTooLarge, $"image is {image.Length} bytes; the robot limit is {MaxImageBytes}"));
        }

#pragma warning disable CA5351 // WeCom's protocol identifies the image by its MD5; not used for security.
        var md5 = Convert.ToHexStringLower(MD5.HashData(image.Span));
#pragma warning restore CA5351
        return SendAsync(robotKey, new { msgtype = "image", image = new { base64 = Convert.ToBase64String(image.Span), md5 } }, cancellationToken);
    }

    /// <summary>News with 1–8 articles.</summary>
    public Task<WeComResult> SendNewsAsync(string robotKey, IReadOnlyList<WebhookArticle> articles, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(articles.Count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(articles.Count, 8);
        var items = articles.Select(a => new { title = a.Title, description = a.Description, url = a.Url, picurl = a.PicUrl });
        return SendAsync(robotKey, new { msgtype = "news", news = new { articles = items } }, cancellationToken);
    }

    private async Task<WeComResult> SendAsync(string robotKey, object body, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(robotKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "cgi-bin/webhook/send?key=" + Uri.EscapeDataString(robotKey))
        {
            Content = WeComJson.Content(body),
        };
        return await WeComHttp.SendAsync(http, request, "webhook/send", logger, (response, ct) => WeComHttp.ReadJsonAsync(response, _ => true, ct), cancellationToken);
    }
}
