/**
 * Throughput of the id generators in libs/ids, with the `bson` package's ObjectId in the
 * same run for comparison. Writes tools/bench/results/ids.md.
 *
 *   npx nx run bench:ids [-- --seconds 2]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ObjectId } from 'bson';
import { Redis } from 'ioredis';
import {
  InMemorySequenceBlockStore,
  ObjectIdGenerator,
  RedisSequenceBlockStore,
  SequenceAllocator,
  SnowflakeGenerator,
  globalScope,
} from '@raft/ids';
import { type IdsBenchRow, measureAsync, measureSync } from './ids-bench-measure';

function secondsArg(): number {
  const index = process.argv.indexOf('--seconds');
  const value = index >= 0 ? Number(process.argv[index + 1]) : 2;
  return Number.isFinite(value) && value > 0 ? value : 2;
}

async function main(): Promise<void> {
  const seconds = secondsArg();
  let checksum = 0;
  const sink = (value: unknown): void => {
    checksum ^= typeof value === 'string' ? value.length : 1;
  };
  const rows: IdsBenchRow[] = [];

  const snowflake = new SnowflakeGenerator({ workerId: 1 });
  rows.push(measureSync('Snowflake (sync) `next()` → bigint', seconds, () => snowflake.next(), sink));
  rows.push(measureSync('Snowflake (sync) `nextString()`', seconds, () => snowflake.nextString(), sink));

  const objectIds = new ObjectIdGenerator();
  rows.push(measureSync('ObjectId (ours) `nextHex()`', seconds, () => objectIds.nextHex(), sink));
  rows.push(measureSync('ObjectId (ours) `nextBytes()`', seconds, () => objectIds.nextBytes(), sink));
  rows.push(measureSync('bson `new ObjectId()`', seconds, () => new ObjectId(), sink));
  rows.push(measureSync('bson `new ObjectId().toHexString()`', seconds, () => new ObjectId().toHexString(), sink));

  const memory = new SequenceAllocator({ store: new InMemorySequenceBlockStore(), step: 1000 });
  rows.push(await measureAsync('Sequence allocator, in-memory store, step 1000', seconds, () => memory.next(globalScope()), sink));

  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const prefix = `ids-bench:${randomUUID()}:`;
  try {
    const onRedis = new SequenceAllocator({ store: new RedisSequenceBlockStore(redis, { keyPrefix: prefix }), step: 1000 });
    rows.push(await measureAsync('Sequence allocator, Redis store, step 1000', seconds, () => onRedis.next(globalScope()), sink));
  } finally {
    await redis.del(`${prefix}global`);
    await redis.quit();
  }

  const report = render(rows, seconds);
  process.stdout.write(report);
  const out = join(__dirname, '..', 'results', 'ids.md');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, report);
  process.stdout.write(`\nwritten to ${out} (checksum ${checksum})\n`);
}

function render(rows: readonly IdsBenchRow[], seconds: number): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# ids benchmark',
    '',
    `- machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`,
    `- command: \`npx nx run bench:ids -- --seconds ${seconds}\` (each row: 200 ms warm-up, then ${seconds} s, one thread)`,
    `- date: ${new Date().toISOString()}`,
    '- note: the machine is shared with other engineers\' builds and tests; treat numbers as ±30 %.',
    '',
    '| operation | ids/s | ns/id |',
    '|---|---:|---:|',
    ...rows.map((row) => `| ${row.name} | ${Math.round(row.opsPerSecond).toLocaleString('en-US')} | ${(1e9 / row.opsPerSecond).toFixed(0)} |`),
    '',
    'Snowflake is capped by its layout at 4 096 ids per ms per worker (4.1 M/s); at that rate',
    'the sync generator spins until the next millisecond. Sequence allocators are awaited one',
    'call at a time; with step 1000 the Redis store costs one round trip per 1000 numbers.',
    '',
  ];
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
