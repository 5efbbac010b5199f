using System.Buffers;
using System.Security.Cryptography;

namespace Guanjia.Core.Photos;

/// <summary>
/// Content-addressed photo files under a root folder (config <c>Media:Root</c>):
/// <c>&lt;root&gt;/&lt;id[0..2]&gt;/&lt;id&gt;.jpg</c> and <c>&lt;id&gt;.thumb.jpg</c>.
/// The id is the first 32 lowercase hex digits of the SHA-256 of the stored JPEG.
/// </summary>
public sealed class PhotoStore
{
    public const string RootKey = "Media:Root";

    private const int IdLength = 32;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public PhotoStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public static string ComputeId(ReadOnlySpan<byte> jpeg) =>
        Convert.ToHexStringLower(SHA256.HashData(jpeg))[..IdLength];

    /// <summary>True for exactly 32 lowercase hex digits; anything else (paths, "../") is not an id.</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: IdLength } && id.AsSpan().IndexOfAnyExcept(LowerHex) < 0;

    /// <summary>Opens the stored photo or its thumbnail; null when the id is malformed or unknown.</summary>
    public Stream? OpenRead(string? id, bool thumb = false)
    {
        if (!IsValidId(id))
        {
            return null;
        }

        try
        {
            return new FileStream(PathOf(id!, thumb), FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public bool Exists(string id) => IsValidId(id) && File.Exists(PathOf(id, thumb: false));

    /// <summary>
    /// Stores the photo and its thumbnail under <paramref name="id"/>. Idempotent: storing the same
    /// id again writes nothing. The thumbnail lands first, so a visible photo always has one.
    /// </summary>
    internal async Task SaveAsync(string id, ReadOnlyMemory<byte> jpeg, ReadOnlyMemory<byte> thumb, CancellationToken cancellationToken)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException("Not a photo id.", nameof(id));
        }

        var main = PathOf(id, thumb: false);
        if (File.Exists(main))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(main)!);
        await WriteAtomicallyAsync(PathOf(id, thumb: true), thumb, cancellationToken);
        await WriteAtomicallyAsync(main, jpeg, cancellationToken);
    }

    private string PathOf(string id, bool thumb) =>
        Path.Combine(Root, id[..2], thumb ? $"{id}.thumb.jpg" : $"{id}.jpg");

    // Write to a unique temp file and rename, so readers never see half a file and two writers of
    // the same content do not collide; the loser of a race just drops its copy.
    private static async Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            {
                await file.WriteAsync(content, cancellationToken);
                await file.FlushAsync(cancellationToken);
            }

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Same id means same bytes: the file already there is ours too.
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
