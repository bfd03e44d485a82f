import { ActorStoppedError, MailboxFullError, SendTimeoutError } from './errors';
import { deferred, virtualSystem } from './test-kit';

/** An actor that blocks on `gate` for its first message, so its mailbox fills up. */
function blockedActor(capacity: number, overflow?: 'reject' | 'drop-oldest') {
  const kit = virtualSystem();
  const gate = deferred();
  const seen: number[] = [];
  const ref = kit.system.spawn<number>(
    'sink',
    () => ({
      async receive(n) {
        if (n === 0) await gate.promise;
        seen.push(n);
      },
    }),
    { mailbox: { capacity, overflow } },
  );
  return { ...kit, gate, seen, ref };
}

describe('bounded mailboxes', () => {
  it('accepts up to capacity queued messages, then tell throws MailboxFullError', async () => {
    const { ref, gate, seen, settle } = blockedActor(2);
    ref.tell(0);
    await settle(); // 0 is now in progress and does not count against capacity
    ref.tell(1);
    ref.tell(2);
    let error: unknown;
    try {
      ref.tell(3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MailboxFullError);
    expect((error as MailboxFullError).code).toBe('MAILBOX_FULL');
    expect((error as MailboxFullError).capacity).toBe(2);
    expect(ref.mailboxSize).toBe(2);
    gate.resolve();
    await settle();
    expect(seen).toEqual([0, 1, 2]);
  });

  it('send waits for space and resumes in FIFO order of waiting senders', async () => {
    const { ref, gate, seen, settle } = blockedActor(1);
    ref.tell(0);
    await settle();
    ref.tell(1);
    const order: string[] = [];
    const s2 = ref.send(2).then(() => order.push('2 accepted'));
    const s3 = ref.send(3).then(() => order.push('3 accepted'));
    await settle();
    expect(order).toEqual([]);
    // Waiting senders are ahead in line: a tell may not overtake them.
    expect(() => ref.tell(99)).toThrow(MailboxFullError);
    gate.resolve();
    await Promise.all([s2, s3]);
    await settle();
    expect(order).toEqual(['2 accepted', '3 accepted']);
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('send gives up with SendTimeoutError after its timeout in virtual time', async () => {
    const { ref, gate, seen, scheduler, settle } = blockedActor(1);
    ref.tell(0);
    await settle();
    ref.tell(1);
    const outcome = ref.send(2, { timeoutMs: 30 }).then(
      () => 'accepted',
      (e: unknown) => e,
    );
    await scheduler.advance(29);
    ref.send(3, { timeoutMs: 1000 }).catch(() => undefined);
    await scheduler.advance(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(SendTimeoutError);
    expect((error as SendTimeoutError).timeoutMs).toBe(30);
    gate.resolve();
    await settle();
    expect(seen).toEqual([0, 1, 3]); // the timed-out message was never enqueued
  });

  it('drop-oldest evicts the oldest queued message and reports it as a dead letter', async () => {
    const { ref, gate, seen, settle, deadLetters } = blockedActor(2, 'drop-oldest');
    ref.tell(0);
    await settle();
    for (const n of [1, 2, 3, 4]) ref.tell(n);
    await ref.send(5);
    expect(ref.mailboxSize).toBe(2);
    gate.resolve();
    await settle();
    expect(seen).toEqual([0, 4, 5]);
    expect(deadLetters).toEqual([1, 2, 3].map((message) => ({ recipient: 'sink', message, reason: 'overflow' })));
  });

  it('fails waiting senders with ActorStoppedError when the actor stops', async () => {
    const { system, ref, gate, settle } = blockedActor(1);
    ref.tell(0);
    await settle();
    ref.tell(1);
    const waiting = ref.send(2).catch((e: unknown) => e);
    const stopped = system.stop(ref);
    expect(await waiting).toBeInstanceOf(ActorStoppedError);
    expect(() => ref.tell(3)).toThrow(ActorStoppedError);
    gate.resolve();
    expect(await stopped).toEqual({ actor: 'sink', reason: 'stopped' });
  });

  it('rejects a non-positive capacity', () => {
    const { system } = virtualSystem();
    expect(() => system.spawn('bad', () => ({ receive: () => undefined }), { mailbox: { capacity: 0 } })).toThrow(
      'mailbox capacity must be a positive integer',
    );
  });
});
