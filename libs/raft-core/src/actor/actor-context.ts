import type { ActorContext, ActorFactory, ActorRef, SpawnOptions, Termination } from './actor';
import type { Cancel, Scheduler } from './scheduler';

/** What an incarnation's context needs from its cell. */
export interface ContextOwner<M> {
  readonly self: ActorRef<M>;
  readonly scheduler: Scheduler;
  /** Delivers a self-addressed message (timer or watch), dead-lettering it if it cannot be queued. */
  deliverToSelf(message: M): void;
  spawnChild<C>(name: string, factory: ActorFactory<C>, options: SpawnOptions | undefined): ActorRef<C>;
  stopSelf(): void;
}

/**
 * The context of one incarnation. It owns that incarnation's timers and watches, so
 * `dispose()` at stop or restart cancels them all and no stale timer reaches a new instance.
 */
export class IncarnationContext<M> implements ActorContext<M> {
  private readonly cancels = new Set<Cancel>();
  private disposed = false;

  constructor(
    private readonly owner: ContextOwner<M>,
    readonly incarnation: number,
  ) {}

  get self(): ActorRef<M> {
    return this.owner.self;
  }

  get name(): string {
    return this.owner.self.name;
  }

  now(): number {
    return this.owner.scheduler.now();
  }

  schedule(delayMs: number, message: M): Cancel {
    const cancel = this.owner.scheduler.schedule(delayMs, () => {
      this.cancels.delete(cancel);
      if (!this.disposed) this.owner.deliverToSelf(message);
    });
    return this.track(cancel);
  }

  scheduleRepeating(intervalMs: number, message: M): Cancel {
    const cancel = this.owner.scheduler.scheduleRepeating(intervalMs, () => {
      if (!this.disposed) this.owner.deliverToSelf(message);
    });
    return this.track(cancel);
  }

  spawn<C>(name: string, factory: ActorFactory<C>, options?: SpawnOptions): ActorRef<C> {
    return this.owner.spawnChild(name, factory, options);
  }

  watch<T>(ref: ActorRef<T>, toMessage: (termination: Termination) => M): Cancel {
    let active = true;
    const cancel: Cancel = () => {
      active = false;
      this.cancels.delete(cancel);
    };
    void ref.terminated.then((termination) => {
      if (!active || this.disposed) return;
      cancel();
      this.owner.deliverToSelf(toMessage(termination));
    });
    this.cancels.add(cancel);
    return cancel;
  }

  stop(): void {
    this.owner.stopSelf();
  }

  /** Cancels every timer and watch of this incarnation. */
  dispose(): void {
    this.disposed = true;
    for (const cancel of [...this.cancels]) cancel();
    this.cancels.clear();
  }

  private track(cancel: Cancel): Cancel {
    this.cancels.add(cancel);
    return () => {
      this.cancels.delete(cancel);
      cancel();
    };
  }
}
