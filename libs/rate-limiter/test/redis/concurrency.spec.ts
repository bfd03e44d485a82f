import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { LeasedTokenBucket, RedisLeakyBucketQueue, RedisTokenBucket } from '../../src';
import { connect, deleteKeys, uniquePrefix } from '../support/redis';
import { EXPECTED_ADMITTED, hammer, SHARED_LIMIT, sharedLimiters } from '../support/shared-limiters';

const CLIENTS = 8;
const ATTEMPTS = 400;

describe('Redis limiters under concurrency', () => {
  const prefix = uniquePrefix('conc');
  let clients: Redis[] = [];

  beforeAll(async () => {
    clients = await Promise.all(Array.from({ length: CLIENTS }, connect));
  });
  afterAll(async () => {
    for (const p of [prefix, `${prefix}-borrow`, `${prefix}-lease`, `${prefix}-proc`, `${prefix}-proc-borrow`, `${prefix}-proc-lease`]) {
      await deleteKeys(clients[0], p);
    }
    await Promise.all(clients.map((c) => c.quit()));
  });

  it(`${CLIENTS} connections × many in flight on one key: every algorithm admits exactly its limit`, async () => {
    const perClient = clients.map((redis) => sharedLimiters(redis, prefix));
    const totals: Record<string, number> = {};
    await Promise.all(
      Object.keys(EXPECTED_ADMITTED).map(async (name) => {
        const counts = await Promise.all(perClient.map((limiters) => hammer(limiters[name], 'shared', ATTEMPTS / CLIENTS, 10)));
        totals[name] = counts.reduce((a, b) => a + b, 0);
      }),
    );
    expect(totals).toEqual(EXPECTED_ADMITTED);
  });

  it('leasing: admitted + tokens back in Redis after release = capacity (nothing lost, nothing minted)', async () => {
    const leasePrefix = `${prefix}-lease2`;
    const config = { capacity: SHARED_LIMIT, refillTokens: 1, refillIntervalMs: 86_400_000 };
    // Four "processes" leasing 9 at a time (36 ≤ 50 tokens), each admitting only 4:
    // 5 tokens per process stay leased, unused, until released.
    const leasers = clients.slice(0, 4).map((redis) => new LeasedTokenBucket(config, { leaseSize: 9, leaseTtlMs: 60_000 }, { redis, prefix: leasePrefix }));
    const counts = await Promise.all(leasers.map((l) => hammer(l, 'k', 4, 2)));
    expect(counts).toEqual([4, 4, 4, 4]);
    expect(leasers.map((l) => l.leasedTokens('k'))).toEqual([5, 5, 5, 5]);
    const admitted = 16;
    await Promise.all(leasers.map((l) => l.releaseAll()));
    const probe = new RedisTokenBucket(config, { redis: clients[0], prefix: leasePrefix });
    expect((await probe.tryAcquire('k')).remaining).toBe(SHARED_LIMIT - admitted - 1);
    await deleteKeys(clients[0], leasePrefix);
  });

  it('leaky-bucket queue: concurrent acquires reserve exactly capacity slots, each a distinct departure', async () => {
    const delays: number[] = [];
    const queues = clients.map(
      (redis) =>
        new RedisLeakyBucketQueue({ capacity: 20, leakTokens: 1, leakIntervalMs: 3_600_000 }, { redis, prefix, sleep: async (ms) => void delays.push(ms) }),
    );
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) => queues[i % CLIENTS].acquire('queue').then(() => 'reserved', (e: { code?: string }) => e.code)),
    );
    expect(outcomes.filter((o) => o === 'reserved')).toHaveLength(20);
    expect(outcomes.filter((o) => o === 'ERR_RATE_LIMITER_QUEUE_FULL')).toHaveLength(80);
    // One left at once (no sleep); the other 19 are an hour apart, in distinct slots.
    const slots = delays.map((d) => Math.round(d / 3_600_000)).sort((a, b) => a - b);
    expect(slots).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
  });

  it('three OS processes hammering one key: together they admit exactly the limit', async () => {
    const fixture = join(__dirname, '..', 'fixtures', 'hammer-process.ts');
    const tsx = require.resolve('tsx');
    const children: ChildProcessWithoutNullStreams[] = [0, 1, 2].map(() =>
      spawn(process.execPath, ['--import', tsx, fixture, `${prefix}-proc`, '120'], {
        stdio: 'pipe',
        // The library uses decorators (the Nest guard): compile with the project's tsconfig.
        env: { ...process.env, TSX_TSCONFIG_PATH: join(__dirname, '..', '..', 'tsconfig.json') },
      }),
    );
    const outputs = children.map(
      (child) =>
        new Promise<Record<string, number>>((resolve, reject) => {
          let out = '';
          let err = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Record<string, number>) : reject(new Error(`child exited ${code}: ${err}`))));
        }),
    );
    // Give every child time to connect, then release them together.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const child of children) child.stdin.write('go\n');
    const results = await Promise.all(outputs);
    const totals: Record<string, number> = {};
    for (const result of results) for (const [name, count] of Object.entries(result)) totals[name] = (totals[name] ?? 0) + count;
    expect(totals).toEqual(EXPECTED_ADMITTED);
    // Every process ran every algorithm to completion.
    for (const result of results) expect(Object.keys(result).sort()).toEqual(Object.keys(EXPECTED_ADMITTED).sort());
  }, 30_000);
});
