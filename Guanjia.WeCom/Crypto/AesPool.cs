using System.Security.Cryptography;

namespace Guanjia.WeCom.Crypto;

// Aes instances are not thread-safe, but creating one per call costs an allocation and a key copy.
// A few keyed instances are kept in lock-free slots; concurrent callers that find no free slot
// create a fresh instance, and surplus instances are disposed on return.
internal sealed class AesPool
{
    private readonly byte[] _key;
    private readonly Aes?[] _slots = new Aes?[Math.Clamp(Environment.ProcessorCount, 2, 16)];

    public AesPool(byte[] key) => _key = key;

    public Aes Rent()
    {
        var slots = _slots;
        var start = Environment.CurrentManagedThreadId % slots.Length;
        for (var i = 0; i < slots.Length; i++)
        {
            var aes = Interlocked.Exchange(ref slots[(start + i) % slots.Length], null);
            if (aes is not null)
            {
                return aes;
            }
        }

        return CreateKeyed(_key);
    }

    public void Return(Aes aes)
    {
        var slots = _slots;
        var start = Environment.CurrentManagedThreadId % slots.Length;
        for (var i = 0; i < slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref slots[(start + i) % slots.Length], aes, null) is null)
            {
                return;
            }
        }

        aes.Dispose();
    }

    public static Aes CreateKeyed(ReadOnlySpan<byte> key)
    {
        var aes = Aes.Create();
        aes.SetKey(key);
        return aes;
    }
}
