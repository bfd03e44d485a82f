import type { ActorFailure, DeadLetter } from './actor';
import { ActorSystem } from './actor-system';
import { VirtualScheduler } from './virtual-scheduler';

/** An actor system on virtual time that records failures and dead letters (tests only). */
export function virtualSystem(): {
  scheduler: VirtualScheduler;
  system: ActorSystem;
  failures: ActorFailure[];
  deadLetters: DeadLetter[];
  settle: () => Promise<void>;
} {
  const scheduler = new VirtualScheduler();
  const failures: ActorFailure[] = [];
  const deadLetters: DeadLetter[] = [];
  const system = new ActorSystem({
    scheduler,
    onError: (failure) => failures.push(failure),
    onDeadLetter: (letter) => deadLetters.push(letter),
  });
  return { scheduler, system, failures, deadLetters, settle: () => scheduler.advance(0) };
}

/** A promise with its resolver exposed, to hold an async `receive` open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
