/** One benchmark row: operations per second of a named operation. */
export interface IdsBenchRow {
  readonly name: string;
  readonly opsPerSecond: number;
  readonly ops: number;
}

/**
 * Runs `op` in batches for about `seconds` (after a short warm-up so the JIT has compiled
 * it) and reports the rate. `sink` receives results so the work cannot be optimised away.
 */
export function measureSync(name: string, seconds: number, op: () => unknown, sink: (value: unknown) => void): IdsBenchRow {
  const batch = 10_000;
  const warmUpEnd = performance.now() + 200;
  while (performance.now() < warmUpEnd) for (let i = 0; i < batch; i++) sink(op());
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < batch; i++) sink(op());
    ops += batch;
  }
  return { name, ops, opsPerSecond: ops / ((performance.now() - start) / 1000) };
}

/** Like {@link measureSync} for async operations, awaited one at a time. */
export async function measureAsync(name: string, seconds: number, op: () => Promise<unknown>, sink: (value: unknown) => void): Promise<IdsBenchRow> {
  const batch = 1_000;
  const warmUpEnd = performance.now() + 200;
  while (performance.now() < warmUpEnd) for (let i = 0; i < batch; i++) sink(await op());
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < batch; i++) sink(await op());
    ops += batch;
  }
  return { name, ops, opsPerSecond: ops / ((performance.now() - start) / 1000) };
}
