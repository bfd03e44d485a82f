import { randomInt } from 'node:crypto';
import { xorshiftRandom, type RandomSource } from '@raft/raft-core';

/** The kernel's randomness in a real server: seeded from the OS, but still injected. */
export function seededRandom(): RandomSource {
  return xorshiftRandom(randomInt(1, 0x7fffffff));
}
