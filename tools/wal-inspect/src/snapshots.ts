import { join } from 'node:path';
import type { SnapshotMeta } from '@raft/raft-core';
import { decodeSnapshotHeader, RunningCrc, SNAP_END_MAGIC, SNAP_RE, SNAP_TRAILER_BYTES, type FileSystem } from '@raft/raft-storage';
import type { Problem } from './inspect';

export interface SnapshotFileReport {
  readonly file: string;
  readonly bytes: number;
  /** `current`: the newest complete snapshot (what recovery uses, fully verified);
   * `superseded`: an older .snap recovery deletes; `temp`: an unfinished .tmp recovery deletes. */
  readonly role: 'current' | 'superseded' | 'temp';
  readonly index?: number;
  readonly term?: number;
  /** State-machine bytes between header and trailer. */
  readonly dataBytes?: number;
}

/** Lists the snapshot directory; with `verifyCurrent`, checks the newest snapshot's trailer and CRC as recovery does. */
export async function inspectSnapshots(fs: FileSystem, dir: string, verifyCurrent: boolean): Promise<{ files: SnapshotFileReport[]; current: SnapshotMeta | null; error: Problem | null }> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).sort();
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return { files: [], current: null, error: null };
    throw e;
  }
  const snaps = names.filter((n) => SNAP_RE.test(n));
  const newest = snaps[snaps.length - 1];
  const files: SnapshotFileReport[] = [];
  let current: SnapshotMeta | null = null;
  let error: Problem | null = null;
  for (const name of names) {
    const file = join(dir, name);
    if (name.endsWith('.tmp')) files.push({ file, bytes: await fs.size(file), role: 'temp' });
    if (!SNAP_RE.test(name)) continue;
    const buf = await fs.readFile(file);
    const role = name === newest ? 'current' : 'superseded';
    try {
      const { meta, headerBytes } = decodeSnapshotHeader(buf);
      const dataBytes = buf.length - headerBytes - SNAP_TRAILER_BYTES;
      files.push({ file, bytes: buf.length, role, index: meta.index, term: meta.term, dataBytes });
      if (role !== 'current') continue;
      // The log is judged against this snapshot even if its body is damaged (reported below).
      current = meta;
      if (!verifyCurrent) continue;
      if (dataBytes < 0 || buf.readUInt32BE(buf.length - 4) !== SNAP_END_MAGIC) error = { file, offset: buf.length, reason: 'snapshot trailer missing' };
      else {
        const crc = new RunningCrc();
        crc.update(buf.subarray(headerBytes, headerBytes + dataBytes));
        if (crc.value !== buf.readUInt32BE(buf.length - 8)) error = { file, offset: headerBytes, reason: 'snapshot CRC mismatch' };
      }
    } catch (e) {
      files.push({ file, bytes: buf.length, role });
      if (role === 'current') error = { file, offset: 0, reason: `snapshot header: ${(e as Error).message}` };
    }
  }
  return { files, current, error };
}
