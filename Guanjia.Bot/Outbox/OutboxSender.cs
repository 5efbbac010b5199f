using Guanjia.Core.Intake;
using Guanjia.Core.Outbox;
using Guanjia.Core.Photos;
using Guanjia.Core.Storage;
using Guanjia.WeCom.Api;
using Guanjia.WeCom.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guanjia.Bot.Outbox;

/// <summary>
/// Sends pending outbox messages to WeCom in order, paced by the per-robot and per-user limits,
/// retrying retryable failures with exponential back-off and dropping only on permanent errors.
/// </summary>
internal sealed partial class OutboxSender(
    IServiceScopeFactory scopes,
    InboxWriter inbox,
    WeComRateLimits limits,
    TimeProvider time,
    ILogger<OutboxSender> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(500);
    private const int MaxBackoffSeconds = 900;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int sent;
            try
            {
                sent = await SendDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailed(logger, ex);
                sent = 0;
            }

            if (sent == 0)
            {
                await Task.Delay(Idle, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Sends every due message once; returns how many were attempted.</summary>
    internal async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        var now = time.GetUtcNow();
        var due = await db.Outbox
            .Where(m => m.State == OutboxState.Pending && m.NextAttemptAt <= now)
            .OrderBy(m => m.Id)
            .Take(50)
            .ToListAsync(cancellationToken);
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        var attempted = 0;
        foreach (var message in due)
        {
            // Keep each destination's messages in order: once one waits, the rest wait too.
            if (blocked.Contains(message.Target))
            {
                continue;
            }

            var limiter = message.Channel switch
            {
                OutboxChannel.Robot => limits.Robots,
                OutboxChannel.AppUser => limits.AppUsers,
                _ => null,
            };
            if (limiter is not null)
            {
                var decision = limiter.TryAcquire(message.Target);
                if (!decision.IsAcquired)
                {
                    message.NextAttemptAt = decision.RetryAt;
                    blocked.Add(message.Target);
                    continue;
                }
            }

            if (inbox.IsBursting)
            {
                await Task.Delay(InboxWriter.BurstPace, time, cancellationToken);
            }

            attempted++;
            var result = await SendAsync(scope.ServiceProvider, message, cancellationToken);
            message.Attempts++;
            if (result.IsOk)
            {
                message.State = OutboxState.Sent;
                message.SentAt = time.GetUtcNow();
                message.LastError = null;
            }
            else if (result.Kind is WeComErrorKind.Permanent)
            {
                message.State = OutboxState.Dropped;
                message.LastError = $"{result.ErrCode}";
                LogDropped(logger, message.Id, message.TicketNumber, result.ErrCode);
            }
            else
            {
                var backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoffSeconds, Math.Pow(2, message.Attempts)));
                message.NextAttemptAt = time.GetUtcNow() + backoff;
                message.LastError = $"{result.Kind}:{result.ErrCode}";
                blocked.Add(message.Target);
                LogRetry(logger, message.Id, message.TicketNumber, result.ErrCode, result.Kind.ToString(), backoff);
            }

            await db.SaveChangesAsync(CancellationToken.None);
        }

        await db.SaveChangesAsync(CancellationToken.None);
        return attempted;
    }

    private static async Task<WeComResult> SendAsync(IServiceProvider services, OutboxMessage message, CancellationToken cancellationToken)
    {
        var webhook = services.GetRequiredService<WeComWebhookClient>();
        var api = services.GetRequiredService<WeComApiClient>();
        var bot = services.GetRequiredService<WeComBotClient>();
        var users = message.Target.Split('|', StringSplitOptions.RemoveEmptyEntries);
        var mentions = message.Mentions?.Split('|', StringSplitOptions.RemoveEmptyEntries);

        switch (message.Channel, message.Kind)
        {
            case (OutboxChannel.Robot, OutboxKind.Text):
                return await webhook.SendTextAsync(message.Target, message.Content, mentions, cancellationToken);
            case (OutboxChannel.Robot, OutboxKind.Markdown):
                return await webhook.SendMarkdownAsync(message.Target, message.Content, cancellationToken);
            case (OutboxChannel.Robot, OutboxKind.Image):
                var image = await ReadPhotoAsync(services, message.Content, cancellationToken);
                return image is null
                    ? Undeliverable("photo missing")
                    : await webhook.SendImageAsync(message.Target, image, cancellationToken);
            case (OutboxChannel.AppUser, OutboxKind.Text):
                return await api.SendTextAsync(users, message.Content, cancellationToken);
            case (OutboxChannel.AppUser, OutboxKind.Markdown):
                return await api.SendMarkdownAsync(users, message.Content, cancellationToken);
            case (OutboxChannel.AppUser, OutboxKind.Image):
                var bytes = await ReadPhotoAsync(services, message.Content, cancellationToken);
                if (bytes is null)
                {
                    return Undeliverable("photo missing");
                }

                var uploaded = await api.UploadMediaAsync(bytes, $"{message.Content}.jpg", "image/jpeg", WeComMediaType.Image, cancellationToken);
                return uploaded.IsOk && uploaded.Value is not null
                    ? await api.SendImageAsync(users, uploaded.Value.MediaId, cancellationToken)
                    : uploaded;
            case (OutboxChannel.ResponseUrl, _):
                return Uri.TryCreate(message.Target, UriKind.Absolute, out var url)
                    ? await bot.PostMarkdownAsync(url, message.Content, cancellationToken)
                    : Undeliverable("bad response_url");
            default:
                return Undeliverable("unsupported");
        }
    }

    /// <summary>A message that can never be sent as stored (its photo is gone, its address is invalid).</summary>
    private static WeComResult Undeliverable(string reason) => new(-2001, reason, WeComErrorKind.Permanent);

    private static async Task<byte[]?> ReadPhotoAsync(IServiceProvider services, string photoId, CancellationToken cancellationToken)
    {
        await using var stream = services.GetRequiredService<PhotoStore>().OpenRead(photoId);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Outbox {OutboxId} for ticket #{Ticket} dropped on permanent WeCom error {ErrCode}")]
    private static partial void LogDropped(ILogger logger, long outboxId, int? ticket, int errCode);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Outbox {OutboxId} for ticket #{Ticket} failed with {ErrCode} ({Kind}); retry in {Backoff}")]
    private static partial void LogRetry(ILogger logger, long outboxId, int? ticket, int errCode, string kind, TimeSpan backoff);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Outbox loop failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
