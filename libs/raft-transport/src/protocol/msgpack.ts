import { Packr } from 'msgpackr';

/**
 * The one msgpack codec of the transport.
 * - `useRecords: false`: every encoding is self-contained, so messages can be encoded one
 *   by one at enqueue time and concatenated into a batch later (see `frame-codec.ts`);
 *   record structures would make each encoding depend on what the peer has already seen.
 * - `copyBuffers: true`: decoded `Uint8Array` fields (entry data, snapshot chunks) own their
 *   bytes instead of being views into the received frame, so a log entry kept for minutes
 *   does not pin a 16 MiB socket buffer.
 */
const packr = new Packr({ useRecords: false, copyBuffers: true });

/** Encodes one value as msgpack. The result is safe to keep (it is never overwritten). */
export function packValue(value: unknown): Buffer {
  return packr.pack(value);
}

/** Decodes exactly one msgpack value; throws on invalid or trailing bytes. */
export function unpackValue(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}

/** Size of the msgpack array header for `count` elements. */
export function arrayHeaderBytes(count: number): number {
  if (count < 16) return 1;
  if (count < 0x10000) return 3;
  return 5;
}

/**
 * Writes a msgpack array header for `count` elements at `offset`; returns the new offset.
 * Written by hand so a batch can be framed around already-encoded elements without
 * re-encoding them.
 */
export function writeArrayHeader(target: Buffer, offset: number, count: number): number {
  if (count < 16) {
    target[offset] = 0x90 | count;
    return offset + 1;
  }
  if (count < 0x10000) {
    target[offset] = 0xdc;
    target.writeUInt16BE(count, offset + 1);
    return offset + 3;
  }
  target[offset] = 0xdd;
  target.writeUInt32BE(count, offset + 1);
  return offset + 5;
}
