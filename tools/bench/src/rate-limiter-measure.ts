/** One call of the thing being measured, for `key`. */
export type Consumer = (key: string) => Promise<void>;

/** Throughput of one benchmark row, over several interleaved rounds. */
export interface Measurement {
  readonly name: string;
  /** Operations over all rounds (warm-up excluded). */
  readonly ops: number;
  /** Median of the rounds' decisions/s. */
  readonly perSecond: number;
  /** Slowest and fastest round's decisions/s: how much the shared machine moved. */
  readonly minPerSecond: number;
  readonly maxPerSecond: number;
}

/**
 * A benchmark row as the interleaving sees it (in the benchmark: a forked child process
 * that owns the row's limiter).
 */
export interface Row {
  readonly name: string;
  /** Runs `ops` calls, untimed. */
  warmUp(ops: number): Promise<void>;
  /** Runs `ops` calls and resolves to their decisions/s. */
  round(ops: number): Promise<number>;
}

/** Calls `consume` `ops` times over round-robin keys `k0…k<keys−1>`, `inFlight` at a time. */
export async function run(consume: Consumer, ops: number, inFlight: number, keys: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ops) {
      const i = next;
      next += 1;
      await consume(`k${i % keys}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, ops) }, worker));
}

/** {@link run}, timed: resolves to calls per second. */
export async function timed(consume: Consumer, ops: number, inFlight: number, keys: number): Promise<number> {
  const started = process.hrtime.bigint();
  await run(consume, ops, inFlight, keys);
  return ops / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Median (upper median for an even count), slowest and fastest of a row's round rates. */
export function summarize(name: string, ops: number, rates: readonly number[]): Measurement {
  if (rates.length === 0) throw new Error(`no rounds for ${name}`);
  const sorted = [...rates].sort((a, b) => a - b);
  return {
    name,
    ops,
    perSecond: sorted[Math.floor(sorted.length / 2)],
    minPerSecond: sorted[0],
    maxPerSecond: sorted[sorted.length - 1],
  };
}

/**
 * Measures every row over `rounds` rounds of `ops / rounds` calls, taking the rows in turn
 * within each round (alternating the order), after a 10% warm-up each. On shared cores the
 * load changes during a run; interleaving spreads those changes over every row instead of
 * letting them land on whichever row happened to run then, and the median discards the
 * outlier rounds.
 */
export async function measureInterleaved(rows: readonly Row[], ops: number, rounds: number): Promise<Measurement[]> {
  const perRound = Math.max(1, Math.round(ops / rounds));
  for (const row of rows) await row.warmUp(Math.max(1, Math.round(ops / 10)));
  const rates = rows.map((): number[] => []);
  for (let round = 0; round < rounds; round += 1) {
    const order = rows.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) rates[i].push(await rows[i].round(perRound));
  }
  return rows.map((row, i) => summarize(row.name, perRound * rounds, rates[i]));
}

/** Two rows measured in back-to-back pairs: each side's rounds and the pairs' ratios. */
export interface PairedMeasurement {
  readonly ours: Measurement;
  readonly theirs: Measurement;
  /** Median of the per-pair ratios ours ÷ theirs. */
  readonly medianRatio: number;
  /** Pairs in which ours was at least as fast. */
  readonly oursAhead: number;
  readonly pairs: number;
  /** Median pair ratio of each session (one per pair of processes), in order. */
  readonly sessionMedians: readonly number[];
}

/** The rates of one session's pairs of rounds, `ours[i]` next to `theirs[i]`. */
export interface PairedRounds {
  readonly ours: readonly number[];
  readonly theirs: readonly number[];
}

/**
 * Runs `ours` against `theirs` in `pairs` pairs of back-to-back rounds of `ops` calls
 * (which one goes first alternates), after a warm-up of `ops` calls each. The per-pair
 * ratio compares two rounds a fraction of a second apart, so the machine's slower drifts
 * cancel out of it.
 */
export async function measurePairs(ours: Row, theirs: Row, ops: number, pairs: number): Promise<PairedRounds> {
  await ours.warmUp(ops);
  await theirs.warmUp(ops);
  const oursRates: number[] = [];
  const theirsRates: number[] = [];
  for (let pair = 0; pair < pairs; pair += 1) {
    if (pair % 2 === 0) {
      oursRates.push(await ours.round(ops));
      theirsRates.push(await theirs.round(ops));
    } else {
      theirsRates.push(await theirs.round(ops));
      oursRates.push(await ours.round(ops));
    }
  }
  return { ours: oursRates, theirs: theirsRates };
}

/**
 * Combines sessions of pairs into one comparison: the median of every pair's ratio, and
 * each session's own median. Several sessions, each with fresh processes, are needed
 * because a process can keep a bias for its whole life (e.g. which core it shares with
 * Redis), which no number of pairs inside one session averages out.
 */
export function summarizePaired(oursName: string, theirsName: string, ops: number, sessions: readonly PairedRounds[]): PairedMeasurement {
  const ratiosOf = (session: PairedRounds) => session.ours.map((rate, i) => rate / session.theirs[i]);
  const median = (values: readonly number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  const ratios = sessions.flatMap(ratiosOf);
  const oursRates = sessions.flatMap((session) => session.ours);
  const theirsRates = sessions.flatMap((session) => session.theirs);
  if (ratios.length === 0) throw new Error('no pairs to summarize');
  return {
    ours: summarize(oursName, ops * oursRates.length, oursRates),
    theirs: summarize(theirsName, ops * theirsRates.length, theirsRates),
    medianRatio: median(ratios),
    oursAhead: ratios.filter((r) => r >= 1).length,
    pairs: ratios.length,
    sessionMedians: sessions.map((session) => median(ratiosOf(session))),
  };
}

/** One session of {@link measurePairs}, summarized. */
export async function measurePaired(ours: Row, theirs: Row, ops: number, pairs: number): Promise<PairedMeasurement> {
  return summarizePaired(ours.name, theirs.name, ops, [await measurePairs(ours, theirs, ops, pairs)]);
}
