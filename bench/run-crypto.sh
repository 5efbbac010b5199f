#!/usr/bin/env bash
# Callback crypto: Guanjia vs Tencent's @wecom/crypto (Node) on this machine, same 1 KB Chinese
# message, same key. Prints ops/s and the Guanjia/Node ratio (target >= 3x):
#   1. BenchmarkDotNet (short job, MemoryDiagnoser) for Guanjia vs the Node loop, by wall clock;
#   2. the same fixed-iteration loop in both runtimes, by wall clock and by process CPU time.
# On a CPU shared with other work, wall-clock figures depend on what else runs; CPU time does not.
# Usage: bench/run-crypto.sh   (ITERATIONS / WARMUP override the fixed loops; default 100000 / 20000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

[ -d bench/node/node_modules/@wecom/crypto ] || npm ci --prefix bench/node
iterations="${ITERATIONS:-100000}"
warmup="${WARMUP:-20000}"
artifacts="$root/bench/BenchmarkDotNet.Artifacts"

dotnet build -c Release bench/Guanjia.Bench -v quiet -nologo
bench_dll="bench/Guanjia.Bench/bin/Release/net10.0/Guanjia.Bench.dll"

dotnet_loop="$(dotnet "$bench_dll" cputime "$iterations" "$warmup")"
node_loop="$(node bench/node/crypto-bench.mjs "$iterations" "$warmup")"

dotnet "$bench_dll" --filter '*CallbackCryptoBenchmarks*' --job short --exporters json --artifacts "$artifacts"
report="$(ls -t "$artifacts"/results/*CallbackCryptoBenchmarks-report*.json | head -n 1)"

node --input-type=module - "$report" "$dotnet_loop" "$node_loop" <<'JS'
import { readFileSync } from 'node:fs';
const [report, dotnetJson, nodeJson] = process.argv.slice(2);
const bdn = JSON.parse(readFileSync(report, 'utf8')).Benchmarks;
const net = JSON.parse(dotnetJson);
const node = JSON.parse(nodeJson);
const pick = (method) => bdn.find((b) => b.Method === method);
const fmt = (n) => Math.round(n).toString().padStart(8);
const ops = [
  ['verify+decrypt 1 KB', 'VerifyAndDecrypt_1KB', 'verifyDecrypt'],
  ['encrypt+sign 1 KB', 'EncryptAndSign_1KB', 'encryptSign'],
];
console.log(`\nCallback crypto: Guanjia (.NET ${net.runtime}) vs @wecom/crypto 1.0.1 (${node.runtime}), ops/s`);
console.log(`${''.padEnd(20)} ${'BDN wall'.padStart(8)} ${'B/op'.padStart(5)} ${'Node wall'.padStart(9)} ${'ratio'.padStart(6)} | `
  + `${'loop wall'.padStart(9)} ${'Node wall'.padStart(9)} ${'ratio'.padStart(6)} | ${'loop CPU'.padStart(8)} ${'Node CPU'.padStart(8)} ${'ratio'.padStart(6)}`);
for (const [name, method, key] of ops) {
  const b = pick(method);
  const bdnOps = 1e9 / b.Statistics.Mean;
  const alloc = String(b.Memory?.BytesAllocatedPerOperation ?? '?');
  const nodeWall = node[`${key}OpsPerSec`];
  const nodeCpu = node[`${key}CpuOpsPerSec`];
  const netWall = net[`${key}OpsPerSec`];
  const netCpu = net[`${key}CpuOpsPerSec`];
  console.log(`${name.padEnd(20)} ${fmt(bdnOps)} ${alloc.padStart(5)} ${fmt(nodeWall).padStart(9)} ${(bdnOps / nodeWall).toFixed(2).padStart(5)}x | `
    + `${fmt(netWall).padStart(9)} ${fmt(nodeWall).padStart(9)} ${(netWall / nodeWall).toFixed(2).padStart(5)}x | `
    + `${fmt(netCpu)} ${fmt(nodeCpu)} ${(netCpu / nodeCpu).toFixed(2).padStart(5)}x`);
}
JS
