import { crc32c } from '@node-rs/crc32';
import type { Entry, EntryType, HardState } from '@raft/raft-core';
import { StorageUsageError } from './errors';

/**
 * WAL record framing (all integers big-endian):
 *
 *   offset 0  u32  payload length (bytes after the 9-byte header)
 *   offset 4  u8   record type
 *   offset 5  u32  CRC32C of the type byte followed by the payload
 *   offset 9  ...  payload
 */
export const RECORD_HEADER_BYTES = 9;

export enum RecordType {
  /** payload: u64 index, u64 term, u8 entry type (0 normal, 1 noop, 2 config), data */
  Entry = 1,
  /** payload: u64 term, u64 commit, u16 vote length, vote (utf-8; empty = no vote) */
  HardState = 2,
  /** payload: u64 fromIndex — entries with index ≥ fromIndex are discarded (0 = all) */
  Truncate = 3,
  /** payload: u64 index, u64 term — a snapshot covers the log up to index */
  Snapshot = 4,
}

const ENTRY_TYPES: readonly EntryType[] = ['normal', 'noop', 'config'];

export type WalRecord =
  | { readonly type: RecordType.Entry; readonly entry: Entry }
  | { readonly type: RecordType.HardState; readonly hardState: HardState }
  | { readonly type: RecordType.Truncate; readonly fromIndex: number }
  | { readonly type: RecordType.Snapshot; readonly index: number; readonly term: number };

function writeU64(buf: Buffer, off: number, v: number): void {
  buf.writeUInt32BE(Math.floor(v / 0x1_0000_0000), off);
  buf.writeUInt32BE(v >>> 0, off + 4);
}

function readU64(buf: Buffer, off: number): number {
  return buf.readUInt32BE(off) * 0x1_0000_0000 + buf.readUInt32BE(off + 4);
}

function frame(type: RecordType, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt8(type, 4);
  payload.copy(out, RECORD_HEADER_BYTES);
  out.writeUInt32BE(checksum(type, payload), 5);
  return out;
}

/** CRC32C of each possible type byte alone: the running value the payload's CRC continues from. */
const TYPE_BYTE_CRC: readonly number[] = Array.from({ length: 256 }, (_, t) => crc32c(Buffer.of(t)));

/** CRC32C over the type byte followed by the payload. */
export function checksum(type: number, payload: Buffer): number {
  return crc32c(payload, TYPE_BYTE_CRC[type & 0xff]);
}

/** Writes `v` (< 2^32) big-endian at `off`: plain byte stores, without Buffer's argument checks. */
function putU32(out: Buffer, off: number, v: number): void {
  out[off] = v >>> 24;
  out[off + 1] = v >>> 16;
  out[off + 2] = v >>> 8;
  out[off + 3] = v;
}

/** Code of each entry type on disk: its position in {@link ENTRY_TYPES}. */
const ENTRY_TYPE_CODE: ReadonlyMap<unknown, number> = new Map(ENTRY_TYPES.map((t, code) => [t, code]));

/** True for the entry types the WAL can record (callers validate before encoding). */
export function isEntryType(type: unknown): type is EntryType {
  return ENTRY_TYPE_CODE.has(type);
}

function entryTypeCode(type: EntryType): number {
  const code = ENTRY_TYPE_CODE.get(type);
  // Only reachable from untyped callers that skipped validation; writing it as another type would change the entry.
  if (code === undefined) throw new StorageUsageError(`unknown entry type ${String(type)}`);
  return code;
}

/**
 * Encodes one entry record into `out` at `off`; returns the bytes written. On the path of
 * every save between two disk writes, so the header goes in as byte stores.
 */
export function encodeEntryInto(e: Entry, out: Buffer, off: number): number {
  const len = 17 + e.data.length;
  putU32(out, off, len);
  out[off + 4] = RecordType.Entry;
  const p = off + RECORD_HEADER_BYTES;
  putU32(out, p, Math.floor(e.index / 0x1_0000_0000));
  putU32(out, p + 4, e.index >>> 0);
  putU32(out, p + 8, Math.floor(e.term / 0x1_0000_0000));
  putU32(out, p + 12, e.term >>> 0);
  out[p + 16] = entryTypeCode(e.type);
  out.set(e.data, p + 17);
  putU32(out, off + 5, checksum(RecordType.Entry, out.subarray(p, p + len)));
  return RECORD_HEADER_BYTES + len;
}

export function entryRecordSize(e: Entry): number {
  return RECORD_HEADER_BYTES + 17 + e.data.length;
}

export function encodeHardState(h: HardState): Buffer {
  const vote = Buffer.from(h.vote ?? '', 'utf8');
  const p = Buffer.allocUnsafe(18 + vote.length);
  writeU64(p, 0, h.term);
  writeU64(p, 8, h.commit);
  p.writeUInt16BE(vote.length, 16);
  vote.copy(p, 18);
  return frame(RecordType.HardState, p);
}

export function encodeTruncate(fromIndex: number): Buffer {
  const p = Buffer.allocUnsafe(8);
  writeU64(p, 0, fromIndex);
  return frame(RecordType.Truncate, p);
}

export function encodeSnapshotMarker(index: number, term: number): Buffer {
  const p = Buffer.allocUnsafe(16);
  writeU64(p, 0, index);
  writeU64(p, 8, term);
  return frame(RecordType.Snapshot, p);
}

/** Decodes a payload whose CRC was already verified; throws on a malformed payload. */
export function decodePayload(type: number, p: Buffer): WalRecord {
  switch (type) {
    case RecordType.Entry: {
      if (p.length < 17) throw new Error('entry record too short');
      const t = ENTRY_TYPES[p.readUInt8(16)];
      if (t === undefined) throw new Error(`unknown entry type ${p.readUInt8(16)}`);
      return { type, entry: { index: readU64(p, 0), term: readU64(p, 8), type: t, data: new Uint8Array(p.subarray(17)) } };
    }
    case RecordType.HardState: {
      if (p.length < 18) throw new Error('hard state record too short');
      const voteLen = p.readUInt16BE(16);
      const vote = p.subarray(18, 18 + voteLen).toString('utf8');
      return { type, hardState: { term: readU64(p, 0), commit: readU64(p, 8), vote: vote === '' ? null : vote } };
    }
    case RecordType.Truncate:
      if (p.length !== 8) throw new Error('truncate record has the wrong size');
      return { type, fromIndex: readU64(p, 0) };
    case RecordType.Snapshot:
      if (p.length !== 16) throw new Error('snapshot record has the wrong size');
      return { type, index: readU64(p, 0), term: readU64(p, 8) };
    default:
      throw new Error(`unknown record type ${type}`);
  }
}
