using System.Text;
using Guanjia.Core.Photos;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Iptc;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;
using SixLabors.ImageSharp.PixelFormats;

namespace Guanjia.Core.Tests.Photos;

public sealed class PhotoProcessorTests : PhotoTestRoot
{
    private const string Xmp =
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
        + "<rdf:Description xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmp:CreatorTool=\"SecretPhone\"/></rdf:RDF></x:xmpmeta>";

    [Fact]
    public async Task Process_JpegWithOrientation6_ComesOutUpright()
    {
        // Stored sideways: 400×200 with red top-left and green bottom-left; Orientation 6 = rotate 90° clockwise.
        using var sideways = TestImages.Solid(400, 200, TestImages.Blue);
        TestImages.Paint(sideways, new Rectangle(0, 0, 60, 60), TestImages.Red);
        TestImages.Paint(sideways, new Rectangle(0, 140, 60, 60), TestImages.Green);
        sideways.Metadata.ExifProfile = new ExifProfile();
        sideways.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);

        var stored = await ProcessStoredAsync(TestImages.Jpeg(sideways));

        Assert.Equal((200, 400), (stored.Width, stored.Height));
        using var upright = Image.Load<Rgb24>(ReadStored(stored.Id));
        Assert.Equal((200, 400), (upright.Width, upright.Height));
        AssertColor(TestImages.Red, upright[upright.Width - 20, 20]);
        AssertColor(TestImages.Green, upright[20, 20]);
        AssertColor(TestImages.Blue, upright[20, upright.Height - 20]);
        AssertColor(TestImages.Blue, upright[upright.Width - 20, upright.Height - 20]);
    }

    [Fact]
    public async Task Process_JpegWithGpsXmpIptc_StoresNoMetadataAtAll()
    {
        using var photo = TestImages.Noisy(640, 480);
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(25, 1), new Rational(2, 1), new Rational(3, 1)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(102, 1), new Rational(42, 1), new Rational(5, 1)]);
        exif.SetValue(ExifTag.Make, "SecretPhone");
        photo.Metadata.ExifProfile = exif;
        photo.Metadata.XmpProfile = new XmpProfile(Encoding.UTF8.GetBytes(Xmp));
        var iptc = new IptcProfile();
        iptc.SetValue(IptcTag.City, "Kunming");
        photo.Metadata.IptcProfile = iptc;
        var input = TestImages.Jpeg(photo);
        // The input really carries what must disappear, or this test proves nothing.
        Assert.True(TestImages.Contains(input, "Exif\0\0"));
        Assert.True(TestImages.Contains(input, "http://ns.adobe.com/xap/1.0/"));
        Assert.True(TestImages.Contains(input, "Photoshop 3.0"));
        Assert.True(TestImages.Contains(input, "SecretPhone"));

        var stored = await ProcessStoredAsync(input);

        foreach (var bytes in new[] { ReadStored(stored.Id), ReadStored(stored.Id, thumb: true) })
        {
            var info = Image.Identify(bytes);
            Assert.Null(info.Metadata.ExifProfile);
            Assert.Null(info.Metadata.XmpProfile);
            Assert.Null(info.Metadata.IptcProfile);
            Assert.Null(info.Metadata.IccProfile);
            Assert.False(TestImages.Contains(bytes, "Exif\0\0"));
            Assert.False(TestImages.Contains(bytes, "http://ns.adobe.com/xap/1.0/"));
            Assert.False(TestImages.Contains(bytes, "Photoshop 3.0"));
            Assert.False(TestImages.Contains(bytes, "ICC_PROFILE"));
            Assert.False(TestImages.Contains(bytes, "SecretPhone"));
        }
    }

    [Fact]
    public async Task Process_LargePhoto_LongSideLimitedTo2048AndThumbTo320()
    {
        using var wide = TestImages.Noisy(4096, 1024);

        var stored = await ProcessStoredAsync(TestImages.Jpeg(wide));

        Assert.Equal((2048, 512), (stored.Width, stored.Height));
        Assert.Equal((320, 80), (stored.ThumbWidth, stored.ThumbHeight));
        var main = ReadStored(stored.Id);
        Assert.Equal(main.Length, stored.Bytes);
        var mainInfo = Image.Identify(main);
        Assert.Equal((2048, 512), (mainInfo.Width, mainInfo.Height));
        var thumbInfo = Image.Identify(ReadStored(stored.Id, thumb: true));
        Assert.Equal((320, 80), (thumbInfo.Width, thumbInfo.Height));
    }

    [Fact]
    public async Task Process_SmallPhoto_IsNotUpscaled()
    {
        using var small = TestImages.Noisy(300, 200);

        var stored = await ProcessStoredAsync(TestImages.Png(small));

        Assert.Equal((300, 200), (stored.Width, stored.Height));
        Assert.Equal((300, 200), (stored.ThumbWidth, stored.ThumbHeight));
    }

    [Fact]
    public async Task Process_50MegabyteBuffer_RefusedAsTooLargeWithChineseMessage()
    {
        var huge = new byte[50 * 1024 * 1024];
        huge[0] = 0xFF;
        huge[1] = 0xD8;
        huge[2] = 0xFF;

        var result = await Processor.ProcessAsync(huge, CancellationToken.None);

        var refused = Assert.IsType<PhotoResult.Refused>(result);
        Assert.Equal(PhotoError.TooLarge, refused.Error);
        Assert.Equal("图片过大（超过20MB），请压缩后重发", refused.Message);
        Assert.False(Directory.Exists(Root));
    }

    [Fact]
    public async Task Process_SeekableStreamOf50Megabytes_RefusedWithoutReadingIt()
    {
        using var stream = new UnreadableStream(50L * 1024 * 1024);

        var result = await Processor.ProcessAsync(stream, CancellationToken.None);

        Assert.Equal(PhotoError.TooLarge, Assert.IsType<PhotoResult.Refused>(result).Error);
        Assert.Equal(0, stream.ReadCalls);
    }

    [Fact]
    public async Task Process_EndlessStream_StopsReadingJustPastTheLimit()
    {
        using var stream = new EndlessStream();

        var result = await Processor.ProcessAsync(stream, CancellationToken.None);

        Assert.Equal(PhotoError.TooLarge, Assert.IsType<PhotoResult.Refused>(result).Error);
        Assert.InRange(stream.BytesRead, (20L * 1024 * 1024) + 1, (21L * 1024 * 1024));
    }

    [Fact]
    public async Task Process_StreamWithinLimit_IsProcessed()
    {
        using var photo = TestImages.Noisy(100, 80);
        using var stream = new MemoryStream(TestImages.Jpeg(photo));

        var result = await Processor.ProcessAsync(stream, CancellationToken.None);

        Assert.Equal(100, Assert.IsType<PhotoResult.Stored>(result).Width);
    }

    [Theory]
    [InlineData("这不是图片，只是一段文字。")]
    [InlineData("GIF87 almost")]
    [InlineData("II*\0 a TIFF header, a format we do not accept")]
    public async Task Process_Text_RefusedAsUnsupportedType(string text)
    {
        var result = await Processor.ProcessAsync(Encoding.UTF8.GetBytes(text), CancellationToken.None);

        var refused = Assert.IsType<PhotoResult.Refused>(result);
        Assert.Equal(PhotoError.UnsupportedType, refused.Error);
        Assert.Contains("JPG", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_RandomBytes_RefusedAsUnsupportedType()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0x00;

        var result = await Processor.ProcessAsync(bytes, CancellationToken.None);

        Assert.Equal(PhotoError.UnsupportedType, Assert.IsType<PhotoResult.Refused>(result).Error);
    }

    [Fact]
    public async Task Process_TiffImage_RefusedAsUnsupportedType()
    {
        using var photo = TestImages.Noisy(50, 50);
        using var output = new MemoryStream();
        photo.Save(output, new SixLabors.ImageSharp.Formats.Tiff.TiffEncoder());

        var result = await Processor.ProcessAsync(output.ToArray(), CancellationToken.None);

        Assert.Equal(PhotoError.UnsupportedType, Assert.IsType<PhotoResult.Refused>(result).Error);
    }

    [Theory]
    [InlineData(100_000, 100_000)]
    [InlineData(8_000, 8_000)]
    [InlineData(30_000, 10)]
    public async Task Process_PngHeaderClaimingHugeSize_RefusedAsTooManyPixels(int width, int height)
    {
        var bomb = TestImages.PngHeaderOnly(width, height);

        var result = await Processor.ProcessAsync(bomb, CancellationToken.None);

        Assert.Equal(PhotoError.TooManyPixels, Assert.IsType<PhotoResult.Refused>(result).Error);
    }

    [Fact]
    public async Task Process_PngHeaderWithoutPixelData_RefusedAsCorrupt()
    {
        var empty = TestImages.PngHeaderOnly(64, 64);

        var result = await Processor.ProcessAsync(empty, CancellationToken.None);

        Assert.Equal(PhotoError.Corrupt, Assert.IsType<PhotoResult.Refused>(result).Error);
    }

    [Fact]
    public async Task Process_JpegCutAfterHeader_RefusedAsCorrupt()
    {
        var jpeg = TestImages.Jpeg(TestImages.Noisy(800, 600));

        var result = await Processor.ProcessAsync(jpeg.AsMemory(0, 40), CancellationToken.None);

        Assert.Equal(PhotoError.Corrupt, Assert.IsType<PhotoResult.Refused>(result).Error);
    }

    [Fact]
    public async Task Process_JpegCutInHalf_IsCorruptOrDecodedPartially()
    {
        using var photo = TestImages.Noisy(800, 600);
        var jpeg = TestImages.Jpeg(photo);

        var result = await Processor.ProcessAsync(jpeg.AsMemory(0, jpeg.Length / 2), CancellationToken.None);

        switch (result)
        {
            case PhotoResult.Stored stored:
                Assert.Equal((800, 600), (stored.Width, stored.Height));
                break;
            case PhotoResult.Refused refused:
                Assert.Equal(PhotoError.Corrupt, refused.Error);
                break;
            default:
                Assert.Fail($"Unexpected result {result}");
                break;
        }
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    [InlineData("webp")]
    [InlineData("gif")]
    [InlineData("bmp")]
    public async Task Process_AcceptedFormat_StoredAsJpeg(string format)
    {
        using var photo = TestImages.Scene(seed: 21, 240, 160);
        using var output = new MemoryStream();
        IImageEncoder encoder = format switch
        {
            "jpeg" => new JpegEncoder(),
            "png" => new PngEncoder(),
            "webp" => new WebpEncoder(),
            "gif" => new GifEncoder(),
            _ => new BmpEncoder(),
        };
        photo.Save(output, encoder);

        var stored = await ProcessStoredAsync(output.ToArray());

        Assert.Equal((240, 160), (stored.Width, stored.Height));
        Assert.IsType<JpegFormat>(Image.DetectFormat(ReadStored(stored.Id)));
        Assert.IsType<JpegFormat>(Image.DetectFormat(ReadStored(stored.Id, thumb: true)));
    }

    [Fact]
    public async Task Process_CancelledToken_ThrowsAndStoresNothing()
    {
        using var photo = TestImages.Noisy(100, 80);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Processor.ProcessAsync(TestImages.Jpeg(photo), cancelled.Token));
        Assert.False(Directory.Exists(Root));
    }

    [Fact]
    public async Task Process_AnimatedGif_KeepsOnlyTheFirstFrame()
    {
        using var gif = new Image<Rgba32>(64, 64, new Rgba32(255, 0, 0));
        using var second = new Image<Rgba32>(64, 64, new Rgba32(0, 0, 255));
        gif.Frames.AddFrame(second.Frames.RootFrame);
        using var output = new MemoryStream();
        gif.Save(output, new GifEncoder());

        var stored = await ProcessStoredAsync(output.ToArray());

        using var result = Image.Load<Rgb24>(ReadStored(stored.Id));
        Assert.Equal(1, result.Frames.Count);
        AssertColor(TestImages.Red, result[32, 32]);
    }

    [Fact]
    public async Task Process_TransparentPng_GetsWhiteBackground()
    {
        using var transparent = new Image<Rgba32>(64, 64, new Rgba32(0, 0, 0, 0));

        var stored = await ProcessStoredAsync(TestImages.Png(transparent));

        using var result = Image.Load<Rgb24>(ReadStored(stored.Id));
        AssertColor(new Rgb24(255, 255, 255), result[32, 32]);
    }

    [Fact]
    public async Task Process_ManyPhotosAtOnce_AllStoredWithDistinctIds()
    {
        var inputs = Enumerable.Range(1, 8).Select(seed => TestImages.Jpeg(TestImages.Scene(seed, 320, 240))).ToArray();

        var results = await Task.WhenAll(inputs.Select(input => Task.Run(() => Processor.ProcessAsync(input, CancellationToken.None))));

        var ids = results.Select(r => Assert.IsType<PhotoResult.Stored>(r).Id).ToArray();
        Assert.Equal(8, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(Store.Exists(id)));
    }

    private static void AssertColor(Rgb24 expected, Rgb24 actual)
    {
        // JPEG is lossy; a wrong corner differs by ~255 in at least one channel.
        Assert.InRange(Math.Abs(expected.R - actual.R), 0, 40);
        Assert.InRange(Math.Abs(expected.G - actual.G), 0, 40);
        Assert.InRange(Math.Abs(expected.B - actual.B), 0, 40);
    }

    /// <summary>Claims a length but fails if anyone reads it: proves refusal happens before reading.</summary>
    private sealed class UnreadableStream(long length) : Stream
    {
        public int ReadCalls { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            ReadCalls++;
            throw new InvalidOperationException("The stream must not be read.");
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ReadCalls++;
            throw new InvalidOperationException("The stream must not be read.");
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A non-seekable stream of JPEG-looking bytes that never ends.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill(0xD8);
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
