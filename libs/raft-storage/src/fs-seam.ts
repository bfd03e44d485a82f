import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';

/**
 * Every filesystem call the storage makes, behind one interface so tests can inject
 * ENOSPC/EIO and count syncs. The default implementation is node:fs.
 */
export interface FileSystem {
  mkdir(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<Buffer>;
  /** Opens for appending (creating if needed); returns a descriptor. */
  openAppend(path: string): Promise<number>;
  /**
   * Opens a WAL segment for positioned writes (creating it if needed, never truncating) so
   * that every write on the descriptor is durable when it returns (`O_DSYNC`: data plus the
   * metadata needed to read it back, as fdatasync). One thread-pool round trip per group
   * commit instead of a write followed by an fdatasync.
   */
  openDurable(path: string): Promise<number>;
  /** Opens an existing file read-only. */
  openRead(path: string): Promise<number>;
  write(fd: number, data: Buffer): Promise<void>;
  /**
   * Writes `chunks` back to back at `position` of a descriptor from `openDurable` (one
   * `writev`, looping on short writes); durable once resolved.
   */
  writeDurable(fd: number, chunks: readonly Buffer[], position: number): Promise<void>;
  /**
   * Writes `length` zero bytes at `position` of a descriptor from `openDurable` (segment
   * preallocation); durable once resolved. Separate from `writeDurable` so seams can tell
   * preallocation from records without looking at the bytes.
   */
  zeroFill(fd: number, position: number, length: number): Promise<void>;
  fdatasync(fd: number): Promise<void>;
  fsync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
  truncate(path: string, length: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** fsync of a directory, so renames and creations in it are durable. */
  syncDir(path: string): Promise<void>;
  size(path: string): Promise<number>;
  /** Opens an existing file read-only, synchronously (snapshot chunks are served without waiting). */
  openReadSync(path: string): number;
  /** Positioned synchronous read (for serving snapshot chunks without waiting). */
  readSync(fd: number, buffer: Buffer, position: number): number;
}

/** Writes all of `data`, at `position` if given (else at the file offset), looping on short writes. */
async function writeAll(fd: number, data: Buffer, position: number | null = null): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const at = position === null ? null : position + off;
    const bytesWritten = await new Promise<number>((resolve, reject) =>
      fs.write(fd, data, off, data.length - off, at, (err, n) => (err ? reject(err) : resolve(n))),
    );
    off += bytesWritten;
  }
}

/** Writes every byte of `chunks` at `position` with `writev`, resuming after short writes. */
async function writevAll(fd: number, chunks: readonly Buffer[], position: number): Promise<void> {
  let rest = chunks.filter((c) => c.length > 0);
  let at = position;
  while (rest.length > 0) {
    const written = await new Promise<number>((resolve, reject) => fs.writev(fd, rest, at, (err, n) => (err ? reject(err) : resolve(n))));
    at += written;
    let skip = written;
    while (rest.length > 0 && skip >= rest[0]!.length) skip -= rest.shift()!.length;
    if (skip > 0) rest = [rest[0]!.subarray(skip), ...rest.slice(1)];
  }
}

/** Shared zeros for `zeroFill`; grown to the largest length asked for, never written to. */
let zeros = Buffer.alloc(0);

function zeroFill(fd: number, position: number, length: number): Promise<void> {
  if (zeros.length < length) zeros = Buffer.alloc(length);
  return writevAll(fd, [zeros.subarray(0, length)], position);
}

/**
 * Opens for positioned writes without truncating; `O_DSYNC` when `durable`. No `O_APPEND`:
 * Linux ignores the position of `pwrite` on such descriptors.
 */
export function openForWrite(path: string, durable: boolean): Promise<number> {
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | (durable ? fs.constants.O_DSYNC : 0);
  return new Promise((resolve, reject) => fs.open(path, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd))));
}

const promisify =
  <A extends unknown[]>(f: (...args: [...A, (err: NodeJS.ErrnoException | null) => void]) => void) =>
  (...args: A): Promise<void> =>
    new Promise((resolve, reject) => f(...args, (err) => (err ? reject(err) : resolve())));

export const nodeFileSystem: FileSystem = {
  mkdir: async (p) => void (await fsp.mkdir(p, { recursive: true })),
  readdir: (p) => fsp.readdir(p),
  readFile: (p) => fsp.readFile(p),
  openAppend: (p) => new Promise((resolve, reject) => fs.open(p, 'a', 0o644, (err, fd) => (err ? reject(err) : resolve(fd)))),
  openDurable: (p) => openForWrite(p, true),
  openRead: (p) => new Promise((resolve, reject) => fs.open(p, 'r', (err, fd) => (err ? reject(err) : resolve(fd)))),
  write: (fd, data) => writeAll(fd, data),
  writeDurable: writevAll,
  zeroFill,
  fdatasync: promisify<[number]>(fs.fdatasync),
  fsync: promisify<[number]>(fs.fsync),
  close: promisify<[number]>(fs.close),
  truncate: (p, len) => fsp.truncate(p, len),
  rename: (a, b) => fsp.rename(a, b),
  unlink: (p) => fsp.unlink(p),
  syncDir: async (p) => {
    const fd = await new Promise<number>((resolve, reject) => fs.open(p, 'r', (err, d) => (err ? reject(err) : resolve(d))));
    try {
      await promisify<[number]>(fs.fsync)(fd);
    } finally {
      await promisify<[number]>(fs.close)(fd);
    }
  },
  size: async (p) => (await fsp.stat(p)).size,
  openReadSync: (p) => fs.openSync(p, 'r'),
  readSync: (fd, buffer, position) => fs.readSync(fd, buffer, 0, buffer.length, position),
};
