import { seedConfig } from '../sim/profiles';
import { Simulator, type SimResult } from '../sim/simulator';

/** Seeds [from, from + count) in chunks of `size`, for `it.each` tables. */
export function seedChunks(from: number, count: number, size: number): [number, number][] {
  const chunks: [number, number][] = [];
  for (let s = from; s < from + count; s += size) chunks.push([s, Math.min(size, from + count - s)]);
  return chunks;
}

/**
 * Runs `count` seeds from `from` on `nodes` servers for `ticks` ticks each (with disk writes
 * in flight for up to `slowDisk` ticks, if given). A violation throws a SimulationFailure
 * whose message names the seed and shows the trace tail.
 */
export function sweep(from: number, count: number, nodes: number, ticks: number, slowDisk = 0): SimResult[] {
  const results: SimResult[] = [];
  for (let seed = from; seed < from + count; seed++) results.push(new Simulator(seedConfig(seed, nodes, slowDisk)).run(ticks));
  return results;
}
