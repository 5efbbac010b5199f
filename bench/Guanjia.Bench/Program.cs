using BenchmarkDotNet.Running;
using Guanjia.Bench.Crypto;

// `cputime [iterations] [warmup]` runs the same fixed-iteration loop as bench/node/crypto-bench.mjs
// and reports wall and CPU-time ops/s (a fair comparison on a shared CPU); anything else goes to
// BenchmarkDotNet.
if (args is ["cputime", ..])
{
    CryptoLoop.Run(args.Skip(1).ToArray());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
