/** Milliseconds since an arbitrary epoch; injected so tests control time. */
export type Clock = () => number;

/** Resolves after `ms` milliseconds; injected so tests can advance a fake clock instead. */
export type Sleep = (ms: number) => Promise<void>;

/** Wall-clock milliseconds (`Date.now`). */
export const systemClock: Clock = () => Date.now();

/** Real timer-based sleep. */
export const systemSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads the clock as whole milliseconds: every algorithm keeps its state in exact integer
 * arithmetic, so a fractional clock (e.g. `performance.now`) is floored once, here.
 */
export function readClock(clock: Clock): number {
  return Math.floor(clock());
}
