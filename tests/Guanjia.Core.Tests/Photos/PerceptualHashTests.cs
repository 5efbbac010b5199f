using Guanjia.Core.Photos;
using SixLabors.ImageSharp.Processing;

namespace Guanjia.Core.Tests.Photos;

public sealed class PerceptualHashTests : PhotoTestRoot
{
    [Theory]
    [InlineData(0UL, 0UL, 0)]
    [InlineData(0UL, ulong.MaxValue, 64)]
    [InlineData(0b1011UL, 0b0001UL, 2)]
    [InlineData(0x8000_0000_0000_0000UL, 0UL, 1)]
    public void Distance_CountsDifferingBits(ulong a, ulong b, int expected) =>
        Assert.Equal(expected, PerceptualHash.Distance(a, b));

    [Fact]
    public async Task Hash_SamePhotoResizedAndRecompressed_IsNearDuplicate()
    {
        using var original = TestImages.Scene(seed: 11, 1600, 1200);
        using var smaller = original.Clone(x => x.Resize(700, 525));

        var a = await ProcessStoredAsync(TestImages.Jpeg(original, quality: 95));
        var b = await ProcessStoredAsync(TestImages.Jpeg(smaller, quality: 50));

        Assert.NotEqual(a.Id, b.Id);
        Assert.InRange(PerceptualHash.Distance(a.PerceptualHash, b.PerceptualHash), 0, PerceptualHash.NearDuplicateDistance);
        Assert.True(PerceptualHash.IsNearDuplicate(a.PerceptualHash, b.PerceptualHash));
    }

    [Theory]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public async Task Hash_DifferentPhoto_IsNotNearDuplicate(int otherSeed)
    {
        using var first = TestImages.Scene(seed: 11, 800, 600);
        using var other = TestImages.Scene(otherSeed, 800, 600);

        var a = await ProcessStoredAsync(TestImages.Jpeg(first));
        var b = await ProcessStoredAsync(TestImages.Jpeg(other));

        Assert.True(
            PerceptualHash.Distance(a.PerceptualHash, b.PerceptualHash) > PerceptualHash.NearDuplicateDistance,
            $"distance {PerceptualHash.Distance(a.PerceptualHash, b.PerceptualHash)}");
        Assert.False(PerceptualHash.IsNearDuplicate(a.PerceptualHash, b.PerceptualHash));
    }

    [Fact]
    public void Compute_UsesRoughlyHalfTheBits()
    {
        using var scene = TestImages.Scene(seed: 5, 320, 240);

        var hash = PerceptualHash.Compute(scene);

        // Median thresholding over 63 coefficients sets 31 bits (fewer only on exact ties).
        Assert.InRange(System.Numerics.BitOperations.PopCount(hash), 28, 32);
        Assert.Equal(0UL, hash & 1UL);
    }
}
