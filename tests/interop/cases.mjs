// Shared helpers for the interop scripts: random WeCom-style configuration and mixed Chinese text.
import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length) {
  let s = '';
  for (let i = 0; i < length; i += 1) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

// WeCom consoles hand out 43 letters/digits; the last character's low bits are ignored by decoders.
export const randomEncodingAesKey = () => randomAlnum(43);
export const randomToken = () => randomAlnum(1 + randomInt(32));
export const randomReceiveId = () => (randomInt(3) === 0 ? '' : `ww${randomBytes(8).toString('hex')}`);

// Text of exactly `bytes` UTF-8 bytes: CJK (3 bytes), emoji (4 bytes, surrogate pairs), ASCII, newlines.
export function chineseText(bytes) {
  let s = '';
  let left = bytes;
  while (left > 0) {
    const roll = randomInt(10);
    if (left >= 4 && roll === 0) {
      s += String.fromCodePoint(0x1f600 + randomInt(0x40));
      left -= 4;
    } else if (left >= 3 && roll < 8) {
      s += String.fromCharCode(0x4e00 + randomInt(0x9fa5 - 0x4e00));
      left -= 3;
    } else {
      s += roll === 9 ? '\n' : ALNUM[randomInt(ALNUM.length)];
      left -= 1;
    }
  }
  return s;
}

// Edge lengths first (empty, frame exactly 32/64 for both receiveid sizes, 64 KB), then random ones.
const EDGE_LENGTHS = [0, 1, 12, 26, 31, 32, 33, 44, 1024, 20480, 65536];

export function messageLength(index) {
  return index < EDGE_LENGTHS.length ? EDGE_LENGTHS[index] : randomInt(65537);
}
