import { crc32c } from '@node-rs/crc32';
import type { Entry, EntryType, HardState } from '@raft/raft-core';
import { StorageUsageError } from './errors';

/**
 * WAL record framing, format 2 (all integers big-endian). Every record carries the tag of
 * the segment it was written for, so that when a segment file is recycled (reused for a
 * later segment instead of deleted) the records of its previous life read as the end of the
 * log instead of as log data:
 *
 *   offset 0   u32  payload length (bytes after the 13-byte header)
 *   offset 4   u8   record type
 *   offset 5   u32  CRC32C of the tag, the type byte and the payload, in that order
 *   offset 9   u32  segment tag: CRC32C of the segment's sequence number as a u64
 *   offset 13  ...  payload
 *
 * The tag is a checksum rather than the sequence number itself so that it almost never
 * occurs in other bytes by chance (small big-endian integers are everywhere in a WAL): the
 * scanner looks for intact records of the current life behind a damaged one by searching
 * for the tag. Distinct sequence numbers below 2^32 always give distinct tags (CRC32C is a
 * bijection on 32-bit messages).
 *
 * Format 1 (no tag; 9-byte header: length, type, CRC32C of the type byte and payload) is
 * still read, never written.
 */
export const RECORD_HEADER_BYTES = 13;

/** Header size of a format-1 record (read only). */
export const V1_RECORD_HEADER_BYTES = 9;

/**
 * Preamble of a format-2 segment (28 bytes at offset 0; records follow):
 *
 *   offset 0   u32  magic 0xFFFFFFFF (a format-1 segment starts with a record length, never this)
 *   offset 4   u32  format version, 2
 *   offset 8   u64  the segment's sequence number (the one in its file name)
 *   offset 16  u64  where the records of the previous segment end (0 if none): a damaged
 *                   record there cannot pass for the end of that segment
 *   offset 24  u32  CRC32C of bytes 0–23
 */
export const SEGMENT_PREAMBLE_BYTES = 28;
const SEGMENT_MAGIC = 0xffffffff;
const SEGMENT_FORMAT = 2;

export enum RecordType {
  /**
   * Log entries. Format 2: one or more entries back to back, each u32 data length, u64 index,
   * u64 term, u8 entry type (0 normal, 1 noop, 2 config), data — the entries of consecutive
   * saves in one group commit share a record and its CRC. Format 1: exactly one entry, u64
   * index, u64 term, u8 entry type, data (the rest of the payload).
   */
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
  | { readonly type: RecordType.Entry; readonly entries: readonly Entry[] }
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

/** CRC32C of each possible type byte alone: the running value a format-1 payload's CRC continues from. */
const TYPE_BYTE_CRC: readonly number[] = Array.from({ length: 256 }, (_, t) => crc32c(Buffer.of(t)));

/** CRC32C over the type byte followed by the payload (format 1). */
export function checksumV1(type: number, payload: Buffer): number {
  return crc32c(payload, TYPE_BYTE_CRC[type & 0xff]);
}

/**
 * How records are framed for one segment (format 2): its tag, and the CRC32C of tag and type
 * byte for each record type, which a record's CRC continues from over its payload (so a
 * record costs one CRC call, as in format 1).
 */
export interface SegmentFraming {
  readonly seq: number;
  readonly tag: number;
  /** `seeds[type]`: CRC32C of the tag followed by the type byte. */
  readonly seeds: readonly number[];
}

/** The framing of records in segment `seq`. */
export function segmentFraming(seq: number): SegmentFraming {
  const seqBytes = Buffer.alloc(8);
  writeU64(seqBytes, 0, seq);
  const tag = crc32c(seqBytes);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(tag, 0);
  const seeds = Array.from({ length: 256 }, (_, t) => {
    head[4] = t;
    return crc32c(head);
  });
  return { seq, tag, seeds };
}

/** CRC32C of a format-2 record: tag and type (through the seed), then the payload. */
export function checksum(framing: SegmentFraming, type: number, payload: Buffer): number {
  return crc32c(payload, framing.seeds[type & 0xff]);
}

function frame(framing: SegmentFraming, type: RecordType, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt8(type, 4);
  out.writeUInt32BE(checksum(framing, type, payload), 5);
  out.writeUInt32BE(framing.tag, 9);
  payload.copy(out, RECORD_HEADER_BYTES);
  return out;
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

/** Bytes before an entry's data inside an entries record: u32 data length, u64 index, u64 term, u8 type. */
export const ENTRY_HEADER_BYTES = 21;

/**
 * Encodes one entry, as it sits inside an entries record, into `out` at `off`; returns the
 * bytes written. On the path of every save between two disk writes, so the header goes in
 * as byte stores; the record header and its CRC are added when the group commit's write
 * takes the entries ({@link frameEntries}).
 */
export function encodeEntryInto(e: Entry, out: Buffer, off: number): number {
  putU32(out, off, e.data.length);
  putU32(out, off + 4, Math.floor(e.index / 0x1_0000_0000));
  putU32(out, off + 8, e.index >>> 0);
  putU32(out, off + 12, Math.floor(e.term / 0x1_0000_0000));
  putU32(out, off + 16, e.term >>> 0);
  out[off + 20] = entryTypeCode(e.type);
  out.set(e.data, off + ENTRY_HEADER_BYTES);
  return ENTRY_HEADER_BYTES + e.data.length;
}

/** Bytes an entry takes inside an entries record. */
export function entryEncodedSize(e: Entry): number {
  return ENTRY_HEADER_BYTES + e.data.length;
}

/**
 * The record header for entries encoded back to back in `entries` ({@link encodeEntryInto}):
 * written before them, it makes them one entries record of `framing`'s segment. One CRC call
 * per group commit instead of one per entry.
 */
export function frameEntries(entries: Buffer, framing: SegmentFraming): Buffer {
  const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  putU32(header, 0, entries.length);
  header[4] = RecordType.Entry;
  putU32(header, 5, checksum(framing, RecordType.Entry, entries));
  putU32(header, 9, framing.tag);
  return header;
}

/** One entries record holding `entries`, for `framing`'s segment (tools and tests; FileStorage frames staged entries). */
export function encodeEntries(entries: readonly Entry[], framing: SegmentFraming): Buffer {
  const body = Buffer.allocUnsafe(entries.reduce((n, e) => n + entryEncodedSize(e), 0));
  let off = 0;
  for (const e of entries) off += encodeEntryInto(e, body, off);
  return Buffer.concat([frameEntries(body, framing), body]);
}

export function encodeHardState(h: HardState, framing: SegmentFraming): Buffer {
  const vote = Buffer.from(h.vote ?? '', 'utf8');
  const p = Buffer.allocUnsafe(18 + vote.length);
  writeU64(p, 0, h.term);
  writeU64(p, 8, h.commit);
  p.writeUInt16BE(vote.length, 16);
  vote.copy(p, 18);
  return frame(framing, RecordType.HardState, p);
}

export function encodeTruncate(fromIndex: number, framing: SegmentFraming): Buffer {
  const p = Buffer.allocUnsafe(8);
  writeU64(p, 0, fromIndex);
  return frame(framing, RecordType.Truncate, p);
}

export function encodeSnapshotMarker(index: number, term: number, framing: SegmentFraming): Buffer {
  const p = Buffer.allocUnsafe(16);
  writeU64(p, 0, index);
  writeU64(p, 8, term);
  return frame(framing, RecordType.Snapshot, p);
}

/**
 * Re-frames, in place, whole format-2 records laid back to back in `records` for another
 * segment: new tag, new CRC. A group commit's records are encoded for the active segment
 * when they are saved; when the write that takes them starts a new segment first, they are
 * re-framed for it.
 */
export function reframeRecords(records: Buffer, framing: SegmentFraming): void {
  for (let off = 0; off + RECORD_HEADER_BYTES <= records.length; ) {
    const end = off + RECORD_HEADER_BYTES + records.readUInt32BE(off);
    putU32(records, off + 9, framing.tag);
    putU32(records, off + 5, checksum(framing, records[off + 4]!, records.subarray(off + RECORD_HEADER_BYTES, end)));
    off = end;
  }
}

/** The preamble of a format-2 segment. */
export interface SegmentPreamble {
  readonly seq: number;
  readonly prevRecordsEnd: number;
}

export function encodeSegmentPreamble(p: SegmentPreamble): Buffer {
  const out = Buffer.alloc(SEGMENT_PREAMBLE_BYTES);
  out.writeUInt32BE(SEGMENT_MAGIC, 0);
  out.writeUInt32BE(SEGMENT_FORMAT, 4);
  writeU64(out, 8, p.seq);
  writeU64(out, 16, p.prevRecordsEnd);
  out.writeUInt32BE(crc32c(out.subarray(0, 24)), 24);
  return out;
}

/** True when `buf` starts as a format-2 segment does (with or without an intact preamble). */
export function isFormat2Segment(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32BE(0) === SEGMENT_MAGIC;
}

/** The preamble at the start of `buf`, or null when it is incomplete or fails its CRC. */
export function decodeSegmentPreamble(buf: Buffer): SegmentPreamble | null {
  if (buf.length < SEGMENT_PREAMBLE_BYTES || !isFormat2Segment(buf) || buf.readUInt32BE(4) !== SEGMENT_FORMAT) return null;
  if (crc32c(buf.subarray(0, 24)) !== buf.readUInt32BE(24)) return null;
  return { seq: readU64(buf, 8), prevRecordsEnd: readU64(buf, 16) };
}

function entryType(code: number): EntryType {
  const t = ENTRY_TYPES[code];
  if (t === undefined) throw new Error(`unknown entry type ${code}`);
  return t;
}

/** The entries of a format-2 entries record's payload; throws unless they tile it exactly. */
function decodeEntries(p: Buffer): Entry[] {
  if (p.length === 0) throw new Error('entries record is empty');
  const entries: Entry[] = [];
  for (let off = 0; off < p.length; ) {
    if (p.length - off < ENTRY_HEADER_BYTES) throw new Error(`entry ${entries.length + 1} of the record is cut short`);
    const end = off + ENTRY_HEADER_BYTES + p.readUInt32BE(off);
    if (end > p.length) throw new Error(`entry ${entries.length + 1} of the record runs past its end`);
    const type = entryType(p[off + 20]!);
    // A copy, so that recovered entries do not keep a whole segment's buffer alive.
    entries.push({ index: readU64(p, off + 4), term: readU64(p, off + 12), type, data: new Uint8Array(p.subarray(off + ENTRY_HEADER_BYTES, end)) });
    off = end;
  }
  return entries;
}

/** Decodes a payload (of a segment in `format`) whose CRC was already verified; throws on a malformed payload. */
export function decodePayload(type: number, p: Buffer, format: 1 | 2): WalRecord {
  switch (type) {
    case RecordType.Entry: {
      if (format === 2) return { type, entries: decodeEntries(p) };
      if (p.length < 17) throw new Error('entry record too short');
      return { type, entries: [{ index: readU64(p, 0), term: readU64(p, 8), type: entryType(p[16]!), data: new Uint8Array(p.subarray(17)) }] };
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
