import type {
  Actor,
  ActorFactory,
  ActorFailure,
  ActorRef,
  DeadLetter,
  ReplyTo,
  SendOptions,
  SpawnOptions,
  Termination,
} from './actor';
import { IncarnationContext, type ContextOwner } from './actor-context';
import { ask } from './ask';
import { Deque } from './deque';
import { ActorError, ActorStoppedError, ChildFailedError } from './errors';
import { Mailbox } from './mailbox';
import { checkActorName } from './names';
import type { Cancel, Scheduler } from './scheduler';
import { RestartBudget, resolveSupervisor, type SupervisorDirective, type SupervisorStrategy } from './supervision';

/** The system services a cell uses (implemented by `ActorSystem`). */
export interface CellHost {
  readonly scheduler: Scheduler;
  reportFailure(failure: ActorFailure): void;
  deadLetter(letter: DeadLetter): void;
  spawnCell<C>(name: string, factory: ActorFactory<C>, options: SpawnOptions | undefined, parent: ParentLink | null): ActorCell<C>;
  /** The cell has terminated; forget its name. */
  release(name: string): void;
}

/** What a child needs from its parent. */
export interface ParentLink {
  childFailed(child: string, error: unknown): void;
  childStopped(child: string): void;
}

/** What a parent needs from a child. */
export interface ChildHandle {
  stop(drain: boolean): Promise<Termination>;
}

type Status = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';
type Signal =
  | { readonly kind: 'start' }
  /** `incarnation`: the parent's incarnation the failing child belonged to. */
  | { readonly kind: 'childFailed'; readonly child: string; readonly error: unknown; readonly incarnation: number };
interface PendingStop {
  readonly drain: boolean;
  readonly reason: Termination['reason'];
  readonly error?: unknown;
}

/**
 * The runtime state of one actor: its mailbox, current instance, lifecycle and supervision.
 *
 * A single loop (`run`) does everything for the actor — lifecycle signals first, then user
 * messages one at a time — so message handling, restarts and stopping never interleave.
 */
export class ActorCell<M> implements ActorRef<M>, ParentLink, ChildHandle, ContextOwner<M> {
  private status: Status = 'starting';
  private instance: Actor<M> | null = null;
  private context: IncarnationContext<M> | null = null;
  private incarnation = -1;
  private readonly mailbox: Mailbox<M>;
  private readonly signals = new Deque<Signal>();
  private readonly children = new Map<string, ChildHandle>();
  private readonly strategy: SupervisorStrategy;
  private readonly budget: RestartBudget;
  private pendingStop: PendingStop | null = null;
  private looping = false;
  private cancelRestart: Cancel | null = null;
  private resolveTerminated: (termination: Termination) => void = () => undefined;
  readonly terminated: Promise<Termination>;

  constructor(
    readonly name: string,
    private readonly factory: ActorFactory<M>,
    options: SpawnOptions | undefined,
    private readonly host: CellHost,
    private readonly parent: ParentLink | null,
  ) {
    this.strategy = resolveSupervisor(options?.supervisor);
    this.budget = new RestartBudget(this.strategy);
    this.mailbox = new Mailbox<M>(name, options?.mailbox ?? {}, host.scheduler, (message) =>
      host.deadLetter({ recipient: name, message, reason: 'overflow' }),
    );
    this.terminated = new Promise((resolve) => (this.resolveTerminated = resolve));
    this.signal({ kind: 'start' });
  }

  // ── ActorRef ────────────────────────────────────────────────────────────────────────

  get self(): ActorRef<M> {
    return this;
  }

  get scheduler(): Scheduler {
    return this.host.scheduler;
  }

  get isAlive(): boolean {
    return this.pendingStop === null && this.status !== 'stopped';
  }

  get mailboxSize(): number {
    return this.mailbox.size;
  }

  tell(message: M): void {
    this.mailbox.enqueue(message);
    this.kick();
  }

  async send(message: M, options?: SendOptions): Promise<void> {
    const accepted = this.mailbox.enqueueWhenSpace(message, options?.timeoutMs);
    // A waiting sender's message is queued by the consumer, which is already looping.
    this.kick();
    await accepted;
    this.kick();
  }

  ask<R>(build: (replyTo: ReplyTo<R>) => M, timeoutMs: number): Promise<R> {
    return ask(this, this.host.scheduler, build, timeoutMs);
  }

  // ── Lifecycle requests ──────────────────────────────────────────────────────────────

  /**
   * Stops the actor. With `drain`, messages already queued are still handled first; without,
   * it stops after the current message and the rest become dead letters. New messages are
   * refused at once either way. Resolves once `postStop` has run.
   */
  stop(drain: boolean): Promise<Termination> {
    this.beginStop({ drain, reason: 'stopped' });
    return this.terminated;
  }

  childFailed(child: string, error: unknown): void {
    this.signal({ kind: 'childFailed', child, error, incarnation: this.incarnation });
  }

  childStopped(child: string): void {
    this.children.delete(child);
  }

  // ── ContextOwner ────────────────────────────────────────────────────────────────────

  deliverToSelf(message: M): void {
    try {
      this.tell(message);
    } catch (error) {
      if (!(error instanceof ActorError)) throw error;
      this.host.deadLetter({ recipient: this.name, message, reason: this.isAlive ? 'overflow' : 'stopped' });
    }
  }

  spawnChild<C>(name: string, factory: ActorFactory<C>, options: SpawnOptions | undefined): ActorRef<C> {
    checkActorName(name);
    const child = this.host.spawnCell(`${this.name}/${name}`, factory, options, this);
    this.children.set(child.name, child);
    return child;
  }

  stopSelf(): void {
    this.beginStop({ drain: false, reason: 'stopped' });
  }

  // ── The loop ────────────────────────────────────────────────────────────────────────

  private signal(signal: Signal): void {
    this.signals.push(signal);
    this.kick();
  }

  private kick(): void {
    if (this.looping || this.status === 'stopped') return;
    this.looping = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        const signal = this.signals.shift();
        if (signal) {
          await this.handleSignal(signal);
          continue;
        }
        if (this.pendingStop && (!this.pendingStop.drain || this.status !== 'running' || this.mailbox.size === 0)) {
          await this.terminate(this.pendingStop);
          return;
        }
        if (this.status !== 'running') return;
        const next = this.mailbox.take();
        if (!next) return;
        await this.deliver(next.message);
      }
    } finally {
      // No await between the last check above and this line, so a tell arriving now sees
      // `looping` false and starts a new loop: no message is ever stranded.
      this.looping = false;
    }
  }

  private async handleSignal(signal: Signal): Promise<void> {
    if (this.pendingStop) return; // stopping wins over starts and escalations
    if (signal.kind === 'start') {
      await this.startIncarnation();
    } else if (this.status === 'running' && signal.incarnation === this.incarnation) {
      // A child of an incarnation that already ended (restart in between) is not this one's concern.
      await this.fail(new ChildFailedError(signal.child, signal.error), 'child', false, undefined);
    }
  }

  private async startIncarnation(): Promise<void> {
    this.incarnation++;
    this.status = 'starting';
    const context = new IncarnationContext<M>(this, this.incarnation);
    this.context = context;
    try {
      this.instance = this.factory(context);
      await this.instance.preStart?.(context);
      this.status = 'running';
    } catch (error) {
      await this.fail(error, 'start', false, undefined);
    }
  }

  private async deliver(message: M): Promise<void> {
    const instance = this.instance as Actor<M>;
    try {
      await instance.receive(message, this.context as IncarnationContext<M>);
    } catch (error) {
      await this.fail(error, 'receive', true, message);
    }
  }

  // ── Supervision ─────────────────────────────────────────────────────────────────────

  private async fail(error: unknown, phase: ActorFailure['phase'], hasMessage: boolean, message: unknown): Promise<void> {
    const directive = this.pendingStop ? 'stop' : this.decide(error);
    const report = (outcome: ActorFailure['outcome']): void =>
      this.host.reportFailure({ actor: this.name, incarnation: this.incarnation, phase, error, hasMessage, message, outcome });

    if (directive === 'restart') {
      const delay = this.budget.tryRestart(this.host.scheduler.now());
      if (delay === null) {
        report('restart-limit');
        this.beginStop({ drain: false, reason: 'failed', error });
        return;
      }
      report('restart');
      this.status = 'restarting';
      await this.endIncarnation();
      if (delay === 0) {
        this.signals.push({ kind: 'start' });
      } else {
        this.cancelRestart = this.host.scheduler.schedule(delay, () => {
          this.cancelRestart = null;
          this.signal({ kind: 'start' });
        });
      }
      return;
    }
    report(directive);
    this.beginStop({ drain: false, reason: 'failed', error });
    if (directive === 'escalate') this.parent?.childFailed(this.name, error);
  }

  private decide(error: unknown): SupervisorDirective {
    try {
      return this.strategy.decide(error);
    } catch {
      return 'stop'; // a broken decider must not keep a failing actor alive
    }
  }

  // ── Stopping ────────────────────────────────────────────────────────────────────────

  private beginStop(stop: PendingStop): void {
    if (this.pendingStop || this.status === 'stopped') return;
    this.pendingStop = stop;
    this.mailbox.close(new ActorStoppedError(this.name));
    this.kick();
  }

  /** Cancels the incarnation's timers and watches, stops its children, then runs `postStop`. */
  private async endIncarnation(): Promise<void> {
    const context = this.context;
    const instance = this.instance;
    this.instance = null;
    if (!context) return;
    context.dispose();
    await Promise.all([...this.children.values()].map((child) => child.stop(false)));
    if (!instance?.postStop) return;
    try {
      await instance.postStop(context);
    } catch (error) {
      this.host.reportFailure({
        actor: this.name,
        incarnation: this.incarnation,
        phase: 'stop',
        error,
        hasMessage: false,
        message: undefined,
        outcome: 'none',
      });
    }
  }

  private async terminate(stop: PendingStop): Promise<void> {
    this.status = 'stopping';
    this.cancelRestart?.();
    this.cancelRestart = null;
    await this.endIncarnation();
    this.context = null;
    for (const message of this.mailbox.drain()) {
      this.host.deadLetter({ recipient: this.name, message, reason: 'stopped' });
    }
    this.status = 'stopped';
    this.host.release(this.name);
    this.parent?.childStopped(this.name);
    const termination: Termination =
      stop.reason === 'failed' ? { actor: this.name, reason: 'failed', error: stop.error } : { actor: this.name, reason: 'stopped' };
    this.resolveTerminated(termination);
  }
}
