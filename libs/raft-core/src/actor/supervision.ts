import { InvalidActorOptionError } from './errors';

/**
 * What happens to an actor whose `receive` (or `preStart`) throws or rejects:
 * - `restart`: discard the instance, create a fresh one from the factory (which reloads
 *   persisted state), drop the failing message, keep the rest of the mailbox;
 * - `stop`: stop the actor; queued messages become dead letters;
 * - `escalate`: stop the actor and fail its parent with a `ChildFailedError` (the parent's
 *   own strategy then decides); a top-level actor escalates to the system's error hook.
 */
export type SupervisorDirective = 'restart' | 'stop' | 'escalate';

/** Exponential backoff between restarts, in scheduler milliseconds. */
export interface BackoffOptions {
  /** Delay before the first restart in a window; 0 restarts at once. Default 0. */
  readonly initialMs: number;
  /** Upper bound of the doubling delay. Default 1000. */
  readonly maxMs: number;
}

/** How an actor is supervised. */
export interface SupervisorStrategy {
  /** Picks the directive for a failure; default always `restart`. */
  readonly decide: (error: unknown) => SupervisorDirective;
  /** At most this many restarts within `withinMs`; one more failure stops the actor. Default 10. */
  readonly maxRestarts: number;
  /** Sliding window, in scheduler time, for `maxRestarts`. Default 60 000. */
  readonly withinMs: number;
  readonly backoff: BackoffOptions;
}

/** A directive, or a partial strategy whose missing fields take the defaults. */
export type SupervisorOption = SupervisorDirective | Partial<SupervisorStrategy>;

export const DEFAULT_SUPERVISOR_STRATEGY: SupervisorStrategy = {
  decide: () => 'restart',
  maxRestarts: 10,
  withinMs: 60_000,
  backoff: { initialMs: 0, maxMs: 1000 },
};

/** Fills in defaults and validates. */
export function resolveSupervisor(option: SupervisorOption | undefined): SupervisorStrategy {
  const partial: Partial<SupervisorStrategy> =
    typeof option === 'string' ? { decide: () => option } : (option ?? {});
  const strategy: SupervisorStrategy = { ...DEFAULT_SUPERVISOR_STRATEGY, ...partial };
  const { maxRestarts, withinMs, backoff } = strategy;
  if (!Number.isInteger(maxRestarts) || maxRestarts < 0) {
    throw new InvalidActorOptionError(`maxRestarts must be a non-negative integer, got ${maxRestarts}`);
  }
  if (!(withinMs > 0)) throw new InvalidActorOptionError(`withinMs must be > 0, got ${withinMs}`);
  if (!(backoff.initialMs >= 0) || !(backoff.maxMs >= backoff.initialMs)) {
    throw new InvalidActorOptionError(`backoff needs 0 ≤ initialMs ≤ maxMs, got ${JSON.stringify(backoff)}`);
  }
  return strategy;
}

/**
 * Counts restarts in a sliding window of scheduler time and computes the backoff delay:
 * initialMs · 2^(restarts already in the window), capped at maxMs.
 */
export class RestartBudget {
  private readonly restarts: number[] = [];

  constructor(private readonly strategy: SupervisorStrategy) {}

  /** Restarts counted in the window ending at `now`. */
  countAt(now: number): number {
    this.forgetBefore(now - this.strategy.withinMs);
    return this.restarts.length;
  }

  /**
   * Records a restart at `now` and returns its delay, or returns null when the budget is
   * exhausted (the actor must stop instead).
   */
  tryRestart(now: number): number | null {
    const recent = this.countAt(now);
    if (recent >= this.strategy.maxRestarts) return null;
    this.restarts.push(now);
    const { initialMs, maxMs } = this.strategy.backoff;
    return Math.min(maxMs, initialMs * 2 ** recent);
  }

  private forgetBefore(threshold: number): void {
    // Strictly older than the window start; timestamps are pushed in non-decreasing order.
    while (this.restarts.length > 0 && this.restarts[0] <= threshold) this.restarts.shift();
  }
}
