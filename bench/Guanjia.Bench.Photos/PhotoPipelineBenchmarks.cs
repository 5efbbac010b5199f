using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Guanjia.Core.Photos;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Guanjia.Bench.Photos;

/// <summary>
/// One 12 MP phone-like JPEG (4000×3000, EXIF orientation 6 + GPS) through the whole pipeline,
/// against a baseline that only decodes and re-encodes it with ImageSharp's defaults.
/// Both run single-threaded (MaxDegreeOfParallelism = 1) so the ratio compares like with like.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class PhotoPipelineBenchmarks : IDisposable
{
    private byte[] _photo = [];
    private string _root = "";
    private PhotoProcessor? _processor;
    private Configuration _baseline = Configuration.Default;
    private long _workingSetAfterSetup;
    private TimeSpan _cpuAfterSetup;
    private long _operations;

    [GlobalSetup]
    public void Setup()
    {
        _photo = MakePhoto(4000, 3000);
        _root = Path.Combine(Path.GetTempPath(), "guanjia-bench-" + Guid.NewGuid().ToString("N"));
        _processor = new PhotoProcessor(new PhotoOptions { MaxDegreeOfParallelism = 1 }, new PhotoStore(_root));
        _baseline = Configuration.Default.Clone();
        _baseline.MaxDegreeOfParallelism = 1;
        Console.WriteLine($"// Input JPEG: 4000x3000, {_photo.Length / 1024} KiB");

        // Forget the memory used to generate the input, so the peak below is the benchmark's own.
        Configuration.Default.MemoryAllocator.ReleaseRetainedResources();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        ResetPeakWorkingSet();
        using var self = Process.GetCurrentProcess();
        _workingSetAfterSetup = self.WorkingSet64;
        _cpuAfterSetup = self.TotalProcessorTime;
    }

    [Benchmark(Baseline = true)]
    public long DecodeEncodeDefaults()
    {
        _operations++;
        using var image = Image.Load(_baseline, _photo);
        using var output = new MemoryStream();
        image.Save(output, new JpegEncoder());
        return output.Length;
    }

    // The floor: ImageSharp 2.x cannot decode a JPEG at reduced size, so every photo pays this.
    [Benchmark]
    public int DecodeOnly()
    {
        _operations++;
        using var image = Image.Load<Rgb24>(_baseline, _photo);
        return image.Width;
    }

    [Benchmark]
    public async Task<PhotoResult> FullPipeline()
    {
        _operations++;
        return await _processor!.ProcessAsync(_photo, CancellationToken.None);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // ImageSharp keeps pixel buffers in unmanaged pools that MemoryDiagnoser cannot see,
        // so the process peak is printed as well.
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(
            $"// WorkingSet after setup: {_workingSetAfterSetup / (1024 * 1024)} MB, "
            + $"peak while benchmarking: {self.PeakWorkingSet64 / (1024 * 1024)} MB");

        // Wall-clock times swing with the load other processes put on a shared machine; the CPU
        // time this process spent per operation (all runs, warm-up included) does much less.
        var cpu = (self.TotalProcessorTime - _cpuAfterSetup).TotalMilliseconds;
        Console.WriteLine($"// CPU per operation: {cpu / Math.Max(1, _operations):F1} ms over {_operations} operations");
        Dispose();
    }

    // Linux resets the peak resident set size (VmHWM) when 5 is written to clear_refs.
    private static void ResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.WriteLine("// Peak working set could not be reset; it includes the setup.");
        }
    }

    public void Dispose()
    {
        _processor?.Dispose();
        _processor = null;
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Gradients, blocks and mild noise: compresses roughly like a phone photo.</summary>
    internal static byte[] MakePhoto(int width, int height)
    {
        var random = new Random(42);
        using var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    var noise = random.Next(-6, 7);
                    var block = ((x / 250) + (y / 250)) % 2 == 0 ? 40 : 0;
                    row[x] = new Rgb24(
                        (byte)Math.Clamp((x * 200 / width) + block + noise, 0, 255),
                        (byte)Math.Clamp((y * 200 / height) + noise, 0, 255),
                        (byte)Math.Clamp(90 + block + noise, 0, 255));
                }
            }
        });
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.Orientation, (ushort)6);
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(25, 1), new Rational(2, 1), new Rational(3, 1)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(102, 1), new Rational(42, 1), new Rational(5, 1)]);
        image.Metadata.ExifProfile = exif;
        using var output = new MemoryStream();
        image.Save(output, new JpegEncoder { Quality = 90 });
        return output.ToArray();
    }
}
