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

async function run(consume: Consumer, ops: number, inFlight: number, keys: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ops) {
      const i = next;
      next += 1;
      await consume(`k${i % keys}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

async function timed(consume: Consumer, ops: number, inFlight: number, keys: number): Promise<number> {
  const started = process.hrtime.bigint();
  await run(consume, ops, inFlight, keys);
  return ops / (Number(process.hrtime.bigint() - started) / 1e9);
}

/**
 * Measures every consumer over `rounds` rounds of `ops / rounds` calls, taking the
 * consumers in turn within each round (alternating the order), after a 10% warm-up each.
 * On shared cores the load changes during a run; interleaving spreads those changes over
 * every row instead of letting them land on whichever row happened to run then, and the
 * median discards the outlier rounds.
 */
export async function measureInterleaved(
  consumers: readonly (readonly [string, Consumer])[],
  ops: number,
  inFlight: number,
  keys: number,
  rounds: number,
): Promise<Measurement[]> {
  const perRound = Math.max(1, Math.round(ops / rounds));
  for (const [, consume] of consumers) await run(consume, Math.max(1, Math.round(ops / 10)), inFlight, keys);
  const rates = consumers.map((): number[] => []);
  for (let round = 0; round < rounds; round += 1) {
    const order = consumers.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) rates[i].push(await timed(consumers[i][1], perRound, inFlight, keys));
  }
  return consumers.map(([name], i) => {
    const sorted = [...rates[i]].sort((a, b) => a - b);
    return {
      name,
      ops: perRound * rounds,
      perSecond: sorted[Math.floor(sorted.length / 2)],
      minPerSecond: sorted[0],
      maxPerSecond: sorted[sorted.length - 1],
    };
  });
}
