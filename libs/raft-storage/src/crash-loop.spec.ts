import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { seededRandom, tempDir } from '../test/helpers';

const root = resolve(__dirname, '..', '..', '..');
const ITERATIONS = Number(process.env['STORAGE_CRASH_ITERATIONS'] ?? 200);
const SEED = Number(process.env['STORAGE_CRASH_SEED'] ?? 20261123);


/**
 * Segments (by name) whose file was earlier seen as a spare, newly found in `walDir`: reuse
 * observed from outside, by inode. Spare inodes seen now are remembered for later calls.
 */
function countReused(walDir: string, seen: { spareInodes: Set<number>; reusedSegments: Set<string> }): number {
  let found = 0;
  for (const name of readdirSync(walDir)) {
    const ino = statSync(join(walDir, name)).ino;
    if (name.endsWith('.spare')) seen.spareInodes.add(ino);
    else if (name.endsWith('.wal') && seen.spareInodes.has(ino) && !seen.reusedSegments.has(name)) {
      seen.reusedSegments.add(name);
      found++;
    }
  }
  return found;
}

/** Runs the child until it is killed; returns the highest durable index it reported. */
function runOnce(dir: string, mustHave: number, killAfterMs: number, compact: boolean): Promise<{ durable: number; recovered: number; out: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'test', 'crash-child.cjs'), dir, String(mustHave)], {
      env: { ...process.env, STORAGE_DIST: join(root, 'dist/libs/raft-storage/src/index.js'), CRASH_COMPACT: compact ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let durable = mustHave;
    let recovered = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/durable (\d+)/g)) durable = Math.max(durable, Number(m[1]));
      if (!recovered && /recovered \d+/.test(out)) {
        recovered = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
      if (/VIOLATION|ERROR/.test(out)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', () => resolvePromise({ durable, recovered: Number(/recovered (\d+)/.exec(out)?.[1] ?? -1), out: out.slice(-500) }));
  });
}

describe(`crash loop: kill -9 while appending (${ITERATIONS} iterations, seed ${SEED})`, () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'tools/build/build.mjs')], { stdio: 'ignore' });
  });

  async function crashLoop(compact: boolean, iterations: number): Promise<void> {
    const t = tempDir();
    const random = seededRandom(SEED);
    let acknowledged = 0;
    let reused = 0;
    const seen = { spareInodes: new Set<number>(), reusedSegments: new Set<string>() };
    try {
      for (let i = 0; i < iterations; i++) {
        const killAfter = Math.floor(random() * 40);
        const { durable, recovered, out } = await runOnce(t.dir, acknowledged, killAfter, compact);
        if (/VIOLATION|ERROR/.test(out)) throw new Error(`iteration ${i} (seed ${SEED}): ${out}`);
        expect(recovered).toBeGreaterThanOrEqual(acknowledged);
        acknowledged = durable;
        reused += countReused(join(t.dir, 'wal'), seen);
      }
      // A final recovery must see everything acknowledged by the last run.
      const { out, recovered } = await runOnce(t.dir, acknowledged, 0, compact);
      expect(out).not.toMatch(/VIOLATION|ERROR/);
      expect(recovered).toBeGreaterThanOrEqual(acknowledged);
      expect(acknowledged).toBeGreaterThan(iterations); // real progress was made between kills
      if (compact) expect(reused).toBeGreaterThan(0);
      process.stdout.write(`crash loop${compact ? ' with compaction' : ''}: ${iterations} kills, ${acknowledged} entries acknowledged, all recovered${compact ? `; ${reused} segments seen to reuse a spare's file` : ''}\n`);
    } finally {
      t.cleanup();
    }
  }

  it('every reported-durable entry survives and the recovered log is a valid prefix of what was written', async () => {
    await crashLoop(false, ITERATIONS);
  }, 600_000);

  it('the same with snapshots and compaction every few milliseconds: compacted segments are recycled while kills land', async () => {
    await crashLoop(true, Math.ceil(ITERATIONS / 2));
  }, 600_000);
});
