import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkRow, parseWorkerArgv, workerArgv } from './rate-limiter-fork';
import { measureInterleaved, measurePaired, type Row, run, summarize, summarizePaired } from './rate-limiter-measure';
import { ROWS } from './rate-limiter-rows';

describe('rate limiter benchmark: measurement', () => {
  it('runs every call once over round-robin keys, at most inFlight at a time', async () => {
    const seen: string[] = [];
    let active = 0;
    let peak = 0;
    await run(
      async (key) => {
        active += 1;
        peak = Math.max(peak, active);
        seen.push(key);
        await Promise.resolve();
        active -= 1;
      },
      10,
      4,
      3,
    );
    expect(seen.sort()).toEqual(['k0', 'k0', 'k0', 'k0', 'k1', 'k1', 'k1', 'k2', 'k2', 'k2']);
    expect(peak).toBe(4);
  });

  it('summarizes rounds as median, slowest and fastest', () => {
    expect(summarize('x', 30, [3, 1, 2])).toEqual({ name: 'x', ops: 30, perSecond: 2, minPerSecond: 1, maxPerSecond: 3 });
    expect(() => summarize('x', 0, [])).toThrow();
  });

  it('warms every row up, then interleaves rounds in alternating order', async () => {
    const log: string[] = [];
    const row = (name: string, rate: number): Row => ({
      name,
      warmUp: async (ops) => void log.push(`${name} warm ${ops}`),
      round: async (ops) => {
        log.push(`${name} ${ops}`);
        return rate;
      },
    });
    const result = await measureInterleaved([row('a', 10), row('b', 20)], 300, 3);
    expect(log).toEqual(['a warm 30', 'b warm 30', 'a 100', 'b 100', 'b 100', 'a 100', 'a 100', 'b 100']);
    expect(result.map((r) => [r.name, r.ops, r.perSecond])).toEqual([
      ['a', 300, 10],
      ['b', 300, 20],
    ]);
  });

  it('pairs rounds back to back, alternating who goes first, and takes the median of the ratios', async () => {
    const log: string[] = [];
    const row = (name: string, rates: number[]): Row => ({
      name,
      warmUp: async (ops) => void log.push(`${name} warm ${ops}`),
      round: async (ops) => {
        log.push(`${name} ${ops}`);
        const rate = rates.shift();
        if (rate === undefined) throw new Error('too many rounds');
        return rate;
      },
    });
    // Pair ratios: 100/50 = 2, 90/100 = 0.9, 10/10 = 1 -> median 1; ours ahead in two.
    const result = await measurePaired(row('ours', [100, 90, 10]), row('theirs', [50, 100, 10]), 7, 3);
    expect(log).toEqual(['ours warm 7', 'theirs warm 7', 'ours 7', 'theirs 7', 'theirs 7', 'ours 7', 'ours 7', 'theirs 7']);
    expect(result.medianRatio).toBe(1);
    expect(result.oursAhead).toBe(2);
    expect(result.pairs).toBe(3);
    expect([result.ours.perSecond, result.ours.ops, result.theirs.perSecond]).toEqual([90, 21, 50]);
    expect(result.sessionMedians).toEqual([1]);
  });

  it('combines sessions of pairs: the median over every pair, and each session\'s own median', () => {
    // Session ratios: [2, 0.5, 1] (median 1) and [1.1, 1.2, 0.9, 1.3] (upper median 1.2).
    const result = summarizePaired('ours', 'theirs', 10, [
      { ours: [20, 5, 7], theirs: [10, 10, 7] },
      { ours: [11, 12, 9, 13], theirs: [10, 10, 10, 10] },
    ]);
    // All seven ratios sorted: 0.5, 0.9, 1, 1.1, 1.2, 1.3, 2 -> median 1.1.
    expect(result.medianRatio).toBeCloseTo(1.1);
    expect(result.sessionMedians.map((r) => Number(r.toFixed(2)))).toEqual([1, 1.2]);
    expect([result.pairs, result.oursAhead, result.ours.ops]).toEqual([7, 5, 70]);
    expect(() => summarizePaired('ours', 'theirs', 10, [])).toThrow('no pairs');
  });
});

describe('rate limiter benchmark: one child process per row', () => {
  it('round-trips worker arguments and rejects bad ones', () => {
    const args = { store: 'redis' as const, index: 2, inFlight: 256, keys: 1000, prefix: 'p' };
    expect(parseWorkerArgv(workerArgv(args))).toEqual(args);
    expect(() => parseWorkerArgv(['disk', '0', '1', '1', 'p'])).toThrow();
    expect(() => parseWorkerArgv(['memory', 'x', '1', '1', 'p'])).toThrow();
    expect(() => parseWorkerArgv(['memory', '0', '1', '1', ''])).toThrow();
  });

  it('has the same rows as the results table, rate-limiter-flexible last in each store', () => {
    expect(ROWS.memory.at(-1)?.name).toBe('rate-limiter-flexible RateLimiterMemory');
    expect(ROWS.redis.at(-1)?.name).toBe('rate-limiter-flexible RateLimiterRedis');
  });

  it('drives a child over IPC: ready, warm-up, rounds, errors, close', async () => {
    const worker = join(tmpdir(), `rate-limiter-fake-worker-${process.pid}.cjs`);
    writeFileSync(
      worker,
      `process.on('message', (m) => {
        if (m.type === 'warm-up') process.send({ type: 'done' });
        else if (m.type === 'round') process.send(m.ops < 0 ? { type: 'error', message: 'negative' } : { type: 'rate', perSecond: m.ops * 2 });
        else process.disconnect();
      });
      process.send({ type: 'ready', argv: process.argv.slice(2) });`,
    );
    const row = await forkRow('fake', { store: 'memory', index: 0, inFlight: 1, keys: 10, prefix: 'p' }, worker);
    await row.warmUp(5);
    expect(await row.round(21)).toBe(42);
    await expect(row.round(-1)).rejects.toThrow('negative');
    expect(await row.round(1)).toBe(2);
    await row.close();
    await expect(row.round(1)).rejects.toThrow(/exited/);
  });

  it('measures a real row (in-memory fixed window) in a forked tsx child', async () => {
    const row = await forkRow(ROWS.memory[3].name, { store: 'memory', index: 3, inFlight: 1, keys: 10, prefix: 'p' });
    try {
      await row.warmUp(1000);
      expect(await row.round(1000)).toBeGreaterThan(0);
    } finally {
      await row.close();
    }
  }, 30_000);
});
