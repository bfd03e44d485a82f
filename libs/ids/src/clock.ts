/** Milliseconds since the Unix epoch (wall clock). Injected so tests control time. */
export type Clock = () => number;

/** Async sleep; injected so tests can advance a fake clock instead of really waiting. */
export type Sleep = (ms: number) => Promise<void>;

/** Blocking sleep for synchronous code; injected for the same reason as {@link Sleep}. */
export type SleepSync = (ms: number) => void;

/** Monotonic milliseconds from an arbitrary origin; used where only durations matter. */
export type MonotonicClock = () => number;

/** The process wall clock. */
export const systemClock: Clock = () => Date.now();

/** A clock that never goes backwards (NTP steps do not affect it). */
export const monotonicClock: MonotonicClock = () => performance.now();

/** Sleeps on the event loop's timers. */
export const systemSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

// One shared cell: Atomics.wait on a value that never changes parks the thread without
// spinning, which is the only way to block synchronously in Node without burning a core.
const parkingCell = new Int32Array(new SharedArrayBuffer(4));

/** Parks the current thread (blocking the event loop) without busy-waiting. */
export const systemSleepSync: SleepSync = (ms) => {
  if (ms > 0) Atomics.wait(parkingCell, 0, 0, ms);
};
