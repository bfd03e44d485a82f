import { closeSync, fdatasync, fdatasyncSync, openSync, write, writeSync } from 'node:fs';
import { promisify } from 'node:util';

/** The plain disk: sequential appends of `batchBytes` each followed by fdatasync. */
export interface RawResult {
  readonly batchBytes: number;
  readonly syncs: number;
  readonly seconds: number;
}

/**
 * Writes `batchBytes` and fdatasyncs, in a loop, for `seconds`: the limit of this disk for
 * that batch size. The file is opened for appending, so every sync also has to persist the
 * grown file size (FileStorage avoids that by overwriting zeros it wrote ahead; see its
 * README). Synchronous calls: no event loop or thread-pool hop, the cheapest way Node can
 * drive the disk.
 */
export function runRaw(path: string, batchBytes: number, seconds: number): RawResult {
  const fd = openSync(path, 'a');
  const buf = Buffer.alloc(Math.max(1, Math.round(batchBytes)), 120);
  try {
    for (let k = 0; k < 5; k++) {
      writeSync(fd, buf);
      fdatasyncSync(fd);
    }
    let syncs = 0;
    const t0 = process.hrtime.bigint();
    const deadline = t0 + BigInt(Math.round(seconds * 1e9));
    while (process.hrtime.bigint() < deadline) {
      writeSync(fd, buf);
      fdatasyncSync(fd);
      syncs++;
    }
    return { batchBytes: buf.length, syncs, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  } finally {
    closeSync(fd);
  }
}

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

/**
 * The same loop through Node's asynchronous fs (libuv thread pool: one hop for the write,
 * one for the fdatasync), as FileStorage issues them: the limit for any Node storage that
 * does not block its event loop.
 */
export async function runRawAsync(path: string, batchBytes: number, seconds: number): Promise<RawResult> {
  const fd = openSync(path, 'a');
  const buf = Buffer.alloc(Math.max(1, Math.round(batchBytes)), 120);
  try {
    let syncs = 0;
    const t0 = process.hrtime.bigint();
    const deadline = t0 + BigInt(Math.round(seconds * 1e9));
    while (process.hrtime.bigint() < deadline) {
      await writeAsync(fd, buf, 0, buf.length, null);
      await fdatasyncAsync(fd);
      syncs++;
    }
    return { batchBytes: buf.length, syncs, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  } finally {
    closeSync(fd);
  }
}
