import type { RandomSource } from './options';

/**
 * A small, fast, seedable generator (xorshift32) for the kernel's election jitter. Any
 * seed reproduces the same sequence, which is what makes simulations replayable.
 */
export function xorshiftRandom(seed: number): RandomSource {
  let x = seed >>> 0 || 0x9e3779b9;
  return {
    nextInt(bound: number): number {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x % bound;
    },
  };
}
