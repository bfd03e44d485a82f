/** A manual clock for deterministic tests; `sleep` advances it instead of waiting. */
export class FakeClock {
  constructor(public nowMs = 0) {}

  readonly now = (): number => this.nowMs;

  readonly sleep = async (ms: number): Promise<void> => {
    this.nowMs += ms;
  };

  advance(ms: number): void {
    this.nowMs += ms;
  }

  set(ms: number): void {
    this.nowMs = ms;
  }
}
