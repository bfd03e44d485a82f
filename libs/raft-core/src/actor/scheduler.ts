/** Cancels a scheduled timer. Idempotent; cancelling a timer that already fired is a no-op. */
export type Cancel = () => void;

/**
 * The only source of time and timers for actors. Injected so the same actors run on real
 * timers in a server and on virtual time in a simulator.
 */
export interface Scheduler {
  /** Milliseconds on a monotonic clock (not wall-clock time; never goes backwards). */
  now(): number;
  /** Runs `fn` once, `delayMs` (≥ 0) from now. */
  schedule(delayMs: number, fn: () => void): Cancel;
  /** Runs `fn` every `intervalMs` (> 0), first `intervalMs` from now, until cancelled. */
  scheduleRepeating(intervalMs: number, fn: () => void): Cancel;
}
