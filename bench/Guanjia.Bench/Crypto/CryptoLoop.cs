using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Guanjia.WeCom.Crypto;

namespace Guanjia.Bench.Crypto;

// Mirrors measure() in bench/node/crypto-bench.mjs: warm-up, then a fixed number of iterations timed
// by wall clock and by process CPU time (which is what other engineers' load cannot inflate).
public static class CryptoLoop
{
    public static void Run(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var warmup = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;

        var crypto = WeComCallbackCrypto.Create(BenchMessages.Token, BenchMessages.EncodingAesKey, BenchMessages.ReceiveId).Value!;
        var encrypted = crypto.Encrypt(BenchMessages.OneKilobyteChinese).Value!;
        var signature = crypto.ComputeSignature(BenchMessages.Timestamp, BenchMessages.Nonce, encrypted);

        string VerifyAndDecrypt() =>
            crypto.VerifyAndDecrypt(signature, BenchMessages.Timestamp, BenchMessages.Nonce, encrypted).Value
            ?? throw new InvalidOperationException("decrypt failed");

        string EncryptAndSign() =>
            crypto.ComputeSignature(BenchMessages.Timestamp, BenchMessages.Nonce, crypto.Encrypt(BenchMessages.OneKilobyteChinese).Value!);

        if (VerifyAndDecrypt() != BenchMessages.OneKilobyteChinese)
        {
            throw new InvalidOperationException("Round trip failed.");
        }

        var (verifyWall, verifyCpu) = Measure(VerifyAndDecrypt, iterations, warmup);
        var (encryptWall, encryptCpu) = Measure(EncryptAndSign, iterations, warmup);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            runtime = Environment.Version.ToString(),
            iterations,
            warmup,
            verifyDecryptOpsPerSec = verifyWall,
            verifyDecryptCpuOpsPerSec = verifyCpu,
            encryptSignOpsPerSec = encryptWall,
            encryptSignCpuOpsPerSec = encryptCpu,
        }));
    }

    private static (double WallOpsPerSec, double CpuOpsPerSec) Measure(Func<string> operation, int iterations, int warmup)
    {
        long sink = 0;
        for (var i = 0; i < warmup; i++)
        {
            sink += operation().Length;
        }

        using var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            sink += operation().Length;
        }

        wall.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuStart;
        if (sink == 0)
        {
            throw new InvalidOperationException("No work done.");
        }

        return (iterations / wall.Elapsed.TotalSeconds, iterations / cpu.TotalSeconds);
    }
}
