namespace Guanjia.Core.Intake;

/// <summary>Downloads the bytes of an incoming image (decrypted for the bot). Substituted in tests.</summary>
public interface IMediaSource
{
    Task<MediaFetchResult> FetchAsync(IncomingChannel channel, IncomingImage image, CancellationToken cancellationToken);
}

/// <summary>The downloaded bytes, or why there are none (Chinese, shown to people).</summary>
public sealed record MediaFetchResult(byte[]? Bytes, string? Failure)
{
    public static MediaFetchResult Ok(byte[] bytes) => new(bytes, null);

    public static MediaFetchResult Fail(string failure) => new(null, failure);
}
