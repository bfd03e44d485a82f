/**
 * Storage benchmark: FileStorage append throughput with group commit (100 B and 4 KiB
 * entries; 1, 8, 64 concurrent proposers, each awaiting its save before the next) and time
 * to durable, against the raw limit of the same disk measured in the same run: a plain
 * write + fdatasync loop with exactly the batch size group commit produced (bytes written ÷
 * fdatasyncs, counted through the storage's filesystem seam). Every row runs twice: from an
 * empty WAL, and with the WAL in the steady state of a long-running node (compacted
 * segments' files reused; see runAppend). Writes tools/bench/results/storage.md.
 *
 *   npx nx run bench:storage -- --seconds 3 [--dir /path/on/the/disk/to/test] [--wal empty|steady|both]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { runRaw, runRawAsync, type RawResult } from './storage-raw';
import { runAppend, type AppendResult } from './storage-workload';
import { argValue } from './cli-arg';

interface Row {
  readonly fs: AppendResult;
  readonly raw: RawResult;
  readonly rawAsync: RawResult;
}


/** Slices per row: FileStorage and the raw loop alternate, so disk noise hits both alike. */
const ROUNDS = 6;

const num = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** FileStorage's rate relative to the raw loop at the same batch size (= syncs/s ratio). */
const ratio = (r: Pick<Row, 'fs'>, raw: RawResult): number => r.fs.syncs / r.fs.seconds / (raw.syncs / raw.seconds);

function table(rows: readonly Row[]): string {
  const head = [
    '| WAL | entry | proposers | entries/s | payload MB/s | p50 ms | p99 ms | fdatasyncs/s | entries / sync | bytes / sync | raw fdatasyncs/s (same bytes) | raw MB/s | FileStorage ÷ raw | async raw fdatasyncs/s | FileStorage ÷ async raw | new segments (reused files) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const body = rows.map(({ fs, raw, rawAsync }) => {
    const eps = fs.entries / fs.seconds;
    const rawSyncs = raw.syncs / raw.seconds;
    return `| ${fs.steady ? 'steady' : 'empty'} | ${fs.entrySize === 100 ? '100 B' : '4 KiB'} | ${fs.proposers} | ${num(eps)} | ${num((eps * fs.entrySize) / 1e6, 2)} | ${num(fs.p50, 2)} | ${num(fs.p99, 2)} | ${num(fs.syncs / fs.seconds)} | ${num(fs.entries / fs.syncs, 1)} | ${num(fs.walBytes / fs.syncs)} | ${num(rawSyncs)} | ${num((rawSyncs * raw.batchBytes) / 1e6, 2)} | ${ratio({ fs }, raw).toFixed(2)}x | ${num(rawAsync.syncs / rawAsync.seconds)} | ${ratio({ fs }, rawAsync).toFixed(2)}x | ${fs.segmentsStarted} (${fs.segmentsReused}) |`;
  });
  return [...head, ...body].join('\n');
}

/** One row: FileStorage slices with the raw loops' slices between them, at the same bytes per sync. */
async function measureRow(base: string, steady: boolean, entrySize: number, proposers: number, seconds: number): Promise<Row> {
  const dir = join(base, `fs-${entrySize}-${proposers}-${steady ? 'steady' : 'empty'}`);
  const slices: RawResult[] = [];
  const asyncSlices: RawResult[] = [];
  const between = async (bytesPerSync: number): Promise<void> => {
    slices.push(runRaw(join(base, 'raw.bin'), bytesPerSync, seconds / ROUNDS));
    asyncSlices.push(await runRawAsync(join(base, 'raw-async.bin'), bytesPerSync, seconds / ROUNDS));
    rmSync(join(base, 'raw.bin'), { force: true });
    rmSync(join(base, 'raw-async.bin'), { force: true });
  };
  const fs = await runAppend(dir, entrySize, proposers, seconds, ROUNDS, between, steady);
  rmSync(dir, { recursive: true, force: true });
  const sum = (xs: RawResult[]): RawResult => ({ batchBytes: Math.round(fs.walBytes / fs.syncs), syncs: xs.reduce((n, r) => n + r.syncs, 0), seconds: xs.reduce((n, r) => n + r.seconds, 0) });
  return { fs, raw: sum(slices), rawAsync: sum(asyncSlices) };
}

async function main(): Promise<void> {
  const seconds = Number(argValue('seconds', '3'));
  const base = mkdtempSync(join(argValue('dir', tmpdir()), 'storage-bench-'));
  const rows: Row[] = [];
  try {
    const wal = argValue('wal', 'both');
    if (!['empty', 'steady', 'both'].includes(wal)) throw new Error(`--wal must be empty, steady or both, got ${wal}`);
    for (const steady of [false, true].filter((st) => wal === 'both' || (wal === 'steady') === st)) {
      for (const entrySize of [100, 4096]) {
        for (const proposers of [1, 8, 64]) {
          const row = await measureRow(base, steady, entrySize, proposers, seconds);
          rows.push(row);
          const { fs, raw, rawAsync } = row;
          console.log(`${steady ? 'steady' : 'empty'} WAL, ${entrySize} B × ${proposers}: ${num(fs.entries / fs.seconds)} entries/s, ${num(fs.entries / fs.syncs, 1)} entries/sync, ratio ${ratio({ fs }, raw).toFixed(2)}x (async raw ${ratio({ fs }, rawAsync).toFixed(2)}x)`);
        }
      }
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const md = [
    '# Storage benchmark',
    '',
    `- machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`,
    `- disk: the filesystem holding \`${argValue('dir', tmpdir())}\``,
    `- command: \`npx nx run bench:storage -- --seconds ${seconds}${process.argv.includes('--dir') ? ` --dir ${argValue('dir', '')}` : ''}${process.argv.includes('--wal') ? ` --wal ${argValue('wal', '')}` : ''}\``,
    `- date: ${new Date().toISOString()}`,
    `- FileStorage: default options (64 MiB segments, 2 spare segments kept for reuse), single-entry \`save(null, [entry])\` calls; each proposer awaits`,
    `  its save before the next; ${seconds} s per row after 20 warm-up saves. Time to durable = save called →`,
    '  promise resolved (the durable write covering it returned). FileStorage makes one positioned `writev`',
    '  per group commit on an `O_DSYNC` segment (one libuv thread-pool round trip), over zeros it wrote ahead',
    '  while commits average under 64 KiB (`PREALLOCATE_BELOW_AVERAGE_WRITE`); its "fdatasyncs" are those durable writes (zero-fills not counted).',
    '- WAL "empty": the WAL starts empty and is never compacted, so every new segment is a new file (zero-filled ahead',
    '  while commits are small). WAL "steady": the state of a long-running node\'s WAL: before the row, segments are',
    '  filled with large saves, snapshotted and compacted, so spare segment files wait to be reused; during the row a',
    '  snapshot is taken and the log compacted to the last durable index whenever a segment has filled (snapshot and',
    '  compaction writes run beside the proposers and are part of the row\'s time). New segments then reuse compacted',
    '  segments\' files: every commit overwrites blocks already written, nothing is zero-filled.',
    '- raw: in the same run, interleaved with FileStorage (6 alternating slices per row, so a shared disk\'s',
    '  varying load hits both alike), a synchronous `write` + `fdatasync` loop on a fresh file opened for',
    '  appending, each write "bytes / sync" long: the WAL bytes FileStorage wrote (framing included) divided',
    '  by the syncs it issued so far, both counted through its filesystem seam.',
    '- async raw: the same loop through Node\'s asynchronous `fs.write` + `fs.fdatasync` (two libuv thread-pool',
    '  round trips per sync: what FileStorage did before it used `O_DSYNC`), interleaved likewise.',
    '- FileStorage ÷ raw: syncs per second of FileStorage over those of the raw loop; both write the same',
    '  bytes per sync, so this is also the ratio of bytes/s and entries/s. Goal ≥ 0.8x.',
    '',
    table(rows),
    '',
  ].join('\n');
  console.log(`\n${table(rows)}`);
  const out = join(__dirname, '..', 'results', 'storage.md');
  writeFileSync(out, md);
  console.log(`\nwritten to ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
