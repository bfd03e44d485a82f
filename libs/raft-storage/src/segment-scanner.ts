import { join } from 'node:path';
import { WalCorruptionError } from './errors';
import type { FileSystem } from './fs-seam';
import {
  checksum,
  checksumV1,
  decodePayload,
  decodeSegmentPreamble,
  isFormat2Segment,
  RECORD_HEADER_BYTES,
  RecordType,
  SEGMENT_PREAMBLE_BYTES,
  segmentFraming,
  V1_RECORD_HEADER_BYTES,
  type SegmentFraming,
  type WalRecord,
} from './records';

/** Segment file names: 20-digit zero-padded sequence numbers, e.g. 00000000000000000001.wal */
export const SEGMENT_RE = /^(\d{20})\.wal$/;
export const segmentName = (seq: number): string => `${String(seq).padStart(20, '0')}.wal`;

/** Spare segment files (compacted segments kept for reuse), named after the segment they were. */
export const SPARE_RE = /^(\d{20})\.spare$/;
export const spareName = (seq: number): string => `${String(seq).padStart(20, '0')}.spare`;

export interface SegmentInfo {
  readonly seq: number;
  readonly path: string;
  /** On-disk format of its records: 1 (read only) or 2 (tagged, see records.ts). */
  format: 1 | 2;
  /**
   * Bytes of valid records (for format 2, preamble included; after a torn tail is dropped):
   * where the next record goes. 0 when the segment has no head yet.
   */
  size: number;
  /** Length of the file: records, then preallocated zeros or a recycled file's old bytes. */
  fileBytes: number;
  /** Highest entry index written in this segment (0 if none). */
  maxEntryIndex: number;
}

export interface TornTail {
  readonly file: string;
  readonly offset: number;
  readonly droppedBytes: number;
}

export interface ScanResult {
  readonly segments: SegmentInfo[];
  readonly torn: TornTail | null;
}

/** Called for every record, in log order; `size` is its framed size on disk. */
export type RecordVisitor = (r: WalRecord, file: string, offset: number, size: number) => void;

/** Lists segment files in order and checks their sequence numbers have no holes. */
export async function listSegments(fs: FileSystem, dir: string): Promise<SegmentInfo[]> {
  const names = (await fs.readdir(dir)).filter((n) => SEGMENT_RE.test(n)).sort();
  const segments: SegmentInfo[] = [];
  for (const name of names) {
    const seq = Number(SEGMENT_RE.exec(name)![1]);
    const prev = segments[segments.length - 1];
    if (prev && seq !== prev.seq + 1) {
      throw new WalCorruptionError(join(dir, segmentName(prev.seq + 1)), 0, `segment ${prev.seq + 1} is missing (found ${prev.seq} then ${seq})`);
    }
    segments.push({ seq, path: join(dir, name), format: 2, size: 0, fileBytes: 0, maxEntryIndex: 0 });
  }
  return segments;
}

/** Paths of the spare segment files in `dir`, oldest first. */
export async function listSpares(fs: FileSystem, dir: string): Promise<string[]> {
  return (await fs.readdir(dir))
    .filter((n) => SPARE_RE.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** True when `buf[from..to)` holds only zero bytes. */
function allZero(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Decodes a verified record, noting its highest entry index in `seg`. */
function decodeAt(seg: SegmentInfo, off: number, type: number, payload: Buffer): WalRecord {
  let rec: WalRecord;
  try {
    rec = decodePayload(type, payload, seg.format);
  } catch (e) {
    throw new WalCorruptionError(seg.path, off, (e as Error).message);
  }
  if (rec.type === RecordType.Entry) for (const e of rec.entries) if (e.index > seg.maxEntryIndex) seg.maxEntryIndex = e.index;
  return rec;
}

/**
 * Reads and verifies every record of every segment, in order (format-1 and format-2
 * segments; a log written by an older version may have both, format 1 first). Only the
 * final record of the final segment may be damaged — a write torn by a crash, never
 * acknowledged — and it is reported for removal. Anything else is corruption, reported
 * with the file and offset, and the scan stops there.
 */
export async function scanSegments(fs: FileSystem, dir: string, onRecord: RecordVisitor): Promise<ScanResult> {
  const segments = await listSegments(fs, dir);
  let torn: TornTail | null = null;
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s]!;
    const last = s === segments.length - 1;
    const buf = await fs.readFile(seg.path);
    seg.fileBytes = buf.length;
    const found = isFormat2Segment(buf) ? scanFormat2(seg, buf, last, segments[s - 1], onRecord) : scanFormat1(seg, buf, last, onRecord);
    torn ??= found;
  }
  return { segments, torn };
}

// ───────────── format 1 ─────────────

/** True when a complete format-1 record with a valid CRC starts at `off`. */
function intactV1At(buf: Buffer, off: number): boolean {
  if (buf.length - off < V1_RECORD_HEADER_BYTES) return false;
  const end = off + V1_RECORD_HEADER_BYTES + buf.readUInt32BE(off);
  return end <= buf.length && checksumV1(buf.readUInt8(off + 4), buf.subarray(off + V1_RECORD_HEADER_BYTES, end)) === buf.readUInt32BE(off + 5);
}

/**
 * The first offset after `from` where an intact format-1 record starts, or -1. A torn write
 * leaves nothing intact behind the damage; an intact record there means the damaged record
 * is not the final one (e.g. a flipped bit in a length field makes a record look cut short).
 */
function nextIntactV1(buf: Buffer, from: number): number {
  // Record types start at 1: skipping a zero type byte is a cheap pass over preallocated zeros.
  for (let off = from; off + V1_RECORD_HEADER_BYTES <= buf.length; off++) if (buf[off + 4] !== 0 && intactV1At(buf, off)) return off;
  return -1;
}

/**
 * A format-1 segment: records from offset 0, then zeros. A header of nine zero bytes ends
 * the records, and everything after it must be zero (preallocated); non-zero bytes there,
 * an incomplete record or a CRC failure is a torn tail when it is in the final segment and
 * no intact record follows it.
 */
function scanFormat1(seg: SegmentInfo, buf: Buffer, last: boolean, onRecord: RecordVisitor): TornTail | null {
  seg.format = 1;
  let off = 0;
  let torn: TornTail | null = null;
  const tornHere = (reason: string): void => {
    if (!last) throw new WalCorruptionError(seg.path, off, `${reason} in a segment that is not the last one`);
    const next = nextIntactV1(buf, off + 1);
    if (next >= 0) throw new WalCorruptionError(seg.path, off, `${reason}, but an intact record follows at byte ${next}: not a torn tail`);
    torn = { file: seg.path, offset: off, droppedBytes: buf.length - off };
  };
  while (off < buf.length) {
    const remaining = buf.length - off;
    // Zeros where a header would start: the records ended; the rest must be preallocated zeros.
    const headerEnd = Math.min(off + V1_RECORD_HEADER_BYTES, buf.length);
    if (allZero(buf, off, headerEnd)) {
      if (!allZero(buf, headerEnd, buf.length)) tornHere('non-zero bytes after the end of the records');
      break;
    }
    if (remaining < V1_RECORD_HEADER_BYTES) {
      tornHere('incomplete record header');
      break;
    }
    const len = buf.readUInt32BE(off);
    const type = buf.readUInt8(off + 4);
    const end = off + V1_RECORD_HEADER_BYTES + len;
    if (end > buf.length) {
      tornHere(`record of ${len} bytes runs past the end of the file`);
      break;
    }
    const payload = buf.subarray(off + V1_RECORD_HEADER_BYTES, end);
    if (checksumV1(type, payload) !== buf.readUInt32BE(off + 5)) {
      if (!last) throw new WalCorruptionError(seg.path, off, 'CRC mismatch');
      tornHere('CRC mismatch in the final record');
      break;
    }
    onRecord(decodeAt(seg, off, type, payload), seg.path, off, end - off);
    off = end;
  }
  seg.size = off;
  return torn;
}

// ───────────── format 2 ─────────────

/** True when a complete record of `framing`'s segment with a valid CRC starts at `off`. */
function intactAt(buf: Buffer, off: number, framing: SegmentFraming): boolean {
  if (buf.length - off < RECORD_HEADER_BYTES || buf.readUInt32BE(off + 9) !== framing.tag) return false;
  const end = off + RECORD_HEADER_BYTES + buf.readUInt32BE(off);
  return end <= buf.length && checksum(framing, buf[off + 4]!, buf.subarray(off + RECORD_HEADER_BYTES, end)) === buf.readUInt32BE(off + 5);
}

/**
 * The first offset at or after `from` where an intact record of `framing`'s segment starts,
 * or -1. Candidates are found by searching for the segment's tag, so a pass over a recycled
 * file's old records costs one native `indexOf`.
 */
export function nextIntactRecord(buf: Buffer, from: number, framing: SegmentFraming): number {
  const tag = Buffer.alloc(4);
  tag.writeUInt32BE(framing.tag, 0);
  for (let at = buf.indexOf(tag, from + 9); at >= 0; at = buf.indexOf(tag, at + 1)) {
    const off = at - 9;
    if (off >= from && intactAt(buf, off, framing)) return off;
  }
  return -1;
}

/**
 * A format-2 segment: preamble, then records tagged for it, then whatever the file held
 * before (zeros, or a recycled file's records of an earlier segment, whose tags differ).
 * The records end at the first offset that does not hold an intact record of this segment:
 *
 * - No intact record of this segment may follow that point (a flipped bit mid-log stops the
 *   records early; the intact ones behind it give it away).
 * - The next segment's preamble says where this segment's records ended when it started;
 *   a segment that is not the last must end exactly there.
 * - A record header with this segment's tag that is not intact (CRC mismatch, runs past the
 *   end of the file), or an incomplete header, is a torn write: allowed only at the end of
 *   the final segment.
 * - A final segment whose preamble is not its own (a recycled file renamed before its new
 *   preamble landed, or a preamble torn while written) has no records yet: its head is
 *   rewritten on load. Unless an intact record of its own follows, which means the
 *   preamble was damaged after records were acknowledged.
 */
function scanFormat2(seg: SegmentInfo, buf: Buffer, last: boolean, prev: SegmentInfo | undefined, onRecord: RecordVisitor): TornTail | null {
  seg.format = 2;
  const framing = segmentFraming(seg.seq);
  const preamble = decodeSegmentPreamble(buf);
  if (!preamble || preamble.seq !== seg.seq) {
    const reason = preamble ? `the preamble is segment ${preamble.seq}'s` : 'the preamble is damaged';
    if (!last) throw new WalCorruptionError(seg.path, 0, `${reason}, in a segment that is not the last one`);
    const intact = nextIntactRecord(buf, 0, framing);
    if (intact >= 0) throw new WalCorruptionError(seg.path, 0, `${reason}, but an intact record of this segment follows at byte ${intact}`);
    seg.size = 0;
    return null;
  }
  if (prev && prev.size !== preamble.prevRecordsEnd) {
    throw new WalCorruptionError(
      prev.path,
      prev.size,
      `records end at byte ${prev.size} but segment ${seg.seq} recorded that they end at ${preamble.prevRecordsEnd}${prev.size < preamble.prevRecordsEnd ? ' (a damaged record cut them short)' : ''}`,
    );
  }
  let off = SEGMENT_PREAMBLE_BYTES;
  while (intactAt(buf, off, framing)) {
    const end = off + RECORD_HEADER_BYTES + buf.readUInt32BE(off);
    const type = buf[off + 4]!;
    onRecord(decodeAt(seg, off, type, buf.subarray(off + RECORD_HEADER_BYTES, end)), seg.path, off, end - off);
    off = end;
  }
  seg.size = off;
  const damage = damageAt(buf, off, framing, last);
  const intact = nextIntactRecord(buf, off + 1, framing);
  if (intact >= 0) {
    const what = damage ? `${damage}, but an intact record follows at byte ${intact}: not a torn tail` : `the records end here, but an intact record of this segment follows at byte ${intact}`;
    throw new WalCorruptionError(seg.path, off, what);
  }
  if (!damage) return null;
  if (!last) throw new WalCorruptionError(seg.path, off, `${damage} in a segment that is not the last one`);
  // Truncated like a format-1 tail, even in a recycled file: simple, and only after a crash.
  return { file: seg.path, offset: off, droppedBytes: buf.length - off };
}

/**
 * Why the bytes at `off` (where this segment's records end) look like a torn record of this
 * segment, or null when they are its clean end: end of file, zeros, or another segment's
 * record (a recycled file's previous life). Fewer bytes than a header before the end of the
 * file cannot show a tag: in the final segment they are taken for a torn write (removing
 * them is harmless either way); in an earlier one for a recycled file's old bytes (the next
 * segment's preamble vouches for where its records end).
 */
function damageAt(buf: Buffer, off: number, framing: SegmentFraming, last: boolean): string | null {
  const remaining = buf.length - off;
  if (remaining === 0) return null;
  if (remaining < RECORD_HEADER_BYTES) return last && !allZero(buf, off, buf.length) ? 'incomplete record header' : null;
  if (buf.readUInt32BE(off + 9) !== framing.tag) return null;
  const len = buf.readUInt32BE(off);
  return off + RECORD_HEADER_BYTES + len > buf.length ? `record of ${len} bytes runs past the end of the file` : 'CRC mismatch in the final record';
}
