using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Guanjia.Core.Tests.Photos;

/// <summary>Images made in code, so the tests need no binary fixtures.</summary>
internal static class TestImages
{
    public static readonly Rgb24 Red = new(255, 0, 0);
    public static readonly Rgb24 Green = new(0, 255, 0);
    public static readonly Rgb24 Blue = new(0, 0, 255);

    public static Image<Rgb24> Solid(int width, int height, Rgb24 color) => new(width, height, color);

    public static void Paint(Image<Rgb24> image, Rectangle area, Rgb24 color)
    {
        area.Intersect(new Rectangle(0, 0, image.Width, image.Height));
        image.ProcessPixelRows(rows =>
        {
            for (var y = area.Top; y < area.Bottom; y++)
            {
                rows.GetRowSpan(y).Slice(area.Left, area.Width).Fill(color);
            }
        });
    }

    /// <summary>Random coloured blocks placed in relative coordinates, so any size shows the same scene.</summary>
    public static Image<Rgb24> Scene(int seed, int width, int height)
    {
        var random = new Random(seed);
        var image = Solid(width, height, RandomColor(random));
        for (var i = 0; i < 12; i++)
        {
            var x = random.NextDouble() * 0.8;
            var y = random.NextDouble() * 0.8;
            var w = 0.1 + (random.NextDouble() * 0.4);
            var h = 0.1 + (random.NextDouble() * 0.4);
            Paint(image, new Rectangle((int)(x * width), (int)(y * height), (int)(w * width), (int)(h * height)), RandomColor(random));
        }

        return image;
    }

    /// <summary>Photo-like content (gradients plus fine noise) so JPEG coding has real work to do.</summary>
    public static Image<Rgb24> Noisy(int width, int height, int seed = 1)
    {
        var random = new Random(seed);
        var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    var noise = random.Next(-24, 25);
                    row[x] = new Rgb24(
                        (byte)Math.Clamp((x * 255 / width) + noise, 0, 255),
                        (byte)Math.Clamp((y * 255 / height) + noise, 0, 255),
                        (byte)Math.Clamp(128 + noise, 0, 255));
                }
            }
        });
        return image;
    }

    public static byte[] Jpeg(Image image, int quality = 90)
    {
        using var output = new MemoryStream();
        image.Save(output, new JpegEncoder { Quality = quality });
        return output.ToArray();
    }

    public static byte[] Png(Image image)
    {
        using var output = new MemoryStream();
        image.Save(output, new PngEncoder());
        return output.ToArray();
    }

    /// <summary>A PNG that is only a signature, an IHDR claiming the given size, and IEND.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type RGB
        WriteChunk(output, "IHDR", ihdr);
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    public static bool Contains(byte[] haystack, string ascii) =>
        haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(ascii)) >= 0;

    private static Rgb24 RandomColor(Random random) =>
        new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        output.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        output.Write(number);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
