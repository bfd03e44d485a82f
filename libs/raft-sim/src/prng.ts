import type { RandomSource } from '@raft/raft-core';

/**
 * A small, fast, seeded pseudo-random generator (SplitMix32-style mixing over a 32-bit
 * Weyl sequence). Every random decision of a simulation flows from one of these, so a
 * seed replays a run exactly. Not cryptographic; statistically fine for fault injection.
 */
export class Prng implements RandomSource {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** The next uniformly distributed 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** A uniformly distributed integer in [0, bound). `bound` must be a positive integer ≤ 2^32. */
  nextInt(bound: number): number {
    if (!(bound >= 1)) throw new RangeError(`nextInt bound must be ≥ 1, got ${bound}`);
    // Multiply-shift maps 32 random bits onto [0, bound) with negligible bias for small bounds.
    return Math.floor((this.nextU32() / 0x1_0000_0000) * bound);
  }

  /** An integer in [lo, hi] inclusive. */
  between(lo: number, hi: number): number {
    return lo + this.nextInt(hi - lo + 1);
  }

  /** A float in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.nextFloat() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty array');
    return items[this.nextInt(items.length)]!;
  }

  /** A Fisher–Yates shuffled copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /**
   * An independent generator derived from this one. Giving each concern (network, faults,
   * each node's election timer) its own stream keeps one concern's draws from shifting
   * another's, which makes traces easier to compare.
   */
  fork(): Prng {
    return new Prng(this.nextU32() ^ 0x5bd1e995);
  }
}
