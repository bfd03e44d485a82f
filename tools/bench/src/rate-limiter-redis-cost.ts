// Redis-side cost of one decision: server µs per script call (EVALSHA + EVAL, from
// `INFO commandstats`, diffed around each row), ours and rate-limiter-flexible's. The diff
// includes any other client's scripts running at the same time, so run it on a quiet Redis.
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/rate-limiter-redis-cost.ts
import {
  createLimiterRedis,
  RedisFixedWindow,
  RedisLeakyBucketMeter,
  RedisSlidingLog,
  RedisSlidingWindowCounter,
  RedisTokenBucket,
} from '@raft/rate-limiter';
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';

const OPS = 20_000;
const IN_FLIGHT = 64;
const BIG = 1_000_000_000;
const prefix = `rlcost-${process.pid}`;

async function scriptStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const info = await redis.info('commandstats');
  let calls = 0;
  let usec = 0;
  for (const m of info.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+),usec=(\d+)/gm)) {
    calls += Number(m[1]);
    usec += Number(m[2]);
  }
  return { calls, usec };
}

async function main(): Promise<void> {
  const redis = createLimiterRedis({ host: '127.0.0.1', port: 6379 });
  await new Promise<void>((resolve) => redis.once('ready', resolve));
  const options = { redis, prefix };
  const rows: [string, (key: string) => Promise<unknown>][] = [];
  const add = (name: string, call: (key: string) => Promise<unknown>) => rows.push([name, call]);
  // Baselines: what any script call costs, and what reading the server clock adds to it.
  const empty = (await redis.script('LOAD', 'return {1}')) as string;
  add('baseline: empty script', (k) => redis.evalsha(empty, 1, `${prefix}:${k}`));
  const clock = (await redis.script('LOAD', "local t = redis.call('TIME') return {tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)}")) as string;
  add("baseline: redis.call('TIME') only", (k) => redis.evalsha(clock, 1, `${prefix}:${k}`));
  const tb = new RedisTokenBucket({ capacity: BIG, refillTokens: 1, refillIntervalMs: 1000 }, options);
  add('token bucket', (k) => tb.tryAcquire(k));
  const gcra = new RedisLeakyBucketMeter({ capacity: BIG, leakTokens: 1, leakIntervalMs: 1000 }, options);
  add('leaky bucket meter (GCRA)', (k) => gcra.tryAcquire(k));
  const fw = new RedisFixedWindow({ limit: BIG, windowMs: 60_000 }, options);
  add('fixed window', (k) => fw.tryAcquire(k));
  const log = new RedisSlidingLog({ limit: 100, windowMs: 1000 }, options);
  add('sliding log (limit 100/s)', (k) => log.tryAcquire(k));
  const swc = new RedisSlidingWindowCounter({ limit: BIG, windowMs: 60_000 }, options);
  add('sliding window counter', (k) => swc.tryAcquire(k));
  const rlf = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}-rlf`, points: BIG, duration: 60 });
  add('rate-limiter-flexible RateLimiterRedis', (k) => rlf.consume(k, 1));
  try {
    for (const [name, call] of rows) {
      const go = async () => {
        let next = 0;
        await Promise.all(
          Array.from({ length: IN_FLIGHT }, async () => {
            while (next < OPS) await call(`k${next++ % 1000}`);
          }),
        );
      };
      await go(); // warm-up: keys exist, scripts loaded
      const before = await scriptStats(redis);
      await go();
      const after = await scriptStats(redis);
      const calls = after.calls - before.calls;
      console.log(`${name}: ${((after.usec - before.usec) / calls).toFixed(2)} µs per script call (${calls} calls)`);
    }
  } finally {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = nextCursor;
    } while (cursor !== '0');
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
