import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '@raft/raft-core';
import { FileStorage, type FileStorageOptions } from '../src/file-storage';
import { nodeFileSystem, type FileSystem } from '../src/fs-seam';

/** A FileStorage and what its `load()` recovered. */
export interface Loaded {
  readonly s: FileStorage;
  readonly state: Awaited<ReturnType<FileStorage['load']>>;
}

/** Opens and loads a FileStorage under `dir`; what it logs as warnings goes to `warnings`. */
export async function openStorage(dir: string, warnings: string[] = [], opts: FileStorageOptions = {}): Promise<Loaded> {
  const s = await FileStorage.open(dir, { logger: { warn: (m) => warnings.push(m) }, ...opts });
  return { s, state: await s.load() };
}

/** A seeded generator of numbers in [0, 1) (an LCG): a failing seed replays exactly. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x / 2 ** 32);
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'raft-storage-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const enc = new TextEncoder();
export function entries(from: number, to: number, term = 1, size = 0): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push({ index: i, term, type: 'normal', data: enc.encode(size ? `v${i}t${term}`.padEnd(size, '.') : `v${i}t${term}`) });
  return out;
}

export const text = (d: Uint8Array): string => new TextDecoder().decode(d);

/** A filesystem seam that counts syncs and can fail chosen operations. */
export class FaultyFs implements FileSystem {
  syncs = 0;
  writes = 0;
  /** How many buffers each durable write was given, in order. */
  readonly chunksPerWrite: number[] = [];
  failNextWrite: string | null = null;
  failNextSync: string | null = null;
  /** Fails the next zero-fill (segment preallocation). */
  failNextZeroFill: string | null = null;
  private readonly base = nodeFileSystem;
  mkdir = (p: string) => this.base.mkdir(p);
  readdir = (p: string) => this.base.readdir(p);
  readFile = (p: string) => this.base.readFile(p);
  openAppend = (p: string) => this.base.openAppend(p);
  openDurable = (p: string) => this.base.openDurable(p);
  openRead = (p: string) => this.base.openRead(p);
  async write(fd: number, data: Buffer): Promise<void> {
    this.writes++;
    if (this.failNextWrite) {
      const code = this.failNextWrite;
      this.failNextWrite = null;
      throw Object.assign(new Error(`${code}: injected`), { code });
    }
    return this.base.write(fd, data);
  }
  /** A durable write counts as a write and as a sync; an injected write failure wins. */
  async writeDurable(fd: number, chunks: readonly Buffer[], position: number): Promise<void> {
    this.writes++;
    this.syncs++;
    this.chunksPerWrite.push(chunks.length);
    for (const key of ['failNextWrite', 'failNextSync'] as const) {
      const code = this[key];
      if (code) {
        this[key] = null;
        throw Object.assign(new Error(`${code}: injected`), { code });
      }
    }
    return this.base.writeDurable(fd, chunks, position);
  }
  async zeroFill(fd: number, position: number, length: number): Promise<void> {
    const code = this.failNextZeroFill;
    if (code) {
      this.failNextZeroFill = null;
      throw Object.assign(new Error(`${code}: injected`), { code });
    }
    return this.base.zeroFill(fd, position, length);
  }
  async fdatasync(fd: number): Promise<void> {
    this.syncs++;
    if (this.failNextSync) {
      const code = this.failNextSync;
      this.failNextSync = null;
      throw Object.assign(new Error(`${code}: injected`), { code });
    }
    return this.base.fdatasync(fd);
  }
  fsync = (fd: number) => this.base.fsync(fd);
  close = (fd: number) => this.base.close(fd);
  truncate = (p: string, n: number) => this.base.truncate(p, n);
  rename = (a: string, b: string) => this.base.rename(a, b);
  unlink = (p: string) => this.base.unlink(p);
  syncDir = (p: string) => this.base.syncDir(p);
  size = (p: string) => this.base.size(p);
  openReadSync = (p: string) => this.base.openReadSync(p);
  readSync = (fd: number, b: Buffer, pos: number) => this.base.readSync(fd, b, pos);
}
