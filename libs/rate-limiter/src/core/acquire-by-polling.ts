import type { Sleep } from './clock';
import type { Decision } from './decision';
import { AcquireTimeoutError } from './errors';
import type { AcquireOptions } from './rate-limiter';
import { requireNonNegativeInteger } from './validate';

/**
 * `acquire` for limiters whose `tryAcquire` reports an exact `retryAfterMs`: try, and if
 * denied sleep exactly until the reported time, then try again. It fails fast — without
 * sleeping — when the reported wait already exceeds what is left of the timeout.
 *
 * Not FIFO: competing waiters race when they wake up (use the leaky-bucket queue for
 * first-come-first-served waiting).
 */
export async function acquireByPolling(
  tryAcquire: () => Promise<Decision>,
  sleep: Sleep,
  now: () => number,
  options: AcquireOptions | undefined,
): Promise<void> {
  const timeoutMs = options?.timeoutMs === undefined ? Infinity : requireNonNegativeInteger('timeoutMs', options.timeoutMs);
  const deadline = now() + timeoutMs;
  for (;;) {
    const decision = await tryAcquire();
    if (decision.allowed) return;
    if (decision.unavailable) throw decision.unavailable;
    const left = deadline - now();
    if (decision.retryAfterMs > left) throw new AcquireTimeoutError(timeoutMs, decision.retryAfterMs);
    await sleep(decision.retryAfterMs);
  }
}
