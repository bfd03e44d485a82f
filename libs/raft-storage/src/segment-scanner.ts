import { join } from 'node:path';
import { WalCorruptionError } from './errors';
import type { FileSystem } from './fs-seam';
import { checksum, decodePayload, RECORD_HEADER_BYTES, RecordType, type WalRecord } from './records';

/** Segment file names: 20-digit zero-padded sequence numbers, e.g. 00000000000000000001.wal */
export const SEGMENT_RE = /^(\d{20})\.wal$/;
export const segmentName = (seq: number): string => `${String(seq).padStart(20, '0')}.wal`;

export interface SegmentInfo {
  readonly seq: number;
  readonly path: string;
  /** Bytes of valid records (after truncating a torn tail): where the next record goes. */
  size: number;
  /** Length of the file: valid records, then zeros preallocated for later records. */
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
    segments.push({ seq, path: join(dir, name), size: 0, fileBytes: 0, maxEntryIndex: 0 });
  }
  return segments;
}

/** True when a complete record with a valid CRC starts at `off`. */
function intactAt(buf: Buffer, off: number): boolean {
  if (buf.length - off < RECORD_HEADER_BYTES) return false;
  const end = off + RECORD_HEADER_BYTES + buf.readUInt32BE(off);
  return end <= buf.length && checksum(buf.readUInt8(off + 4), buf.subarray(off + RECORD_HEADER_BYTES, end)) === buf.readUInt32BE(off + 5);
}

/**
 * The first offset after `from` where an intact record starts, or -1. A torn write leaves
 * nothing intact behind the damage; an intact record there means the damaged record is not
 * the final one (e.g. a flipped bit in a length field makes a record look cut short).
 */
function nextIntactRecord(buf: Buffer, from: number): number {
  // Record types start at 1: skipping a zero type byte is a cheap pass over preallocated zeros.
  for (let off = from; off + RECORD_HEADER_BYTES <= buf.length; off++) if (buf[off + 4] !== 0 && intactAt(buf, off)) return off;
  return -1;
}

/** True when `buf[from..to)` holds only zero bytes. */
function allZero(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Reads and verifies every record of every segment, in order. A record header of nine zero
 * bytes ends a segment's records: the rest was preallocated and must be zeros. Only the
 * final record of the final segment may be damaged (incomplete, failing its CRC, or
 * non-zero bytes in the preallocated tail, with no intact record after it) — a write torn
 * by a crash, never acknowledged — and it is reported for truncation. Anything else is
 * corruption.
 */
export async function scanSegments(fs: FileSystem, dir: string, onRecord: (r: WalRecord, file: string, offset: number) => void): Promise<ScanResult> {
  const segments = await listSegments(fs, dir);
  let torn: TornTail | null = null;
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s]!;
    const last = s === segments.length - 1;
    const buf = await fs.readFile(seg.path);
    let off = 0;
    while (off < buf.length) {
      const remaining = buf.length - off;
      const tornHere = (reason: string): void => {
        if (!last) throw new WalCorruptionError(seg.path, off, `${reason} in a segment that is not the last one`);
        const next = nextIntactRecord(buf, off + 1);
        if (next >= 0) throw new WalCorruptionError(seg.path, off, `${reason}, but an intact record follows at byte ${next}: not a torn tail`);
        torn = { file: seg.path, offset: off, droppedBytes: remaining };
      };
      // Zeros where a header would start: the records ended; the rest must be preallocated zeros.
      const headerEnd = Math.min(off + RECORD_HEADER_BYTES, buf.length);
      if (allZero(buf, off, headerEnd)) {
        if (allZero(buf, headerEnd, buf.length)) break;
        tornHere('non-zero bytes after the end of the records');
        break;
      }
      if (remaining < RECORD_HEADER_BYTES) {
        tornHere('incomplete record header');
        break;
      }
      const len = buf.readUInt32BE(off);
      const type = buf.readUInt8(off + 4);
      const crc = buf.readUInt32BE(off + 5);
      const end = off + RECORD_HEADER_BYTES + len;
      if (end > buf.length) {
        tornHere(`record of ${len} bytes runs past the end of the file`);
        break;
      }
      const payload = buf.subarray(off + RECORD_HEADER_BYTES, end);
      if (checksum(type, payload) !== crc) {
        if (!last) throw new WalCorruptionError(seg.path, off, 'CRC mismatch');
        tornHere('CRC mismatch in the final record');
        break;
      }
      let rec: WalRecord;
      try {
        rec = decodePayload(type, payload);
      } catch (e) {
        throw new WalCorruptionError(seg.path, off, (e as Error).message);
      }
      if (rec.type === RecordType.Entry && rec.entry.index > seg.maxEntryIndex) seg.maxEntryIndex = rec.entry.index;
      onRecord(rec, seg.path, off);
      off = end;
    }
    seg.size = off;
    seg.fileBytes = buf.length;
  }
  return { segments, torn };
}
