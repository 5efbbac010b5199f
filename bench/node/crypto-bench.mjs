// Node baseline: the same two operations as bench/Guanjia.Bench CallbackCryptoBenchmarks, with
// Tencent's @wecom/crypto, on the same 1 KB Chinese message. Prints JSON with wall-clock and
// process-CPU-time ops/s (the CPU-time figure is the fair one on a shared machine).
// Usage: node crypto-bench.mjs [iterations=100000] [warmup=20000]
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

const TOKEN = 'QDG6eK';
const KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const RECEIVE_ID = 'wx5823bf96d3bd56c7';
const TIMESTAMP = '1409659813';
const NONCE = '1372623149';
const MESSAGE = '小巷管家路灯不亮了请尽快处理谢谢'.repeat(21) + '0123456789abcdef';

const iterations = Number.parseInt(process.argv[2] ?? '100000', 10);
const warmup = Number.parseInt(process.argv[3] ?? '20000', 10);

if (Buffer.byteLength(MESSAGE) !== 1024) throw new Error('message must be 1024 bytes');
const encrypted = encrypt(KEY, MESSAGE, RECEIVE_ID);
const signature = getSignature(TOKEN, TIMESTAMP, NONCE, encrypted);

// Same checks Guanjia makes: signature, then decrypt and compare the receiveid.
function verifyAndDecrypt() {
  if (getSignature(TOKEN, TIMESTAMP, NONCE, encrypted) !== signature) throw new Error('signature');
  const { message, id } = decrypt(KEY, encrypted);
  if (id !== RECEIVE_ID) throw new Error('receiveid');
  return message;
}

function encryptAndSign() {
  return getSignature(TOKEN, TIMESTAMP, NONCE, encrypt(KEY, MESSAGE, RECEIVE_ID));
}

function measure(operation) {
  let sink = 0;
  for (let i = 0; i < warmup; i += 1) sink += operation().length;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) sink += operation().length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  if (sink === 0) throw new Error('no work done');
  return { wall: iterations / seconds, cpu: iterations / ((cpu.user + cpu.system) / 1e6) };
}

if (verifyAndDecrypt() !== MESSAGE) throw new Error('round trip failed');
const verify = measure(verifyAndDecrypt);
const encryptSign = measure(encryptAndSign);
process.stdout.write(`${JSON.stringify({
  runtime: `node ${process.version}`,
  iterations,
  warmup,
  verifyDecryptOpsPerSec: verify.wall,
  verifyDecryptCpuOpsPerSec: verify.cpu,
  encryptSignOpsPerSec: encryptSign.wall,
  encryptSignCpuOpsPerSec: encryptSign.cpu,
})}\n`);
