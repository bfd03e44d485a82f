/**
 * Kernel throughput benchmark: a 3-node cluster in one process (in-memory network and
 * storage), 100-byte proposals in batches. Reports committed entries/s and heap bytes
 * allocated per entry, prints a table and writes tools/bench/results/kernel.md.
 *
 *   npx nx run bench:kernel -- --entries 1000000 --batch 256
 *   node --cpu-prof --import tsx tools/bench/src/kernel-bench.ts   # where the time goes
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { measureAllocatedBytes } from './alloc-sampler';
import { BenchCluster, type BenchCounts, type BenchRunOptions } from './bench-cluster';
import { argValue } from './cli-arg';

interface Row {
  readonly batch: number;
  readonly entries: number;
  readonly seconds: number;
  readonly entriesPerSec: number;
  readonly bytesPerEntry: number;
  readonly messagesPerEntry: number;
}

function arg(name: string, fallback: number): number {
  return Number(argValue(name, String(fallback)));
}

function options(entries: number, batch: number): BenchRunOptions {
  return { entries, batch, payloadBytes: 100, window: Math.max(4 * batch, 4096), compactEvery: 50_000 };
}

function check(c: BenchCounts, entries: number): void {
  if (c.committedOnLeader !== entries || c.appliedPerNode.some((n) => n !== entries)) {
    throw new Error(`count mismatch: ${JSON.stringify(c)} (expected ${entries})`);
  }
}

async function measure(entries: number, batch: number): Promise<Row> {
  // Warm-up so the JIT has compiled the hot paths before timing.
  const warm = new BenchCluster();
  warm.run(options(Math.min(entries, 100_000), batch));

  const timed = new BenchCluster();
  timed.electFirst();
  const t0 = process.hrtime.bigint();
  const counts = timed.run(options(entries, batch));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  check(counts, entries);

  const allocEntries = Math.min(entries, 200_000);
  const sampled = new BenchCluster();
  sampled.electFirst();
  let allocCounts: BenchCounts | undefined;
  const bytes = await measureAllocatedBytes(() => (allocCounts = sampled.run(options(allocEntries, batch))));
  check(allocCounts!, allocEntries);
  return {
    batch,
    entries,
    seconds,
    entriesPerSec: entries / seconds,
    bytesPerEntry: bytes / allocEntries,
    messagesPerEntry: counts.messages / entries,
  };
}

function table(rows: readonly Row[]): string {
  const head = '| batch | entries | time (s) | committed entries/s | heap bytes allocated / entry | messages / entry |\n|---:|---:|---:|---:|---:|---:|';
  const body = rows.map(
    (r) =>
      `| ${r.batch} | ${r.entries.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${Math.round(r.entriesPerSec).toLocaleString('en-US')} | ${Math.round(r.bytesPerEntry)} | ${r.messagesPerEntry.toFixed(3)} |`,
  );
  return [head, ...body].join('\n');
}

async function main(): Promise<void> {
  const entries = arg('entries', 1_000_000);
  const batches = process.argv.includes('--batch') ? [arg('batch', 256)] : [16, 64, 256, 1024];
  const rows: Row[] = [];
  for (const batch of batches) {
    const row = await measure(entries, batch);
    rows.push(row);
    console.log(`batch=${batch}: ${Math.round(row.entriesPerSec).toLocaleString('en-US')} entries/s, ${Math.round(row.bytesPerEntry)} B/entry`);
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const md = [
    '# Kernel benchmark',
    '',
    `- machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`,
    `- command: \`npx nx run bench:kernel -- --entries ${entries}${process.argv.includes('--batch') ? ` --batch ${batches[0]}` : ''}\``,
    `- date: ${new Date().toISOString()}`,
    '- setup: 3 RaftKernels in one process, synchronous in-memory network (delivery in rounds, no loss),',
    '  in-memory log arrays as storage, 100-byte payloads proposed with proposeBatch, at most',
    '  max(4×batch, 4096) entries outstanding, logs compacted every 50,000 applied entries.',
    '- committed entries/s: user entries committed on the leader *and* applied on all three nodes,',
    '  divided by wall time of the timed run (after a 100k-entry warm-up run on a separate cluster).',
    '- bytes allocated / entry: V8 sampling heap profiler (inspector `HeapProfiler.startSampling`,',
    '  8 KiB interval, objects collected by minor and major GC included), summed over the run of',
    '  up to 200,000 entries and divided by entries: everything the kernel and host loop allocate,',
    '  including short-lived garbage, excluding the shared payload buffer.',
    '',
    table(rows),
    '',
  ].join('\n');
  console.log(`\n${table(rows)}`);
  const out = join(__dirname, '..', 'results', 'kernel.md');
  writeFileSync(out, md);
  console.log(`\nwritten to ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
