using Guanjia.Core.Photos;

namespace Guanjia.Core.Tests.Photos;

/// <summary>A fresh media root per test class instance, removed afterwards.</summary>
public abstract class PhotoTestRoot : IDisposable
{
    protected PhotoTestRoot()
    {
        Root = Path.Combine(Path.GetTempPath(), "guanjia-photos-" + Guid.NewGuid().ToString("N"));
        Store = new PhotoStore(Root);
        Processor = new PhotoProcessor(new PhotoOptions(), Store);
    }

    protected string Root { get; }

    protected PhotoStore Store { get; }

    protected PhotoProcessor Processor { get; }

    protected async Task<PhotoResult.Stored> ProcessStoredAsync(byte[] input)
    {
        var result = await Processor.ProcessAsync(input, CancellationToken.None);
        return Assert.IsType<PhotoResult.Stored>(result);
    }

    protected byte[] ReadStored(string id, bool thumb = false)
    {
        using var stream = Store.OpenRead(id, thumb);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public void Dispose()
    {
        Processor.Dispose();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
