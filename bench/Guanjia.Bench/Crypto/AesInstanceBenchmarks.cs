using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Guanjia.Bench.Crypto;

// Backs the choice in Guanjia.WeCom.Crypto.AesPool: a keyed Aes kept and reused vs one created per call.
[MemoryDiagnoser]
public class AesInstanceBenchmarks
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _cipher = RandomNumberGenerator.GetBytes(1088);
    private readonly byte[] _plain = new byte[1088];
    private Aes _kept = null!;

    [GlobalSetup]
    public void Setup()
    {
        _kept = Aes.Create();
        _kept.SetKey(_key);
    }

    [GlobalCleanup]
    public void Cleanup() => _kept.Dispose();

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
}
