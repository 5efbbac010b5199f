using System.Security.Cryptography;

namespace Guanjia.WeCom.Crypto;

// Aes instances and their transforms are not thread-safe, and creating them per call costs a native
// context and a key schedule each time. A few keyed entries are kept in lock-free slots; a caller
// that finds no free slot creates a fresh entry, and surplus entries are disposed on return.
internal sealed class AesPool(byte[] key)
{
    private readonly Entry?[] _slots = new Entry?[Math.Clamp(Environment.ProcessorCount, 2, 16)];

    public Entry Rent()
    {
        var slots = _slots;
        var start = Environment.CurrentManagedThreadId % slots.Length;
        for (var i = 0; i < slots.Length; i++)
        {
            var entry = Interlocked.Exchange(ref slots[(start + i) % slots.Length], null);
            if (entry is not null)
            {
                return entry;
            }
        }

        return new Entry(key);
    }

    public void Return(Entry entry)
    {
        var slots = _slots;
        var start = Environment.CurrentManagedThreadId % slots.Length;
        for (var i = 0; i < slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref slots[(start + i) % slots.Length], entry, null) is null)
            {
                return;
            }
        }

        entry.Dispose();
    }

    public static Aes CreateKeyed(ReadOnlySpan<byte> key)
    {
        var aes = Aes.Create();
        aes.SetKey(key);
        return aes;
    }

    // One keyed Aes plus CBC transforms fixed to IV = key[0..16), the IV of every WeCom message.
    internal sealed class Entry : IDisposable
    {
        private readonly ICryptoTransform _encryptor;
        private readonly ICryptoTransform _decryptor;

        public Entry(byte[] key)
        {
            Aes = CreateKeyed(key);
            Aes.Mode = CipherMode.CBC;
            Aes.Padding = PaddingMode.None;
            Aes.IV = key.AsSpan(0, 16).ToArray();
            _encryptor = Aes.CreateEncryptor();
            _decryptor = Aes.CreateDecryptor();
        }

        public Aes Aes { get; }

        // Whole blocks only. TransformFinalBlock with no input resets the chain to the IV for the next message.
        public int Encrypt(byte[] input, int offset, int count, byte[] output, int outputOffset) =>
            Transform(_encryptor, input, offset, count, output, outputOffset);

        public int Decrypt(byte[] input, int offset, int count, byte[] output, int outputOffset) =>
            Transform(_decryptor, input, offset, count, output, outputOffset);

        public void Dispose()
        {
            _encryptor.Dispose();
            _decryptor.Dispose();
            Aes.Dispose();
        }

        private static int Transform(ICryptoTransform transform, byte[] input, int offset, int count, byte[] output, int outputOffset)
        {
            var written = transform.TransformBlock(input, offset, count, output, outputOffset);
            transform.TransformFinalBlock(input, offset, 0);
            return written;
        }
    }
}
