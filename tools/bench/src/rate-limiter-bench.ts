// Rate limiter throughput: decisions/s per algorithm in memory, on Redis with sequential
// awaits and with many calls in flight, next to rate-limiter-flexible on the same Redis in
// the same run. Writes tools/bench/results/rate-limiter.md.
//   npx nx run bench:rate-limiter [-- --scale 0.2]
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  createLimiterRedis,
  FixedWindow,
  LeakyBucketMeter,
  LeasedTokenBucket,
  type RateLimiter,
  RedisFixedWindow,
  RedisLeakyBucketMeter,
  RedisSlidingLog,
  RedisSlidingWindowCounter,
  RedisTokenBucket,
  SlidingLog,
  SlidingWindowCounter,
  TokenBucket,
} from '@raft/rate-limiter';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { type Consumer, type Measurement, measureInterleaved } from './rate-limiter-measure';

const scaleFlag = process.argv.indexOf('--scale');
const scale = scaleFlag === -1 ? 1 : Number(process.argv[scaleFlag + 1]);
if (!(scale > 0)) throw new Error('--scale must be a positive number');
const MEMORY_OPS = Math.round(1_000_000 * scale);
const REDIS_SEQUENTIAL_OPS = Math.round(10_000 * scale);
const REDIS_CONCURRENT_OPS = Math.round(100_000 * scale);
const IN_FLIGHT = 256;
const ROUNDS = 5;
const KEYS = 1000;
const prefix = `rlbench-${process.pid}`;

// Generous limits: the benchmark measures the admit path (state is read and written).
const BIG = 1_000_000_000;
const bucket = { capacity: BIG, refillTokens: 1, refillIntervalMs: 1000 };
const window = { limit: BIG, windowMs: 60_000 };

const ours = (limiter: RateLimiter): Consumer => async (key) => void (await limiter.tryAcquire(key));
const flexible = (limiter: RateLimiterMemory | RateLimiterRedis): Consumer => async (key) => void (await limiter.consume(key, 1));

/** Maps the benchmark's round-robin keys onto `count` keys. */
function hotKeys(count: number, consume: Consumer): Consumer {
  return (key) => consume(`hot${Number(key.slice(1)) % count}`);
}

function memoryLimiters(): [string, Consumer][] {
  return [
    ['token bucket', ours(new TokenBucket(bucket))],
    ['token bucket (borrow)', ours(new TokenBucket({ ...bucket, mode: 'borrow' }))],
    ['leaky bucket meter (GCRA)', ours(new LeakyBucketMeter({ capacity: BIG, leakTokens: 1, leakIntervalMs: 1000 }))],
    ['fixed window', ours(new FixedWindow(window))],
    ['sliding log (limit 100/s)', ours(new SlidingLog({ limit: 100, windowMs: 1000 }))],
    ['sliding window counter', ours(new SlidingWindowCounter(window))],
    ['rate-limiter-flexible RateLimiterMemory', flexible(new RateLimiterMemory({ points: BIG, duration: 60 }))],
  ];
}

function redisLimiters(redis: Redis): [string, Consumer][] {
  const options = { redis, prefix };
  return [
    ['token bucket', ours(new RedisTokenBucket(bucket, options))],
    ['leaky bucket meter (GCRA)', ours(new RedisLeakyBucketMeter({ capacity: BIG, leakTokens: 1, leakIntervalMs: 1000 }, options))],
    ['fixed window', ours(new RedisFixedWindow(window, options))],
    ['sliding log (limit 100/s)', ours(new RedisSlidingLog({ limit: 100, windowMs: 1000 }, options))],
    ['sliding window counter', ours(new RedisSlidingWindowCounter(window, options))],
    // Steady state of leasing: 10 hot keys and leases that outlive the run, so exactly one
    // Redis round trip per 100 decisions (with 1000 cold keys it would only measure renewals).
    ['leased token bucket (lease 100, 10 hot keys)', hotKeys(10, ours(new LeasedTokenBucket(bucket, { leaseSize: 100, leaseTtlMs: 600_000 }, options)))],
    ['rate-limiter-flexible RateLimiterRedis', flexible(new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}-rlf`, points: BIG, duration: 60 }))],
  ];
}

async function deleteBenchKeys(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

function table(title: string, rows: Measurement[]): string {
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const lines = [`### ${title}`, '', '| limiter | operations | decisions/s (median) | slowest – fastest round |', '|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.ops.toLocaleString('en-US')} | ${fmt(r.perSecond)} | ${fmt(r.minPerSecond)} – ${fmt(r.maxPerSecond)} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  // Recorded because the cores are shared: a loaded machine lowers every row, ours and
  // rate-limiter-flexible's alike, so compare rows within one run only.
  const loadAtStart = loadavg()[0];
  const redis = createLimiterRedis({ host: '127.0.0.1', port: 6379 });
  await new Promise<void>((resolve) => redis.once('ready', resolve));
  const sections: string[] = [];
  try {
    const memory: Measurement[] = await measureInterleaved(memoryLimiters(), MEMORY_OPS, 1, KEYS, ROUNDS);
    sections.push(table(`In memory (one process, awaited one at a time, ${KEYS} keys)`, memory));
    console.log(sections[sections.length - 1]);

    const sequential = await measureInterleaved(redisLimiters(redis), REDIS_SEQUENTIAL_OPS, 1, KEYS, ROUNDS);
    sections.push(table('Redis, sequential (one call in flight: round-trip bound)', sequential));
    console.log(sections[sections.length - 1]);

    const concurrent = await measureInterleaved(redisLimiters(redis), REDIS_CONCURRENT_OPS, IN_FLIGHT, KEYS, ROUNDS);
    sections.push(table(`Redis, concurrent (${IN_FLIGHT} calls in flight on one connection, pipelined by ioredis)`, concurrent));
    console.log(sections[sections.length - 1]);
  } finally {
    await deleteBenchKeys(redis);
    await redis.quit();
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    '# Rate limiter benchmark',
    '',
    `- machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}; Redis on 127.0.0.1:6379 (same machine)`,
    `- command: \`npx nx run bench:rate-limiter${scale === 1 ? '' : ` -- --scale ${scale}`}\``,
    `- date: ${new Date().toISOString()}; 1-min load average at start ${loadAtStart.toFixed(1)}, at end ${loadavg()[0].toFixed(1)} (${cpus().length} cores)`,
    `- setup: \`tryAcquire(key)\` (ours) and \`consume(key, 1)\` (rate-limiter-flexible 11) round-robin over ${KEYS} keys, limits`,
    '  high enough that every call takes the admit path (state read and written); the sliding log is',
    '  limited to 100/s per key so its log stays bounded. After a 10% warm-up per row, each table runs',
    `  ${ROUNDS} rounds with every row in turn (order alternating) and reports the median round; other engineers`,
    '  share the cores, so compare rows within one run, and read the spread column as the noise.',
  ];
  const out = `${header.join('\n')}\n\n${sections.join('\n\n')}\n`;
  writeFileSync(join(__dirname, '..', 'results', 'rate-limiter.md'), out);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
