// How fast this disk makes one batch durable, by the way it is written: the numbers behind
// the WAL section's note on large group commits. Each mode writes `--bytes` per durable
// write for `--seconds`, twice, interleaved (the disk's speed drifts).
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/storage-write-modes.ts [--bytes 131417] [--seconds 3] [--dir DIR]
import { closeSync, constants, fdatasync, fdatasyncSync, mkdtempSync, openSync, rmSync, write, writeSync, writev } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { argValue } from './cli-arg';

const bytes = Number(argValue('bytes', '131417'));
const seconds = Number(argValue('seconds', '3'));
if (!(Number.isInteger(bytes) && bytes > 0) || !(seconds > 0)) throw new Error('--bytes must be a positive integer and --seconds positive');
const dir = mkdtempSync(join(argValue('dir', tmpdir()), 'write-modes-'));
const buf = Buffer.alloc(bytes, 120);
const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);
const writevAt = (fd: number, position: number): Promise<void> => new Promise((resolve, reject) => writev(fd, [buf], position, (e) => (e ? reject(e) : resolve())));
const DSYNC = constants.O_WRONLY | constants.O_CREAT | constants.O_DSYNC;

/** Runs `step` (one durable write of `bytes`) until `seconds` pass; returns durable writes per second. */
async function rate(step: (k: number) => Promise<void> | void): Promise<number> {
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) await step(n++);
  return n / seconds;
}

const modes: [string, (path: string) => Promise<number>][] = [
  ['append, write + fdatasync, synchronous (the raw loop)', async (path) => {
    const fd = openSync(path, 'a');
    try { return await rate(() => { writeSync(fd, buf); fdatasyncSync(fd); }); } finally { closeSync(fd); }
  }],
  ['append, write + fdatasync, thread pool', async (path) => {
    const fd = openSync(path, 'a');
    try { return await rate(async () => { await writeAsync(fd, buf, 0, bytes, null); await fdatasyncAsync(fd); }); } finally { closeSync(fd); }
  }],
  ['append, O_DSYNC pwrite, synchronous', async (path) => {
    const fd = openSync(path, DSYNC);
    try { return await rate((k) => void writeSync(fd, buf, 0, bytes, k * bytes)); } finally { closeSync(fd); }
  }],
  ['append, O_DSYNC pwritev, thread pool (FileStorage past its zero-fill)', async (path) => {
    const fd = openSync(path, DSYNC);
    try { return await rate((k) => writevAt(fd, k * bytes)); } finally { closeSync(fd); }
  }],
  ['overwrite written zeros, O_DSYNC pwritev, thread pool (FileStorage with zero-fill)', async (path) => {
    const fd = openSync(path, DSYNC);
    try {
      // Enough zeros, written and synced beforehand, for any rate this disk can reach.
      const zeros = Buffer.alloc(64 * 1024 * 1024);
      const room = Math.ceil((2_000 * bytes * seconds) / zeros.length);
      for (let i = 0; i < room; i++) writeSync(fd, zeros, 0, zeros.length, i * zeros.length);
      const slots = Math.floor((room * zeros.length) / bytes);
      return await rate((k) => writevAt(fd, (k % slots) * bytes));
    } finally {
      closeSync(fd);
    }
  }],
];

async function main(): Promise<void> {
  console.log(`durable writes of ${bytes} bytes, ${seconds} s per mode, two rounds, files under ${dir}`);
  try {
    for (let round = 1; round <= 2; round++) {
      for (const [name, run] of modes) {
        const path = join(dir, `mode-${round}-${modes.findIndex((m) => m[0] === name)}`);
        const perSecond = await run(path);
        rmSync(path, { force: true });
        console.log(`round ${round}: ${Math.round(perSecond).toLocaleString('en-US').padStart(7)} writes/s  ${name}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
