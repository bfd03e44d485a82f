import { seedConfig } from '../sim/profiles';
import { Simulator, type SimResult } from '../sim/simulator';

/** Seeds [from, from + count) in chunks of `size`, for `it.each` tables. */
export function seedChunks(from: number, count: number, size: number): [number, number][] {
  const chunks: [number, number][] = [];
  for (let s = from; s < from + count; s += size) chunks.push([s, Math.min(size, from + count - s)]);
  return chunks;
}

/**
 * Runs `count` seeds from `from` on `nodes` servers for `ticks` ticks each. A violation
 * throws a SimulationFailure whose message names the seed and shows the trace tail.
 */
export function sweep(from: number, count: number, nodes: number, ticks: number): SimResult[] {
  const results: SimResult[] = [];
  for (let seed = from; seed < from + count; seed++) results.push(new Simulator(seedConfig(seed, nodes)).run(ticks));
  return results;
}
