import { cpSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry, HardState } from '@raft/raft-core';
import { seededRandom, tempDir } from '../test/helpers';
import { WalCorruptionError } from './errors';
import { FileStorage } from './file-storage';
import { nodeFileSystem } from './fs-seam';
import { scanSegments } from './segment-scanner';

const SEED = Number(process.env['STORAGE_FUZZ_SEED'] ?? 20261207);
const ROUNDS = Number(process.env['STORAGE_FUZZ_ROUNDS'] ?? 25);
const config = { voters: ['n1'], learners: [], outgoing: [] };

/** A seeded integer in [0, n). */
function seededInts(seed: number): (n: number) => number {
  const next = seededRandom(seed);
  return (n) => Math.floor(next() * n);
}

interface Written {
  /** The log after each save, from the first (entries only; the snapshot floor is applied on comparison). */
  readonly history: Entry[][];
  /** New segments that took a spare file. */
  readonly reused: number;
}

/**
 * Writes a WAL with small segments, reused spares, conflicting suffixes and compactions:
 * saves of 1–4 entries of 0–200 bytes, some with a hard state, some replacing the last
 * entries at a higher term, and a snapshot + compaction now and then.
 */
async function writeRandomWal(dir: string, rand: (n: number) => number): Promise<Written> {
  const history: Entry[][] = [];
  let reused = 0;
  const s = await FileStorage.open(dir, { segmentBytes: 2048, preallocateBytes: rand(2) === 0 ? 0 : 512 });
  await s.load();
  let log: Entry[] = [];
  let floor = 0;
  let term = 1;
  const saves = 60 + rand(60);
  for (let k = 0; k < saves; k++) {
    const last = floor + log.length;
    // Now and then a new leader replaces the last few entries.
    const first = rand(8) === 0 && log.length > 3 ? last - rand(3) : last + 1;
    if (first <= last) term++;
    const entries: Entry[] = Array.from({ length: 1 + rand(4) }, (_, i) => ({ index: first + i, term, type: 'normal', data: Buffer.alloc(rand(200), (first + i) & 0xff) }));
    const hard: HardState | null = rand(2) === 0 ? { term, vote: 'n1', commit: Math.max(0, first - 1) } : null;
    const spares = s.spareFiles().length;
    await s.save(hard, entries);
    if (s.spareFiles().length < spares) reused++;
    log = [...log.filter((e) => e.index < first), ...entries];
    history.push(log);
    if (rand(10) === 0 && log.length > 5) {
      const index = floor + log.length - 2;
      const at = log.find((e) => e.index === index)!;
      const w = await s.createSnapshot({ index, term: at.term, config });
      await w.write(Buffer.from(`state@${index}`));
      await w.commit();
      await s.compact(index);
      log = log.filter((e) => e.index > index);
      floor = index;
    }
  }
  await s.close();
  return { history, reused };
}

const describeEntries = (es: readonly Entry[]): string[] => es.map((e) => `${e.index}/${e.term}/${Buffer.from(e.data).toString('hex')}`);

const isPrefix = (a: readonly string[], b: readonly string[]): boolean => a.length <= b.length && a.every((x, i) => x === b[i]);

async function loadOrError(dir: string): Promise<Awaited<ReturnType<FileStorage['load']>> | unknown> {
  const s = await FileStorage.open(dir, { logger: { warn: () => undefined } });
  try {
    return await s.load();
  } catch (e) {
    return e;
  } finally {
    await s.close();
  }
}

describe(`damage fuzz (${ROUNDS} rounds, seed ${SEED}; STORAGE_FUZZ_SEED to replay)`, () => {
  it('a flipped bit before the last segment is always refused; a cut or a flipped bit in the last is refused or leaves a log that was written', async () => {
    const rand = seededInts(SEED);
    let refused = 0;
    let reused = 0;
    let refusedLast = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const t = tempDir();
      try {
        const { history, reused: reusedHere } = await writeRandomWal(join(t.dir, 'original'), rand);
        reused += reusedHere;
        const { segments } = await scanSegments(nodeFileSystem, join(t.dir, 'original', 'wal'), () => undefined);
        const context = `round ${round} (seed ${SEED})`;
        const copy = (name: string): string => {
          cpSync(join(t.dir, 'original'), join(t.dir, name), { recursive: true });
          return join(t.dir, name);
        };
        if (segments.length > 1) {
          // One bit flipped inside the records (preamble included) of a segment before the last.
          const dir = copy('flipped');
          const seg = segments[rand(segments.length - 1)]!;
          const file = join(dir, 'wal', seg.path.slice(seg.path.lastIndexOf('/') + 1));
          const bytes = readFileSync(file);
          const at = rand(seg.size);
          bytes[at]! ^= 1 << rand(8);
          writeFileSync(file, bytes);
          const outcome = await loadOrError(dir);
          if (!(outcome instanceof WalCorruptionError)) throw new Error(`${context}: a flipped bit at byte ${at} of ${file} was not refused`);
          refused++;
        }
        // What loads is a prefix of the log as it stood after some save (a cut can also fall
        // between a truncation and the entries that replace the suffix).
        const wasWritten = (state: Awaited<ReturnType<FileStorage['load']>>): boolean => {
          const floor = state.snapshot?.index ?? 0;
          const recovered = describeEntries(state.entries);
          return history.some((log) => isPrefix(recovered, describeEntries(log.filter((e) => e.index > floor))));
        };
        const last = segments[segments.length - 1]!;
        const lastName = last.path.slice(last.path.lastIndexOf('/') + 1);
        // The last segment cut anywhere in its records (a crash can leave any prefix of it).
        const cutDir = copy('cut');
        truncateSync(join(cutDir, 'wal', lastName), rand(last.size + 1));
        const cutOutcome = await loadOrError(cutDir);
        if (cutOutcome instanceof Error) throw new Error(`${context}: a cut last segment was refused: ${cutOutcome.message}`);
        if (!wasWritten(cutOutcome as Awaited<ReturnType<FileStorage['load']>>)) throw new Error(`${context}: after a cut, the recovered log was never written`);
        // A bit flipped in the last segment's records: refused, or (in its final record, which
        // cannot be told from a torn write) dropped with what follows — never a log that was not written.
        const flipDir = copy('flipped-last');
        const file = join(flipDir, 'wal', lastName);
        const bytes = readFileSync(file);
        const at = rand(last.size);
        bytes[at]! ^= 1 << rand(8);
        writeFileSync(file, bytes);
        const flipOutcome = await loadOrError(flipDir);
        if (flipOutcome instanceof WalCorruptionError) refusedLast++;
        else if (flipOutcome instanceof Error) throw flipOutcome;
        else if (!wasWritten(flipOutcome as Awaited<ReturnType<FileStorage['load']>>)) throw new Error(`${context}: a bit flipped at byte ${at} of the last segment loaded a log that was never written`);
      } finally {
        t.cleanup();
      }
    }
    expect(refused).toBeGreaterThan(ROUNDS / 2);
    expect(refusedLast).toBeGreaterThan(ROUNDS / 2); // most flips are not in the final record
    expect(reused).toBeGreaterThan(ROUNDS); // the damage lands in reused files too
  }, 120_000);
});
