import type { ReplyTo } from './actor';
import { AskTimeoutError } from './errors';
import type { Scheduler } from './scheduler';

/**
 * Request/response on top of a plain `tell`: `build` receives a one-shot reply channel,
 * the built message is told to `target`, and the promise settles with the first reply, the
 * tell's error (full or stopped mailbox), or {@link AskTimeoutError} after `timeoutMs` of
 * scheduler time. The timeout timer is cancelled as soon as the promise settles.
 */
export function ask<M, R>(
  target: { readonly name: string; tell(message: M): void },
  scheduler: Scheduler,
  build: (replyTo: ReplyTo<R>) => M,
  timeoutMs: number,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    const cancelTimeout = scheduler.schedule(timeoutMs, () => {
      if (settled) return;
      settled = true;
      reject(new AskTimeoutError(target.name, timeoutMs));
    });
    const replyTo: ReplyTo<R> = {
      tell(reply: R): void {
        if (settled) return; // a late or second reply is deliberately ignored
        settled = true;
        cancelTimeout();
        resolve(reply);
      },
    };
    try {
      target.tell(build(replyTo));
    } catch (error) {
      settled = true;
      cancelTimeout();
      reject(error);
    }
  });
}
