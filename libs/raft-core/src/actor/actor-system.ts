import type { ActorFactory, ActorFailure, ActorRef, DeadLetter, SpawnOptions, Termination } from './actor';
import { ActorCell, type CellHost, type ParentLink } from './actor-cell';
import { ActorSystemShutDownError, DuplicateActorNameError } from './errors';
import { checkActorName } from './names';
import type { Cancel, Scheduler } from './scheduler';

/** Options of {@link ActorSystem}. */
export interface ActorSystemOptions {
  /** Source of time and timers: `RealScheduler` in servers, `VirtualScheduler` in simulations. */
  readonly scheduler: Scheduler;
  /**
   * Receives every failure: messages dropped by a failing `receive`, failed starts, errors
   * in `postStop`, escalations of top-level actors and actors whose restarts ran out.
   * Called synchronously; must not throw.
   */
  readonly onError?: (failure: ActorFailure) => void;
  /** Receives messages that were never delivered (stopped actor, `drop-oldest` overflow). */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
}

/** Options of {@link ActorSystem.stop} and {@link ActorSystem.shutdown}. */
export interface StopOptions {
  /** Handle the messages already queued before stopping (default: true for shutdown, false for stop). */
  readonly drain?: boolean;
}

/**
 * Spawns, names, stops and supervises actors on one injected {@link Scheduler}.
 *
 * Guarantees: each actor handles one message at a time in mailbox (FIFO) order; mailboxes
 * are bounded; a failing actor is restarted, stopped or escalated per its strategy; with a
 * `VirtualScheduler` a scenario replays identically (the runtime itself only uses
 * microtasks and the injected scheduler).
 */
export class ActorSystem {
  readonly scheduler: Scheduler;
  private readonly cells = new Map<string, ActorCell<never>>();
  private readonly host: CellHost;
  private shutDown = false;

  constructor(private readonly options: ActorSystemOptions) {
    this.scheduler = options.scheduler;
    this.host = {
      scheduler: options.scheduler,
      reportFailure: (failure) => this.options.onError?.(failure),
      deadLetter: (letter) => this.options.onDeadLetter?.(letter),
      spawnCell: (name, factory, spawnOptions, parent) => this.createCell(name, factory, spawnOptions, parent),
      release: (name) => this.cells.delete(name),
    };
  }

  /**
   * Starts a top-level actor. The factory runs (and `preStart` is awaited) before the first
   * message is delivered; messages told meanwhile are queued.
   * @throws DuplicateActorNameError if a live actor has this name.
   * @throws ActorSystemShutDownError after {@link shutdown}.
   */
  spawn<M>(name: string, factory: ActorFactory<M>, options?: SpawnOptions): ActorRef<M> {
    checkActorName(name);
    return this.createCell(name, factory, options, null);
  }

  /**
   * The live actor with this name (children: `parent/child`). The type parameter is the
   * caller's claim about the actor's message type; it is not checked at run time.
   */
  lookup<M>(name: string): ActorRef<M> | undefined {
    return this.cells.get(name) as ActorRef<M> | undefined;
  }

  /** Names of all live actors, in spawn order. */
  get names(): string[] {
    return [...this.cells.keys()];
  }

  /**
   * Stops an actor (and its children). Resolves with its termination once `postStop` has
   * run; resolves with undefined if no such actor is alive.
   */
  async stop(target: string | ActorRef<unknown>, options: StopOptions = {}): Promise<Termination | undefined> {
    const name = typeof target === 'string' ? target : target.name;
    const cell = this.cells.get(name);
    if (!cell || (typeof target !== 'string' && (cell as ActorRef<never>) !== target)) return undefined;
    return cell.stop(options.drain ?? false);
  }

  /** Calls `listener` once when `ref` terminates, unless cancelled first. */
  watch(ref: ActorRef<unknown>, listener: (termination: Termination) => void): Cancel {
    let active = true;
    void ref.terminated.then((termination) => {
      if (active) listener(termination);
    });
    return () => {
      active = false;
    };
  }

  /**
   * Refuses new spawns, stops every actor (parents stop their children) and resolves when
   * all have terminated. By default queued messages are handled first; in-progress messages
   * are always allowed to finish.
   */
  async shutdown(options: StopOptions = {}): Promise<void> {
    this.shutDown = true;
    const drain = options.drain ?? true;
    const topLevel = [...this.cells.values()].filter((cell) => !cell.name.includes('/'));
    await Promise.all(topLevel.map((cell) => cell.stop(drain)));
    // Parents stop their children, so this normally finds nothing; it is a safety net.
    while (this.cells.size > 0) {
      await Promise.all([...this.cells.values()].map((cell) => cell.stop(drain)));
    }
  }

  private createCell<M>(
    name: string,
    factory: ActorFactory<M>,
    options: SpawnOptions | undefined,
    parent: ParentLink | null,
  ): ActorCell<M> {
    if (this.shutDown) throw new ActorSystemShutDownError();
    if (this.cells.has(name)) throw new DuplicateActorNameError(name);
    const cell = new ActorCell<M>(name, factory, options, this.host, parent);
    this.cells.set(name, cell as unknown as ActorCell<never>);
    return cell;
  }
}
