// Checks ciphertexts and signatures produced by Guanjia (C#) with Tencent's @wecom/crypto.
// Input: JSON lines {token, key, receiveId, timestamp, nonce, message, encrypt, signature}.
// Prints a JSON summary; exit code 0 only when every case decrypts to its message and receiveid
// and every signature matches.
// Usage: node dec.mjs casesFile
import { readFileSync } from 'node:fs';
import { decrypt, getSignature } from '@wecom/crypto';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node dec.mjs casesFile\n');
  process.exit(2);
}

const cases = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
const failures = [];
cases.forEach((c, index) => {
  try {
    const { message, id } = decrypt(c.key, c.encrypt);
    if (message !== c.message) failures.push({ index, reason: 'message differs' });
    if (id !== c.receiveId) failures.push({ index, reason: `receiveid differs: ${JSON.stringify(id)}` });
    const signature = getSignature(c.token, c.timestamp, c.nonce, c.encrypt);
    if (signature !== c.signature) failures.push({ index, reason: `signature differs: ${signature}` });
  } catch (error) {
    failures.push({ index, reason: `threw: ${error.message}` });
  }
});

process.stdout.write(`${JSON.stringify({ total: cases.length, failures })}\n`);
process.exit(failures.length === 0 && cases.length > 0 ? 0 : 1);
