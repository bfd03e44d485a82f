/**
 * A hand-driven clock for tests. `sleep`/`sleepSync` advance it instead of waiting and
 * record every requested duration, so tests assert exactly how long a generator waited.
 */
export class FakeTime {
  readonly sleeps: number[] = [];

  constructor(public nowMs: number) {}

  readonly clock = (): number => this.nowMs;

  readonly sleepSync = (ms: number): void => {
    this.sleeps.push(ms);
    this.nowMs += ms;
  };

  /** Like a timer: wakes at call time + `ms`, so many concurrent sleepers advance the clock once. */
  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    const wakeAt = this.nowMs + ms;
    await Promise.resolve();
    this.nowMs = Math.max(this.nowMs, wakeAt);
  };
}
