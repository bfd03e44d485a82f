// Lookup tables: encoding 12 bytes through them is several times faster than
// Buffer#toString('hex') for such short inputs (no native call per id).
const BYTE_TO_HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Lowercase hex of `bytes[start, end)`. */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += BYTE_TO_HEX[bytes[i]];
  return out;
}

/** Lowercase hex of the low 24 bits of `value`, zero-padded to 6 characters. */
export function uint24ToHex(value: number): string {
  return BYTE_TO_HEX[(value >>> 16) & 0xff] + BYTE_TO_HEX[(value >>> 8) & 0xff] + BYTE_TO_HEX[value & 0xff];
}
