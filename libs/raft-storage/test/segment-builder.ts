import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry, HardState } from '@raft/raft-core';
import { checksumV1, encodeEntries, encodeHardState, encodeSegmentPreamble, encodeSnapshotMarker, RecordType, segmentFraming } from '../src/records';
import { segmentName } from '../src/segment-scanner';

/** A record to put into a hand-built segment. */
export type RecordSpec = { entry: Entry } | { hardState: HardState } | { snapshot: { index: number; term: number } };

/**
 * Encodes a format-1 record (9-byte header, CRC of type byte and payload): the format older
 * versions wrote, which the library reads but no longer writes.
 */
export function encodeV1(spec: RecordSpec): Buffer {
  // The payloads are the same in both formats, but for a format-2 entry's data length
  // (4 bytes before it): take a format-2 record's and re-frame it.
  const v2 = encodeV2(spec, 1);
  const payload = v2.subarray('entry' in spec ? 13 + 4 : 13);
  const out = Buffer.alloc(9 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out[4] = v2[4]!;
  out.writeUInt32BE(checksumV1(v2[4]! as RecordType, payload), 5);
  payload.copy(out, 9);
  return out;
}

/** Encodes a format-2 record for segment `seq`. */
export function encodeV2(spec: RecordSpec, seq: number): Buffer {
  const framing = segmentFraming(seq);
  if ('entry' in spec) return encodeEntries([spec.entry], framing);
  if ('hardState' in spec) return encodeHardState(spec.hardState, framing);
  return encodeSnapshotMarker(spec.snapshot.index, spec.snapshot.term, framing);
}

/**
 * Writes segment `seq` into `walDir` by hand: format 1 (records only) or format 2 (preamble
 * naming `prevRecordsEnd`, then records). `tail` bytes follow the records (zeros, or a
 * recycled file's old bytes). Returns the path and where the records end.
 */
export function writeSegment(walDir: string, seq: number, records: readonly RecordSpec[], opts: { format: 1 | 2; prevRecordsEnd?: number; tail?: Buffer }): { path: string; recordsEnd: number } {
  const parts =
    opts.format === 1
      ? records.map(encodeV1)
      : [encodeSegmentPreamble({ seq, prevRecordsEnd: opts.prevRecordsEnd ?? 0 }), ...records.map((r) => encodeV2(r, seq))];
  const body = Buffer.concat(parts);
  const path = join(walDir, segmentName(seq));
  writeFileSync(path, Buffer.concat([body, opts.tail ?? Buffer.alloc(0)]));
  return { path, recordsEnd: body.length };
}
