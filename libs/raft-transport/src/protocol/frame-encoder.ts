import { FRAME_HEADER_BYTES, FrameKind, LENGTH_PREFIX_BYTES } from './frame-kind';
import { arrayHeaderBytes, packValue, writeArrayHeader } from './msgpack';

/**
 * Builds a frame: `[u32 BE length][u8 kind][msgpack body]`, where `length` counts the kind
 * byte plus the body (everything after the prefix).
 */
export function encodeFrame(kind: FrameKind, body: unknown): Buffer {
  const encoded = packValue(body);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + encoded.length);
  frame.writeUInt32BE(1 + encoded.length, 0);
  frame[LENGTH_PREFIX_BYTES] = kind;
  encoded.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** The length-prefix value of a Messages frame holding `count` items of `itemBytes` total. */
export function batchFrameLength(count: number, itemBytes: number): number {
  return 1 + arrayHeaderBytes(count) + itemBytes;
}

/**
 * Builds a Messages frame whose body is a msgpack array of the given, already-encoded
 * elements. One copy of each element; no re-encoding.
 */
export function encodeBatchFrame(items: readonly Buffer[], itemBytes: number): Buffer {
  const length = batchFrameLength(items.length, itemBytes);
  const frame = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + length);
  frame.writeUInt32BE(length, 0);
  frame[LENGTH_PREFIX_BYTES] = FrameKind.Messages;
  let offset = writeArrayHeader(frame, FRAME_HEADER_BYTES, items.length);
  for (const item of items) {
    offset += item.copy(frame, offset);
  }
  return frame;
}
