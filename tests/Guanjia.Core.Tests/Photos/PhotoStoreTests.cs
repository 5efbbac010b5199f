using System.Security.Cryptography;
using Guanjia.Core.Photos;

namespace Guanjia.Core.Tests.Photos;

public sealed class PhotoStoreTests : PhotoTestRoot
{
    [Fact]
    public async Task Process_SamePhotoTwice_SameIdAndOneFile()
    {
        var input = TestImages.Jpeg(TestImages.Scene(seed: 3, 640, 480));

        var first = await ProcessStoredAsync(input);
        var second = await ProcessStoredAsync(input);

        Assert.Equal(first.Id, second.Id);
        var files = Directory.GetFiles(Root, "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(new[] { $"{first.Id}.jpg", $"{first.Id}.thumb.jpg" }, files);
        Assert.True(File.Exists(Path.Combine(Root, first.Id[..2], $"{first.Id}.jpg")));
    }

    [Fact]
    public async Task OpenRead_StoredId_ReturnsBytesWhoseHashIsTheId()
    {
        var stored = await ProcessStoredAsync(TestImages.Jpeg(TestImages.Scene(seed: 4, 640, 480)));

        var bytes = ReadStored(stored.Id);

        Assert.Matches("^[0-9a-f]{32}$", stored.Id);
        Assert.Equal(stored.Id, Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]);
        Assert.NotEqual(bytes, ReadStored(stored.Id, thumb: true));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("../0123456789abcdef0123456789abc")]
    [InlineData("..\\0123456789abcdef0123456789abc")]
    [InlineData("/0123456789abcdef0123456789abcd")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    [InlineData("0123456789abcdef")]
    [InlineData("")]
    [InlineData(null)]
    public void OpenRead_MalformedId_ReturnsNull(string? id)
    {
        Assert.False(PhotoStore.IsValidId(id));
        Assert.Null(Store.OpenRead(id));
        Assert.Null(Store.OpenRead(id, thumb: true));
    }

    [Fact]
    public async Task OpenRead_MalformedIdPointingAtARealFile_ReturnsNull()
    {
        var stored = await ProcessStoredAsync(TestImages.Jpeg(TestImages.Scene(seed: 6, 64, 64)));

        Assert.Null(Store.OpenRead($"{stored.Id[..2]}/{stored.Id}"));
        Assert.Null(Store.OpenRead(stored.Id.ToUpperInvariant()));
    }

    [Fact]
    public void OpenRead_UnknownId_ReturnsNull()
    {
        Assert.Null(Store.OpenRead("0123456789abcdef0123456789abcdef"));
        Assert.False(Store.Exists("0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task Save_LeavesNoTemporaryFiles()
    {
        await ProcessStoredAsync(TestImages.Jpeg(TestImages.Scene(seed: 8, 200, 100)));

        Assert.Empty(Directory.GetFiles(Root, "*.tmp", SearchOption.AllDirectories));
    }
}
