/** One call of the thing being measured, for `key`. */
export type Consumer = (key: string) => Promise<void>;

/** Throughput of one benchmark row. */
export interface Measurement {
  readonly name: string;
  readonly ops: number;
  readonly seconds: number;
  readonly perSecond: number;
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

/** Runs `ops` calls with `inFlight` concurrent workers (after a 10% warm-up) and times them. */
export async function measure(name: string, consume: Consumer, ops: number, inFlight: number, keys: number): Promise<Measurement> {
  await run(consume, Math.max(1, Math.round(ops / 10)), inFlight, keys);
  const started = process.hrtime.bigint();
  await run(consume, ops, inFlight, keys);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { name, ops, seconds, perSecond: ops / seconds };
}
