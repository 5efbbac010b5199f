using BenchmarkDotNet.Attributes;
using Guanjia.WeCom.Crypto;

namespace Guanjia.Bench.Crypto;

[MemoryDiagnoser]
public class CallbackCryptoBenchmarks
{
    private WeComCallbackCrypto _crypto = null!;
    private string _encrypted = null!;
    private string _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _crypto = WeComCallbackCrypto.Create(BenchMessages.Token, BenchMessages.EncodingAesKey, BenchMessages.ReceiveId).Value!;
        _encrypted = _crypto.Encrypt(BenchMessages.OneKilobyteChinese).Value!;
        _signature = _crypto.ComputeSignature(BenchMessages.Timestamp, BenchMessages.Nonce, _encrypted);
        if (_crypto.VerifyAndDecrypt(_signature, BenchMessages.Timestamp, BenchMessages.Nonce, _encrypted).Value != BenchMessages.OneKilobyteChinese)
        {
            throw new InvalidOperationException("Benchmark setup does not round-trip.");
        }
    }

    [Benchmark(Baseline = true)]
    public string? VerifyAndDecrypt_1KB() =>
        _crypto.VerifyAndDecrypt(_signature, BenchMessages.Timestamp, BenchMessages.Nonce, _encrypted).Value;

    [Benchmark]
    public string EncryptAndSign_1KB()
    {
        var encrypted = _crypto.Encrypt(BenchMessages.OneKilobyteChinese).Value!;
        return _crypto.ComputeSignature(BenchMessages.Timestamp, BenchMessages.Nonce, encrypted);
    }
}
