using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Guanjia.Core.Photos;

/// <summary>
/// 64-bit DCT perceptual hash: 32×32 grayscale → 2-D DCT-II → the 8×8 lowest frequencies without
/// the DC term → one bit per coefficient above their median. Bit 0 (the DC slot) is always 0.
/// </summary>
public static class PerceptualHash
{
    /// <summary>
    /// Photos whose hashes differ in at most this many bits are treated as the same scene
    /// (resized, recompressed or re-sent). Unrelated photos land around 32.
    /// </summary>
    public const int NearDuplicateDistance = 10;

    private const int Size = 32;
    private const int Low = 8;

    // Cosines for the 8 lowest DCT frequencies at the 32 sample positions.
    private static readonly double[,] Cosines = BuildCosines();

    public static int Distance(ulong a, ulong b) => System.Numerics.BitOperations.PopCount(a ^ b);

    public static bool IsNearDuplicate(ulong a, ulong b) => Distance(a, b) <= NearDuplicateDistance;

    public static ulong Compute<TPixel>(Image<TPixel> image)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var small = image.Clone(x => x.Resize(new ResizeOptions
        {
            Size = new Size(Size, Size),
            Mode = ResizeMode.Stretch,
            Sampler = KnownResamplers.Box,
        }));
        using var gray = small.CloneAs<L8>();
        var pixels = new L8[Size * Size];
        gray.CopyPixelDataTo(pixels);
        return Hash(pixels);
    }

    private static ulong Hash(ReadOnlySpan<L8> pixels)
    {
        // Separable DCT: rows first (keeping only 8 frequencies), then columns.
        var rows = new double[Size, Low];
        for (var y = 0; y < Size; y++)
        {
            for (var u = 0; u < Low; u++)
            {
                double sum = 0;
                for (var x = 0; x < Size; x++)
                {
                    sum += pixels[(y * Size) + x].PackedValue * Cosines[u, x];
                }

                rows[y, u] = sum;
            }
        }

        Span<double> coefficients = stackalloc double[Low * Low];
        for (var v = 0; v < Low; v++)
        {
            for (var u = 0; u < Low; u++)
            {
                double sum = 0;
                for (var y = 0; y < Size; y++)
                {
                    sum += rows[y, u] * Cosines[v, y];
                }

                coefficients[(v * Low) + u] = sum;
            }
        }

        Span<double> ac = stackalloc double[(Low * Low) - 1];
        coefficients[1..].CopyTo(ac);
        ac.Sort();
        var median = ac[ac.Length / 2];

        ulong hash = 0;
        for (var i = 1; i < Low * Low; i++)
        {
            if (coefficients[i] > median)
            {
                hash |= 1UL << i;
            }
        }

        return hash;
    }

    private static double[,] BuildCosines()
    {
        var table = new double[Low, Size];
        for (var u = 0; u < Low; u++)
        {
            for (var x = 0; x < Size; x++)
            {
                table[u, x] = Math.Cos(((2 * x) + 1) * u * Math.PI / (2 * Size));
            }
        }

        return table;
    }
}
