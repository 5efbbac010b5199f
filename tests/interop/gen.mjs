// Generates interop cases with Tencent's @wecom/crypto: random keys/tokens, Chinese text 0..64 KB,
// encrypted and signed by the official package. Output: one JSON object per line.
// Usage: node gen.mjs [count=40] [outFile]   (stdout when outFile is omitted)
import { writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { encrypt, getSignature } from '@wecom/crypto';
import {
  chineseText, messageLength, randomAlnum, randomEncodingAesKey, randomReceiveId, randomToken,
} from './cases.mjs';

const count = Number.parseInt(process.argv[2] ?? '40', 10);
const outFile = process.argv[3];

const lines = [];
for (let i = 0; i < count; i += 1) {
  const key = randomEncodingAesKey();
  const token = randomToken();
  const receiveId = randomReceiveId();
  const message = chineseText(messageLength(i));
  const timestamp = String(1700000000 + randomInt(100000000));
  const nonce = randomAlnum(1 + randomInt(16));
  const encrypted = encrypt(key, message, receiveId);
  const signature = getSignature(token, timestamp, nonce, encrypted);
  lines.push(JSON.stringify({
    token, key, receiveId, timestamp, nonce, message, encrypt: encrypted, signature,
  }));
}

const output = `${lines.join('\n')}\n`;
if (outFile) writeFileSync(outFile, output, 'utf8');
else process.stdout.write(output);
