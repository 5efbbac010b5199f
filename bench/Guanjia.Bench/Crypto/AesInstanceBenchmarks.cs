using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Guanjia.Bench.Crypto;

// Backs the choice in Guanjia.WeCom.Crypto.AesPool: a keyed Aes (or its CBC transform) kept and reused
// vs one created per call. Run: dotnet run -c Release --project bench/Guanjia.Bench -- --filter '*AesInstance*' --job short
[MemoryDiagnoser]
public class AesInstanceBenchmarks
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _cipher = RandomNumberGenerator.GetBytes(1088);
    private readonly byte[] _plain = new byte[1088];
    private Aes _kept = null!;
    private ICryptoTransform _keptDecryptor = null!;

    [GlobalSetup]
    public void Setup()
    {
        _kept = Aes.Create();
        _kept.SetKey(_key);
        _kept.Padding = PaddingMode.None;
        _kept.IV = _key[..16];
        _keptDecryptor = _kept.CreateDecryptor();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _keptDecryptor.Dispose();
        _kept.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int CreatePerCall_DecryptCbc()
    {
        using var aes = Aes.Create();
        aes.SetKey(_key);
        return aes.DecryptCbc(_cipher, _key.AsSpan(0, 16), _plain, PaddingMode.None);
    }

    [Benchmark]
    public int KeptInstance_DecryptCbc() =>
        _kept.DecryptCbc(_cipher, _key.AsSpan(0, 16), _plain, PaddingMode.None);

    [Benchmark]
    public int KeptDecryptor_TransformBlock()
    {
        var written = _keptDecryptor.TransformBlock(_cipher, 0, _cipher.Length, _plain, 0);
        _keptDecryptor.TransformFinalBlock(_cipher, 0, 0);
        return written;
    }
}
