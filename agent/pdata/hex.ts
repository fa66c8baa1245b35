// Fast hex rendering and parsing of ids (trace and span ids are bytes inside, hex at the edges).
import { errors } from '../errors.js';

const BYTE_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_HEX.push(i.toString(16).padStart(2, '0'));

/** Nibble value of a char code, or -1 (accepts 0-9, a-f, A-F). */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) { NIBBLE[97 + i] = 10 + i; NIBBLE[65 + i] = 10 + i; }

/** Lower-case hex of `bytes` ('' for none). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_HEX[bytes[i]];
  return s;
}

/** Bytes of a hex string (either case), or undefined when it has odd length or a non-hex digit. */
export function tryFromHex(str: string): Uint8Array | undefined {
  const n = str.length;
  if ((n & 1) !== 0) return undefined;
  const out = new Uint8Array(n >>> 1);
  for (let i = 0, j = 0; i < n; i += 2, j++) {
    const a = str.charCodeAt(i);
    const b = str.charCodeAt(i + 1);
    const hi = a < 128 ? NIBBLE[a] : -1;
    const lo = b < 128 ? NIBBLE[b] : -1;
    if ((hi | lo) < 0) return undefined;
    out[j] = (hi << 4) | lo;
  }
  return out;
}

/**
 * Bytes of a hex string (either case).
 * @throws OutriderError INVALID_DATA on odd length or a non-hex digit
 */
export function fromHex(str: string): Uint8Array {
  const out = tryFromHex(str);
  if (out === undefined) throw errors.invalidData(`invalid hex string '${str.length > 64 ? str.slice(0, 64) + '…' : str}'`);
  return out;
}
