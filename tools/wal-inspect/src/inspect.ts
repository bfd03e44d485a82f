import { join } from 'node:path';
import type { HardState } from '@raft/raft-core';
import { listSpares, LogReplay, nodeFileSystem, RecordType, scanSegments, SEGMENT_RE, WalCorruptionError, type FileSystem, type WalRecord } from '@raft/raft-storage';
import { inspectSnapshots, type SnapshotFileReport } from './snapshots';

/** One log entry of an entries record, as printed (its data is left out). */
export interface EntryReport {
  readonly index: number;
  readonly term: number;
  /** `normal`, `noop` or `config`. */
  readonly entryType: string;
}

/** One WAL record as printed. */
export type RecordReport = {
  readonly file: string;
  readonly offset: number;
  /** Framed size on disk, as the scanner read it (header — 13 bytes in format 2, 9 in format 1 — plus payload). */
  readonly size: number;
} & (
  | {
      /**
       * Log entries: in format 2 one or more (the entries of consecutive saves in one group
       * commit share a record), in format 1 always one.
       */
      readonly type: 'entries';
      readonly entries: readonly EntryReport[];
    }
  | { readonly type: 'hardState'; readonly hardState: HardState }
  | { readonly type: 'truncate'; readonly fromIndex: number }
  | { readonly type: 'snapshot'; readonly index: number; readonly term: number }
);

/** Records by type; `entry` counts log entries, not the entries records holding them. */
export interface RecordCounts {
  readonly entry: number;
  readonly hardState: number;
  readonly truncate: number;
  readonly snapshot: number;
}

export interface SegmentReport {
  readonly file: string;
  /** Size of the file on disk: records, then zeros preallocated for later ones (or a recycled file's old bytes). */
  readonly bytes: number;
  /**
   * On-disk format: 1 (9-byte record headers, read only) or 2 (28-byte preamble, tagged
   * 13-byte record headers). Null when the scan did not get through every segment: the
   * scanner reports formats (and where records end) only once it has read them all.
   */
  readonly format: 1 | 2 | null;
  /** Where its records end, a format-2 preamble included (null like `format`). */
  readonly recordBytes: number | null;
  /** Records read from it (up to a torn tail or the first corruption). */
  readonly records: number;
}

export interface Problem {
  readonly file: string;
  readonly offset: number;
  readonly reason: string;
}

/** A spare file in `wal/`: a compacted segment kept for reuse; its old records are not part of the log. */
export interface SpareReport {
  readonly file: string;
  readonly bytes: number;
}

export interface InspectReport {
  readonly dir: string;
  readonly segments: SegmentReport[];
  /** Spare segment files (`<seq>.spare`), oldest first: never scanned, listed for their disk use. */
  readonly spares: SpareReport[];
  readonly records: RecordReport[];
  readonly counts: RecordCounts;
  readonly snapshots: SnapshotFileReport[];
  /** What `FileStorage.load()` would recover (only when the scan got through every segment). */
  readonly recovered: { readonly snapshotIndex: number; readonly firstIndex: number | null; readonly lastIndex: number; readonly hardState: HardState } | null;
  /**
   * What recovery repairs (this tool never does): a torn final record, which it truncates;
   * log entries after the snapshot that conflict with it (a crash inside installSnapshot),
   * which it discards.
   */
  readonly warnings: Problem[];
  /** Corruption: recovery would refuse to start. */
  readonly errors: Problem[];
}

function describeRecord(r: WalRecord, file: string, offset: number, size: number): RecordReport {
  switch (r.type) {
    case RecordType.Entry:
      return { file, offset, size, type: 'entries', entries: r.entries.map((e) => ({ index: e.index, term: e.term, entryType: e.type })) };
    case RecordType.HardState:
      return { file, offset, size, type: 'hardState', hardState: r.hardState };
    case RecordType.Truncate:
      return { file, offset, size, type: 'truncate', fromIndex: r.fromIndex };
    case RecordType.Snapshot:
      return { file, offset, size, type: 'snapshot', index: r.index, term: r.term };
  }
}

/**
 * Reads a FileStorage data directory (`wal/` and `snap/`) without modifying anything (no
 * truncation, no deletion). Always checked, with the library's own scanner: segment
 * numbering (a missing segment) and every record's framing and CRC — nothing past a bad
 * record can be parsed. With `verify`, also what else recovery checks: gaps in log indexes,
 * snapshot markers beyond the newest snapshot (a missing snapshot), and the newest snapshot's
 * trailer and CRC. What recovery repairs is a warning (a torn final record, which it
 * truncates; entries after the snapshot that conflict with it, which it discards); everything
 * recovery refuses to start on is an error. Spare files (compacted segments kept for reuse)
 * are listed, never scanned: their old records are not part of the log.
 */
export async function inspect(dir: string, options: { verify: boolean }, fs: FileSystem = nodeFileSystem): Promise<InspectReport> {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const snap = await inspectSnapshots(fs, join(dir, 'snap'), options.verify);
  if (snap.error) errors.push(snap.error);
  const floor = snap.current?.index ?? 0;

  const records: RecordReport[] = [];
  const counts = { entry: 0, hardState: 0, truncate: 0, snapshot: 0 };
  // The replay FileStorage.load() runs; without `verify` it does not stop at a gap or a missing snapshot.
  const replay = new LogReplay(floor, options.verify);

  let recovered: InspectReport['recovered'] = null;
  const scanned = new Map<string, { recordBytes: number; format: 1 | 2 }>();
  const recordsPerFile = new Map<string, number>();
  try {
    const scan = await scanSegments(fs, join(dir, 'wal'), (r, file, offset, size) => {
      const rep = describeRecord(r, file, offset, size);
      records.push(rep);
      recordsPerFile.set(file, (recordsPerFile.get(file) ?? 0) + 1);
      if (rep.type === 'entries') counts.entry += rep.entries.length;
      else counts[rep.type]++;
      replay.apply(r, file, offset);
    });
    for (const seg of scan.segments) scanned.set(seg.path, { recordBytes: seg.size, format: seg.format });
    if (scan.torn) warnings.push({ file: scan.torn.file, offset: scan.torn.offset, reason: `torn final record (${scan.torn.droppedBytes} bytes): recovery truncates it` });
    const snapshot = snap.current;
    const conflict = snapshot ? replay.conflictWithSnapshot(snapshot.term) : null;
    let log = replay.entries;
    if (snapshot && conflict) {
      warnings.push({
        file: conflict.file,
        offset: conflict.offset,
        reason: `entry ${snapshot.index} has term ${conflict.term} but the snapshot says ${snapshot.term}: recovery discards the ${log.length} log entries after it`,
      });
      log = [];
    }
    recovered = { snapshotIndex: floor, firstIndex: log[0]?.index ?? null, lastIndex: log[log.length - 1]?.index ?? floor, hardState: replay.hardState };
  } catch (e) {
    if (!(e instanceof WalCorruptionError)) throw e;
    errors.push({ file: e.file, offset: e.offset, reason: e.reason });
  }
  const segments: SegmentReport[] = [];
  const walDir = join(dir, 'wal');
  for (const name of (await fs.readdir(walDir)).filter((n) => SEGMENT_RE.test(n)).sort()) {
    const file = join(walDir, name);
    const seg = scanned.get(file);
    segments.push({ file, bytes: await fs.size(file), format: seg?.format ?? null, recordBytes: seg?.recordBytes ?? null, records: recordsPerFile.get(file) ?? 0 });
  }
  const spares: SpareReport[] = [];
  for (const file of await listSpares(fs, walDir)) spares.push({ file, bytes: await fs.size(file) });
  return { dir, segments, spares, records, counts, snapshots: snap.files, recovered, warnings, errors };
}
