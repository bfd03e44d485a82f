// The ceiling of any WAL whose durable writes leave the JavaScript thread, against the raw
// loop #3 measures FileStorage by. "Ideal group commit": `--proposers` closed-loop async
// proposers that do no work at all (no record, no CRC, no copy) join the next batch and await
// it; one pre-built buffer of `--bytes` (what FileStorage writes per commit at that load) is
// written per batch as an O_DSYNC pwritev on the libuv thread pool, as FileStorage does. The
// raw loop writes the same bytes with a synchronous write + fdatasync. Rounds interleave.
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/storage-async-ceiling.ts [--bytes 8064] [--proposers 64] [--seconds 2]
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync, writev } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argValue } from './cli-arg';
import { runRaw } from './storage-raw';

const bytes = Number(argValue('bytes', '8064'));
const proposers = Number(argValue('proposers', '64'));
const seconds = Number(argValue('seconds', '2'));
if (!(Number.isInteger(bytes) && bytes > 0) || !(Number.isInteger(proposers) && proposers > 0) || !(seconds > 0)) {
  throw new Error('--bytes and --proposers must be positive integers, --seconds positive');
}
const dir = mkdtempSync(join(argValue('dir', tmpdir()), 'async-ceiling-'));
const buf = Buffer.alloc(bytes, 120);
const ZEROS = Buffer.alloc(16 * 1024 * 1024);

/** The raw loop bench:storage compares with (synchronous append + fdatasync): syncs per second. */
function rawLoop(path: string): number {
  const r = runRaw(path, bytes, seconds);
  return r.syncs / r.seconds;
}

/** Group commit with no per-entry work: commits per second and proposals per commit. */
async function idealGroupCommit(path: string, overwrite: boolean): Promise<{ commitsPerSecond: number; perCommit: number }> {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_DSYNC);
  // Overwrite mode: the file is written (zeros) and synced first, for as many commits as this
  // disk can take in the round, so that no commit changes the file's size (FileStorage's zero-fill).
  const room = overwrite ? Math.ceil((6_000 * seconds * bytes) / ZEROS.length) : 0;
  for (let i = 0; i < room; i++) writeSync(fd, ZEROS, 0, ZEROS.length, i * ZEROS.length);
  let waiting: (() => void)[] = [];
  let writing = false;
  let commits = 0;
  let proposals = 0;
  const writeBatch = (): void => {
    const batch = waiting;
    waiting = [];
    writing = true;
    writev(fd, [buf], commits * bytes, (e) => {
      if (e) throw e;
      commits++;
      proposals += batch.length;
      for (const resolve of batch) resolve();
      // Start the next write once the resumed proposers have joined it (one microtask later,
      // as FileStorage does), not inside this callback.
      queueMicrotask(() => (waiting.length > 0 ? writeBatch() : void (writing = false)));
    });
  };
  const propose = (): Promise<void> =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!writing) {
        writing = true;
        queueMicrotask(writeBatch);
      }
    });
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: proposers }, async () => { while (performance.now() < end) await propose(); }));
  const elapsed = (performance.now() - t0) / 1000;
  closeSync(fd);
  return { commitsPerSecond: commits / elapsed, perCommit: proposals / commits };
}

async function main(): Promise<void> {
  console.log(`${bytes} bytes per durable write, ${proposers} proposers, ${seconds} s per mode, three interleaved rounds`);
  try {
    for (let round = 1; round <= 3; round++) {
      const raw = rawLoop(join(dir, `raw-${round}`));
      const append = await idealGroupCommit(join(dir, `ideal-${round}`), false);
      rmSync(join(dir, `ideal-${round}`), { force: true });
      const over = await idealGroupCommit(join(dir, `ideal-${round}`), true);
      console.log(
        `round ${round}: raw sync loop ${Math.round(raw)} syncs/s; ideal async group commit appending ${Math.round(append.commitsPerSecond)} commits/s ` +
          `= ${(append.commitsPerSecond / raw).toFixed(2)}x, overwriting zeros ${Math.round(over.commitsPerSecond)} = ${(over.commitsPerSecond / raw).toFixed(2)}x ` +
          `(${append.perCommit.toFixed(1)} / ${over.perCommit.toFixed(1)} proposals per commit)`,
      );
      rmSync(join(dir, `raw-${round}`), { force: true });
      rmSync(join(dir, `ideal-${round}`), { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
