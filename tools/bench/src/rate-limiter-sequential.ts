// One limiter, one call at a time on Redis, in a process of its own: calls/s and this
// process's CPU per call. For profiling the client side of a round trip, ours against
// rate-limiter-flexible's, e.g. (then sum the profile with cpu-profile-summary.ts):
//   TSX_TSCONFIG_PATH=tools/bench/tsconfig.json node --cpu-prof --cpu-prof-dir=/tmp/prof/ours \
//     --cpu-prof-interval=200 --import tsx tools/bench/src/rate-limiter-sequential.ts ours
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/cpu-profile-summary.ts \
//     /tmp/prof/ours/*.cpuprofile --per 35000
import { createLimiterRedis, RedisFixedWindow } from '@raft/rate-limiter';
import { RateLimiterRedis } from 'rate-limiter-flexible';

const WARM_UP = 5_000;
const CALLS = 30_000;
const KEYS = 1000;

async function main(): Promise<void> {
  const which = process.argv[2];
  if (which !== 'ours' && which !== 'flexible') throw new Error('usage: rate-limiter-sequential.ts ours|flexible');
  const prefix = `rlseq-${process.pid}`;
  const redis = createLimiterRedis({ host: '127.0.0.1', port: 6379 });
  await new Promise<void>((resolve) => redis.once('ready', resolve));
  try {
    const ours = new RedisFixedWindow({ limit: 1_000_000_000, windowMs: 60_000 }, { redis, prefix });
    const flexible = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}-rlf`, points: 1_000_000_000, duration: 60 });
    const call = which === 'ours' ? (key: string) => ours.tryAcquire(key) : (key: string) => flexible.consume(key, 1);
    for (let i = 0; i < WARM_UP; i += 1) await call(`k${i % KEYS}`);
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < CALLS; i += 1) await call(`k${i % KEYS}`);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const perCall = (us: number) => (us / CALLS).toFixed(1);
    console.log(`${which}: ${(CALLS / seconds).toFixed(0)} calls/s; CPU per call ${perCall(used.user + used.system)} µs (user ${perCall(used.user)}, system ${perCall(used.system)})`);
  } finally {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
