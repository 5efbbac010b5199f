namespace Guanjia.Core.Photos;

/// <summary>Why a photo was refused.</summary>
public enum PhotoError
{
    TooLarge,
    UnsupportedType,
    TooManyPixels,
    Corrupt,
}

/// <summary>Outcome of <see cref="PhotoProcessor.ProcessAsync(ReadOnlyMemory{byte}, CancellationToken)"/>: a stored photo or a typed refusal.</summary>
public abstract record PhotoResult
{
    private PhotoResult()
    {
    }

    /// <summary>The photo was normalised and stored under <paramref name="Id"/>.</summary>
    /// <param name="Id">Content address in <see cref="PhotoStore"/>.</param>
    /// <param name="Width">Width of the stored, upright photo.</param>
    /// <param name="Height">Height of the stored, upright photo.</param>
    /// <param name="ThumbWidth">Width of the thumbnail.</param>
    /// <param name="ThumbHeight">Height of the thumbnail.</param>
    /// <param name="Bytes">Size of the stored JPEG.</param>
    /// <param name="PerceptualHash">64-bit pHash; compare with <see cref="Photos.PerceptualHash.Distance"/>.</param>
    public sealed record Stored(
        string Id,
        int Width,
        int Height,
        int ThumbWidth,
        int ThumbHeight,
        long Bytes,
        ulong PerceptualHash) : PhotoResult;

    /// <summary>The photo was refused; <paramref name="Message"/> is for people (Chinese, says what to do).</summary>
    public sealed record Refused(PhotoError Error, string Message) : PhotoResult;

    internal static Refused Refuse(PhotoError error, PhotoOptions options) => new(error, error switch
    {
        PhotoError.TooLarge => $"图片过大（超过{options.MaxBytes / (1024 * 1024)}MB），请压缩后重发",
        PhotoError.UnsupportedType => "不支持的图片格式，请发送 JPG、PNG、WebP、GIF 或 BMP 图片",
        PhotoError.TooManyPixels => "图片尺寸过大，请缩小或截图后重发",
        _ => "图片已损坏或不完整，请重新拍摄后重发",
    });
}
