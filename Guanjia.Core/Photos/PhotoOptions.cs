namespace Guanjia.Core.Photos;

/// <summary>Limits and output sizes for incoming photos. Defaults suit phone photos sent to a chat group.</summary>
public sealed class PhotoOptions
{
    public const string Section = "Photos";

    /// <summary>Inputs larger than this are refused before any decoding.</summary>
    public long MaxBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Width × height above this is refused as a decompression bomb.</summary>
    public long MaxPixels { get; set; } = 50_000_000;

    /// <summary>Either side above this is refused even when the pixel count is within limits.</summary>
    public int MaxSide { get; set; } = 20_000;

    /// <summary>Long side of the stored photo; smaller photos are never upscaled.</summary>
    public int MaxLongSide { get; set; } = 2048;

    public int ThumbLongSide { get; set; } = 320;

    public int JpegQuality { get; set; } = 82;

    /// <summary>How many photos are decoded at the same time.</summary>
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Threads ImageSharp may use inside one photo. 1 by default: throughput comes from
    /// processing several photos at once, and one photo should not starve the web host.
    /// </summary>
    public int MaxDegreeOfParallelism { get; set; } = 1;

    /// <summary>Upper bound of ImageSharp's retained buffer pool.</summary>
    public int MemoryPoolMegabytes { get; set; } = 64;
}
