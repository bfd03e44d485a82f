import { crc32c } from '@node-rs/crc32';
import type { SnapshotMeta } from '@raft/raft-core';

/**
 * Snapshot file layout (big-endian):
 *
 *   0   4  magic "RSNP"
 *   4   4  format version (1)
 *   8   4  header length H
 *   12  H  header: JSON of SnapshotMeta {index, term, config}
 *   …   N  state machine bytes
 *   end-8 4  CRC32C of the state machine bytes
 *   end-4 4  magic "RSNE"
 *
 * A file only gets its final name (<index>-<term>.snap) after the trailer is written and
 * the file fsynced, so a present .snap file is complete unless the disk corrupted it.
 */
export const SNAP_MAGIC = 0x52534e50; // RSNP
export const SNAP_END_MAGIC = 0x52534e45; // RSNE
export const SNAP_TRAILER_BYTES = 8;
export const SNAP_RE = /^(\d{20})-(\d+)\.snap$/;

export const snapshotName = (meta: Pick<SnapshotMeta, 'index' | 'term'>): string => `${String(meta.index).padStart(20, '0')}-${meta.term}.snap`;

export function encodeSnapshotHeader(meta: SnapshotMeta): Buffer {
  const json = Buffer.from(JSON.stringify({ index: meta.index, term: meta.term, config: meta.config }), 'utf8');
  const out = Buffer.allocUnsafe(12 + json.length);
  out.writeUInt32BE(SNAP_MAGIC, 0);
  out.writeUInt32BE(1, 4);
  out.writeUInt32BE(json.length, 8);
  json.copy(out, 12);
  return out;
}

export function encodeSnapshotTrailer(crc: number): Buffer {
  const out = Buffer.allocUnsafe(SNAP_TRAILER_BYTES);
  out.writeUInt32BE(crc >>> 0, 0);
  out.writeUInt32BE(SNAP_END_MAGIC, 4);
  return out;
}

/** Parses a header; returns the meta and the header's total length, or throws. */
export function decodeSnapshotHeader(buf: Buffer): { meta: SnapshotMeta; headerBytes: number } {
  if (buf.length < 12 || buf.readUInt32BE(0) !== SNAP_MAGIC) throw new Error('bad snapshot magic');
  if (buf.readUInt32BE(4) !== 1) throw new Error(`unsupported snapshot version ${buf.readUInt32BE(4)}`);
  const len = buf.readUInt32BE(8);
  if (buf.length < 12 + len) throw new Error('truncated snapshot header');
  const meta = JSON.parse(buf.subarray(12, 12 + len).toString('utf8')) as SnapshotMeta;
  if (!Number.isSafeInteger(meta.index) || !Number.isSafeInteger(meta.term) || typeof meta.config !== 'object') throw new Error('bad snapshot header');
  return { meta, headerBytes: 12 + len };
}

/** Incremental CRC32C. */
export class RunningCrc {
  value = 0;
  update(chunk: Uint8Array): void {
    this.value = crc32c(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), this.value);
  }
}
