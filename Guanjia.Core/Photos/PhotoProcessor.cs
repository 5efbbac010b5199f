using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace Guanjia.Core.Photos;

/// <summary>
/// Turns an untrusted upload into a stored, metadata-free JPEG plus thumbnail and perceptual hash.
/// Thread-safe; at most <see cref="PhotoOptions.MaxConcurrency"/> photos are decoded at once.
/// Bad input never throws: it comes back as <see cref="PhotoResult.Refused"/>.
/// </summary>
public sealed class PhotoProcessor : IDisposable
{
    // Bilinear with its support widened to the scale factor: antialiased downscaling, a little
    // cheaper than the default bicubic, and sharpness matters less than speed for evidence photos.
    private static readonly IResampler Downscaler = KnownResamplers.Triangle;

    private readonly PhotoOptions _options;
    private readonly PhotoStore _store;
    private readonly SemaphoreSlim _gate;
    private readonly Configuration _configuration;
    private readonly JpegEncoder _encoder;

    public PhotoProcessor(PhotoOptions options, PhotoStore store)
    {
        _options = options;
        _store = store;
        _gate = new SemaphoreSlim(Math.Max(1, options.MaxConcurrency));
        _configuration = CreateConfiguration(options);
        _encoder = new JpegEncoder { Quality = options.JpegQuality };
    }

    /// <summary>Only the five accepted formats are registered, so nothing else is even detected.</summary>
    internal static Configuration CreateConfiguration(PhotoOptions options)
    {
        // A 50 MP Rgba32 frame is 200 MB; nothing legitimate needs a single buffer beyond that.
        var allocationLimit = (int)Math.Min(int.MaxValue, (options.MaxPixels * 4 / (1024 * 1024)) + 64);
        return new Configuration(
            new JpegConfigurationModule(),
            new PngConfigurationModule(),
            new WebpConfigurationModule(),
            new GifConfigurationModule(),
            new BmpConfigurationModule())
        {
            MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism),
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                MaximumPoolSizeMegabytes = options.MemoryPoolMegabytes,
                AllocationLimitMegabytes = allocationLimit,
            }),
        };
    }

    public async Task<PhotoResult> ProcessAsync(Stream input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.CanSeek && input.Length - input.Position > _options.MaxBytes)
        {
            return PhotoResult.Refuse(PhotoError.TooLarge, _options);
        }

        // Read at most MaxBytes + 1 so an endless or lying stream cannot exhaust memory.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await input.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _options.MaxBytes)
            {
                return PhotoResult.Refuse(PhotoError.TooLarge, _options);
            }

            buffer.Write(chunk, 0, read);
        }

        return await ProcessAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
    }

    public async Task<PhotoResult> ProcessAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        if (input.Length > _options.MaxBytes)
        {
            return PhotoResult.Refuse(PhotoError.TooLarge, _options);
        }

        await _gate.WaitAsync(cancellationToken);
        Normalized normalized;
        try
        {
            var outcome = Normalize(input, cancellationToken);
            if (outcome.Refused is { } refused)
            {
                return refused;
            }

            normalized = outcome.Photo!;
        }
        finally
        {
            _gate.Release();
        }

        var id = PhotoStore.ComputeId(normalized.Jpeg);
        await _store.SaveAsync(id, normalized.Jpeg, normalized.Thumb, cancellationToken);
        return new PhotoResult.Stored(
            id,
            normalized.Width,
            normalized.Height,
            normalized.ThumbWidth,
            normalized.ThumbHeight,
            normalized.Jpeg.Length,
            normalized.Hash);
    }

    internal sealed record Normalized(byte[] Jpeg, byte[] Thumb, int Width, int Height, int ThumbWidth, int ThumbHeight, ulong Hash);

    internal readonly record struct Outcome(Normalized? Photo, PhotoResult.Refused? Refused);

    /// <summary>Every step short of storing: validate, decode, orient, strip, resize, encode, hash.</summary>
    internal Outcome Normalize(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        if (input.Length > _options.MaxBytes)
        {
            return Refuse(PhotoError.TooLarge);
        }

        var format = Image.DetectFormat(_configuration, input.Span);
        if (format is null)
        {
            return Refuse(PhotoError.UnsupportedType);
        }

        var segment = MemoryMarshal.TryGetArray(input, out var array) ? array : new ArraySegment<byte>(input.ToArray());
        try
        {
            using var stream = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
            var info = Image.Identify(_configuration, stream);
            if (info is null)
            {
                return Refuse(PhotoError.UnsupportedType);
            }

            if (info.Width <= 0 || info.Height <= 0)
            {
                return Refuse(PhotoError.Corrupt);
            }

            if (info.Width > _options.MaxSide || info.Height > _options.MaxSide
                || (long)info.Width * info.Height > _options.MaxPixels)
            {
                return Refuse(PhotoError.TooManyPixels);
            }

            cancellationToken.ThrowIfCancellationRequested();
            stream.Position = 0;
            return format is JpegFormat
                ? Decode<Rgb24>(stream, new JpegDecoder(), cancellationToken)
                : Decode<Rgba32>(stream, DecoderFor(format), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Hostile or broken files surface as many exception types (ImageFormatException,
            // InvalidMemoryOperationException, NotSupportedException, ...); all mean "cannot use this".
            return Refuse(PhotoError.Corrupt);
        }
    }

    private static IImageDecoder DecoderFor(IImageFormat format) => format switch
    {
        PngFormat => new PngDecoder(),
        GifFormat => new GifDecoder { DecodingMode = FrameDecodingMode.First },
        WebpFormat => new WebpDecoder(),
        _ => new BmpDecoder(),
    };

    private Outcome Decode<TPixel>(Stream stream, IImageDecoder decoder, CancellationToken cancellationToken)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var image = Image.Load<TPixel>(_configuration, stream, decoder);
        while (image.Frames.Count > 1)
        {
            image.Frames.RemoveFrame(image.Frames.Count - 1);
        }

        cancellationToken.ThrowIfCancellationRequested();

        // The long side does not change with rotation, so resize first and rotate the smaller image.
        var (width, height) = Fit(image.Width, image.Height, _options.MaxLongSide);
        var hasAlpha = typeof(TPixel) != typeof(Rgb24);
        image.Mutate(x =>
        {
            if (width != image.Width || height != image.Height)
            {
                x.Resize(new ResizeOptions
                {
                    Size = new Size(width, height),
                    Mode = ResizeMode.Stretch,
                    Sampler = Downscaler,
                    // Premultiplying is only needed with alpha; skipping it saves ~20 % of a 12 MP resize.
                    PremultiplyAlpha = hasAlpha,
                });
            }

            x.AutoOrient();
            if (hasAlpha)
            {
                // JPEG has no alpha: transparent areas become white rather than whatever colour they hide.
                x.BackgroundColor(Color.White);
            }
        });
        StripMetadata(image);

        cancellationToken.ThrowIfCancellationRequested();
        var (thumbWidth, thumbHeight) = Fit(image.Width, image.Height, _options.ThumbLongSide);
        using var thumb = image.Clone(x => x.Resize(thumbWidth, thumbHeight, Downscaler));
        var hash = PerceptualHash.Compute(thumb);

        return new Outcome(
            new Normalized(Encode(image), Encode(thumb), image.Width, image.Height, thumb.Width, thumb.Height, hash),
            null);
    }

    private byte[] Encode<TPixel>(Image<TPixel> image)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var output = new MemoryStream();
        image.Save(output, _encoder);
        return output.ToArray();
    }

    private static void StripMetadata(Image image)
    {
        Strip(image.Metadata);
        foreach (var frame in image.Frames)
        {
            frame.Metadata.ExifProfile = null;
            frame.Metadata.IccProfile = null;
            frame.Metadata.IptcProfile = null;
            frame.Metadata.XmpProfile = null;
        }
    }

    private static void Strip(ImageMetadata metadata)
    {
        metadata.ExifProfile = null;
        metadata.IccProfile = null;
        metadata.IptcProfile = null;
        metadata.XmpProfile = null;
    }

    internal static (int Width, int Height) Fit(int width, int height, int longSide)
    {
        var longest = Math.Max(width, height);
        if (longest <= longSide)
        {
            return (width, height);
        }

        var scale = (double)longSide / longest;
        return (
            Math.Clamp((int)Math.Round(width * scale), 1, longSide),
            Math.Clamp((int)Math.Round(height * scale), 1, longSide));
    }

    private Outcome Refuse(PhotoError error) => new(null, PhotoResult.Refuse(error, _options));

    public void Dispose() => _gate.Dispose();
}
