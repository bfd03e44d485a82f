import type { BackoffOptions } from '../options';

/** A source of uniform numbers in [0, 1); injectable so tests can pin the jitter. */
export type RandomFn = () => number;

/**
 * Delay before reconnect attempt number `attempt` (0 = first retry after a failure):
 * "equal jitter" exponential backoff. The ceiling doubles per attempt from `baseMs` up to
 * `capMs`; the delay is uniform in [ceiling/2, ceiling). Half the ceiling is kept fixed so
 * an unlucky draw never turns into a tight reconnect loop; the other half is random so
 * peers that lost a node at the same moment do not all redial it in lock-step.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: RandomFn): number {
  // Clamp the exponent: 2 ** 31 * base already exceeds any sensible cap.
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(attempt, 0), 31));
  const half = ceiling / 2;
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.min(ceiling, Math.floor(half + draw * half));
}
