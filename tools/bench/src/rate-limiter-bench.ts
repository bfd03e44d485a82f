// Rate limiter throughput: decisions/s per algorithm in memory, on Redis with sequential
// awaits and with many calls in flight, next to rate-limiter-flexible on the same Redis in
// the same run. Every row runs in its own forked child process (rate-limiter-worker.ts);
// this parent only interleaves the rounds. Writes tools/bench/results/rate-limiter.md.
//   npx nx run bench:rate-limiter [-- --scale 0.2]
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createLimiterRedis } from '@raft/rate-limiter';
import type { Redis } from 'ioredis';
import { type ForkedRow, forkRow } from './rate-limiter-fork';
import { type Measurement, measureInterleaved, measurePairs, type PairedMeasurement, type PairedRounds, summarizePaired } from './rate-limiter-measure';
import { ROWS, type Store } from './rate-limiter-rows';

const scaleFlag = process.argv.indexOf('--scale');
const scale = scaleFlag === -1 ? 1 : Number(process.argv[scaleFlag + 1]);
if (!(scale > 0)) throw new Error('--scale must be a positive number');
const MEMORY_OPS = Math.round(1_000_000 * scale);
const REDIS_SEQUENTIAL_OPS = Math.round(10_000 * scale);
const REDIS_CONCURRENT_OPS = Math.round(100_000 * scale);
const IN_FLIGHT = 256;
const ROUNDS = 5;
// Head to head: short back-to-back rounds, many pairs, in sessions of fresh processes (see
// summarizePaired).
const SESSIONS = 3;
const PAIRS = 15;
const PAIR_SEQUENTIAL_OPS = Math.max(1, Math.round(2_000 * scale));
const PAIR_CONCURRENT_OPS = Math.max(1, Math.round(20_000 * scale));
const HEAD_TO_HEAD = { ours: 'fixed window', theirs: 'rate-limiter-flexible RateLimiterRedis' } as const;
const KEYS = 1000;
const prefix = `rlbench-${process.pid}`;

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

/** Forks one child per row of `store`, measures them interleaved, then closes them. */
async function section(store: Store, ops: number, inFlight: number): Promise<Measurement[]> {
  const rows: ForkedRow[] = [];
  try {
    // One at a time: children starting up in parallel would only compete for the cores.
    for (const [index, spec] of ROWS[store].entries()) {
      rows.push(await forkRow(spec.name, { store, index, inFlight, keys: KEYS, prefix }));
    }
    return await measureInterleaved(rows, ops, ROUNDS);
  } finally {
    await Promise.all(rows.map((row) => row.close()));
  }
}

/**
 * Our Redis fixed window against rate-limiter-flexible's RateLimiterRedis (also a fixed
 * window), each in its own child, in back-to-back pairs of rounds; {@link SESSIONS} times,
 * with fresh children each time.
 */
async function headToHead(ops: number, inFlight: number): Promise<PairedMeasurement> {
  const index = (name: string) => {
    const i = ROWS.redis.findIndex((spec) => spec.name === name);
    if (i < 0) throw new Error(`no Redis row named ${name}`);
    return i;
  };
  const sessions: PairedRounds[] = [];
  for (let session = 0; session < SESSIONS; session += 1) {
    const rows: ForkedRow[] = [];
    try {
      for (const name of [HEAD_TO_HEAD.ours, HEAD_TO_HEAD.theirs]) {
        rows.push(await forkRow(name, { store: 'redis', index: index(name), inFlight, keys: KEYS, prefix }));
      }
      sessions.push(await measurePairs(rows[0], rows[1], ops, PAIRS));
    } finally {
      await Promise.all(rows.map((row) => row.close()));
    }
  }
  return summarizePaired(HEAD_TO_HEAD.ours, HEAD_TO_HEAD.theirs, ops, sessions);
}

function pairedTable(title: string, results: readonly [string, PairedMeasurement][]): string {
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const lines = [
    `### ${title}`,
    '',
    `| calls in flight | ours, median round | theirs, median round | median of the ${SESSIONS * PAIRS} pairs' ratios | pairs ours ≥ theirs | each session's median ratio |`,
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const [label, r] of results) {
    const sessions = r.sessionMedians.map((ratio) => `${ratio.toFixed(3)}x`).join(', ');
    lines.push(`| ${label} | ${fmt(r.ours.perSecond)} | ${fmt(r.theirs.perSecond)} | ${r.medianRatio.toFixed(3)}x | ${r.oursAhead} of ${r.pairs} | ${sessions} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  // Recorded because the cores are shared: a loaded machine lowers every row, ours and
  // rate-limiter-flexible's alike, so compare rows within one run only.
  const loadAtStart = loadavg()[0];
  const redis = createLimiterRedis({ host: '127.0.0.1', port: 6379 });
  await new Promise<void>((resolve) => redis.once('ready', resolve));
  const sections: string[] = [];
  const report = (text: string) => {
    sections.push(text);
    console.log(text);
  };
  try {
    report(table(`In memory (awaited one at a time, ${KEYS} keys)`, await section('memory', MEMORY_OPS, 1)));
    report(table('Redis, sequential (one call in flight: round-trip bound)', await section('redis', REDIS_SEQUENTIAL_OPS, 1)));
    report(
      table(
        `Redis, concurrent (${IN_FLIGHT} calls in flight on one connection per process, pipelined by ioredis)`,
        await section('redis', REDIS_CONCURRENT_OPS, IN_FLIGHT),
      ),
    );
    report(
      pairedTable(`Redis, head to head: our fixed window vs rate-limiter-flexible (${SESSIONS} sessions of ${PAIRS} pairs of back-to-back rounds, decisions/s)`, [
        [`1 (${PAIR_SEQUENTIAL_OPS.toLocaleString('en-US')} calls per round)`, await headToHead(PAIR_SEQUENTIAL_OPS, 1)],
        [`${IN_FLIGHT} (${PAIR_CONCURRENT_OPS.toLocaleString('en-US')} calls per round)`, await headToHead(PAIR_CONCURRENT_OPS, IN_FLIGHT)],
      ]),
    );
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
    '  limited to 100/s per key so its log stays bounded.',
    '- one process per row: every row, ours and rate-limiter-flexible\'s alike, runs in its own forked',
    '  child process (`rate-limiter-worker.ts`, one limiter instance and, on Redis, its own connection),',
    '  as JMH forks per benchmark: in a shared process the rows would share JIT feedback and heap',
    '  (all our limiters go through one base class, whose call sites would turn megamorphic), so a',
    '  row\'s speed would depend on which rows ran before it. The parent only asks the children, one at',
    '  a time over IPC, to run a batch and report its rate (timed inside the child).',
    `- rounds: after a 10% warm-up per row, each table runs ${ROUNDS} rounds with every row in turn (order`,
    '  alternating) and reports the median round; other engineers share the cores, so compare rows',
    '  within one run, and read the spread column as the noise.',
    `- head to head: the two fixed windows only, ${PAIRS} pairs of back-to-back short rounds (who goes first`,
    '  alternates); a pair\'s ratio compares two rounds a fraction of a second apart, so the machine\'s',
    '  drifts cancel out of it, which the medians of separate rows cannot do. Repeated in',
    `  ${SESSIONS} sessions, each with a fresh pair of processes: a process can keep a bias for its whole`,
    '  life (e.g. which core it shares with Redis), which more pairs in one session would not average out.',
  ];
  const out = `${header.join('\n')}\n\n${sections.join('\n\n')}\n`;
  writeFileSync(join(__dirname, '..', 'results', 'rate-limiter.md'), out);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
