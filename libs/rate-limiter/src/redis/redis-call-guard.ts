import { type Sleep, systemSleep } from '../core/clock';
import { allow, type Decision, deny } from '../core/decision';
import { InvalidOptionsError, RateLimiterUnavailableError } from '../core/errors';
import { requireOneOf, requirePositiveInteger } from '../core/validate';
import { DeadlineQueue } from './deadline-queue';
import { type RedisConnection, unsafeClientReason } from './redis-client';
import { RedisScript } from './redis-script';

/**
 * What to answer when Redis cannot decide (connection refused or closed, timeout, error
 * reply). `fail-closed` (the default) denies: overload protection must not vanish when
 * Redis does. `fail-open` admits: availability matters more than the limit.
 */
export type FailurePolicy = 'fail-closed' | 'fail-open';

/** Options shared by every Redis limiter. */
export interface RedisLimiterOptions {
  /** An ioredis client; create it with `createLimiterRedis` (see `unsafeClientReason`). */
  readonly redis: RedisConnection;
  /** Key prefix (no braces); default `rl`. Keys are `<prefix>:{<key>}:<kind>`. */
  readonly prefix?: string;
  /** Default `fail-closed`. Same knob as {@link RedisLimiterOptions.failOpen}; give one or both (agreeing). */
  readonly failurePolicy?: FailurePolicy;
  /**
   * `true` = `failurePolicy: 'fail-open'`, `false` = `'fail-closed'`. Default false
   * (fail-closed). Contradicting `failurePolicy` is an `InvalidOptionsError`.
   */
  readonly failOpen?: boolean;
  /** `retryAfterMs` of a fail-closed decision; default 1000. */
  readonly failClosedRetryAfterMs?: number;
  /** A script not answered within this many ms counts as a failure; default 1000. */
  readonly commandTimeoutMs?: number;
  /** Used by `acquire` to wait; default real timers. */
  readonly sleep?: Sleep;
  /**
   * Accept a client with the offline queue or auto-resend enabled (it may count one
   * request twice after a reconnect). Default false: such a client is rejected.
   */
  readonly allowUnsafeClient?: boolean;
}

/**
 * Validated Redis options plus what every Redis-backed limiter does around a call: key
 * naming with a hash tag, the command timeout and the failure policy.
 */
export class RedisCallGuard {
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly failurePolicy: FailurePolicy;
  readonly sleep: Sleep;
  private readonly failClosedRetryAfterMs: number;
  private readonly deadlines: DeadlineQueue;

  /** @throws InvalidOptionsError */
  constructor(options: RedisLimiterOptions) {
    if (options?.redis === undefined) throw new InvalidOptionsError('redis (an ioredis client) is required');
    const unsafe = unsafeClientReason(options.redis);
    if (unsafe !== undefined && options.allowUnsafeClient !== true) {
      throw new InvalidOptionsError(`unsafe Redis client: ${unsafe} (a request could be counted twice after a reconnect); use createLimiterRedis()`);
    }
    this.redis = options.redis;
    this.prefix = options.prefix ?? 'rl';
    if (this.prefix.length === 0 || /[{}]/.test(this.prefix)) throw new InvalidOptionsError('prefix must be non-empty and contain no braces');
    this.failurePolicy = resolveFailurePolicy(options);
    this.failClosedRetryAfterMs = requirePositiveInteger('failClosedRetryAfterMs', options.failClosedRetryAfterMs ?? 1000);
    const commandTimeoutMs = requirePositiveInteger('commandTimeoutMs', options.commandTimeoutMs ?? 1000);
    this.deadlines = new DeadlineQueue(
      commandTimeoutMs,
      () => new RateLimiterUnavailableError(`Redis did not answer within ${commandTimeoutMs} ms`),
    );
    this.sleep = options.sleep ?? systemSleep;
  }

  /**
   * The Redis keys of `key`, one per kind, all sharing the hash tag `{key}` so that one
   * script's keys always live in one Redis Cluster slot.
   */
  keysFor(key: string, kinds: readonly string[]): string[] {
    return kinds.map((kind) => `${this.prefix}:{${key}}:${kind}`);
  }

  /** The decision the failure policy gives when Redis failed with `error`. */
  failureDecision(limit: number, error: unknown): Decision {
    const unavailable = this.unavailable(error);
    const base = this.failurePolicy === 'fail-open' ? allow(limit, 0, 0) : deny(limit, 0, this.failClosedRetryAfterMs, 0);
    return { ...base, unavailable };
  }

  /** Wraps any failure as a RateLimiterUnavailableError. */
  unavailable(error: unknown): RateLimiterUnavailableError {
    if (error instanceof RateLimiterUnavailableError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new RateLimiterUnavailableError(`Redis unavailable: ${message}`, { cause: error });
  }

  /**
   * Rejects if `promise` does not settle within the command timeout. The command may still
   * run later; it is never re-sent, so it counts at most once.
   */
  withTimeout<T>(promise: Promise<T>): Promise<T> {
    return this.deadlines.run(promise);
  }

  /**
   * A script on this connection whose every run is timed by the command timeout (a script
   * that times out may still run later; it is never re-sent, so it counts at most once).
   */
  script(name: string, numberOfKeys: number, lua: string): RedisScript {
    return new RedisScript(this.redis, name, numberOfKeys, lua, this.deadlines);
  }
}

/** Reconciles `failurePolicy` and `failOpen`. @throws InvalidOptionsError */
function resolveFailurePolicy(options: RedisLimiterOptions): FailurePolicy {
  const policies = ['fail-closed', 'fail-open'] as const;
  const named = options.failurePolicy === undefined ? undefined : requireOneOf('failurePolicy', options.failurePolicy, policies);
  if (options.failOpen === undefined) return named ?? 'fail-closed';
  if (typeof options.failOpen !== 'boolean') throw new InvalidOptionsError(`failOpen must be a boolean, got ${String(options.failOpen)}`);
  const flagged: FailurePolicy = options.failOpen ? 'fail-open' : 'fail-closed';
  if (named !== undefined && named !== flagged) {
    throw new InvalidOptionsError(`failOpen: ${options.failOpen} contradicts failurePolicy: '${named}'`);
  }
  return flagged;
}
