// Rate limiter throughput: decisions/s per algorithm in memory, on Redis with sequential
// awaits and with many calls in flight, next to rate-limiter-flexible on the same Redis in
// the same run. Writes tools/bench/results/rate-limiter.md.
//   npx nx run bench:rate-limiter [-- --scale 0.2]
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
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
import { type Consumer, measure, type Measurement } from './rate-limiter-measure';

const scaleFlag = process.argv.indexOf('--scale');
const scale = scaleFlag === -1 ? 1 : Number(process.argv[scaleFlag + 1]);
if (!(scale > 0)) throw new Error('--scale must be a positive number');
const MEMORY_OPS = Math.round(1_000_000 * scale);
const REDIS_SEQUENTIAL_OPS = Math.round(10_000 * scale);
const REDIS_CONCURRENT_OPS = Math.round(100_000 * scale);
const IN_FLIGHT = 256;
const KEYS = 1000;
const prefix = `rlbench-${process.pid}`;

// Generous limits: the benchmark measures the admit path (state is read and written).
const BIG = 1_000_000_000;
const bucket = { capacity: BIG, refillTokens: 1, refillIntervalMs: 1000 };
const window = { limit: BIG, windowMs: 60_000 };

const ours = (limiter: RateLimiter): Consumer => async (key) => void (await limiter.tryAcquire(key));
const flexible = (limiter: RateLimiterMemory | RateLimiterRedis): Consumer => async (key) => void (await limiter.consume(key, 1));

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
    ['leased token bucket (lease 100)', ours(new LeasedTokenBucket(bucket, { leaseSize: 100, leaseTtlMs: 1000 }, options))],
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
  const lines = [`### ${title}`, '', '| limiter | operations | time (s) | decisions/s |', '|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.ops.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${Math.round(r.perSecond).toLocaleString('en-US')} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const redis = createLimiterRedis({ host: '127.0.0.1', port: 6379 });
  await new Promise<void>((resolve) => redis.once('ready', resolve));
  const sections: string[] = [];
  try {
    const memory: Measurement[] = [];
    for (const [name, consume] of memoryLimiters()) memory.push(await measure(name, consume, MEMORY_OPS, 1, KEYS));
    sections.push(table(`In memory (one process, awaited one at a time, ${KEYS} keys)`, memory));
    console.log(sections[sections.length - 1]);

    const sequential: Measurement[] = [];
    for (const [name, consume] of redisLimiters(redis)) sequential.push(await measure(name, consume, REDIS_SEQUENTIAL_OPS, 1, KEYS));
    sections.push(table('Redis, sequential (one call in flight: round-trip bound)', sequential));
    console.log(sections[sections.length - 1]);

    const concurrent: Measurement[] = [];
    for (const [name, consume] of redisLimiters(redis)) concurrent.push(await measure(name, consume, REDIS_CONCURRENT_OPS, IN_FLIGHT, KEYS));
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
    `- date: ${new Date().toISOString()}`,
    `- setup: \`tryAcquire(key)\` (ours) and \`consume(key, 1)\` (rate-limiter-flexible 11) round-robin over ${KEYS} keys, limits`,
    '  high enough that every call takes the admit path (state read and written); the sliding log is',
    '  limited to 100/s per key so its log stays bounded. Each row is preceded by a 10% warm-up run.',
    '  Other engineers share the 2 cores, so expect ±15% between runs.',
  ];
  const out = `${header.join('\n')}\n\n${sections.join('\n\n')}\n`;
  writeFileSync(join(__dirname, '..', 'results', 'rate-limiter.md'), out);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
