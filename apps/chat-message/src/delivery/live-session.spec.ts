import { Logger } from '@nestjs/common';
import { decodeCursor, type SyncCursor } from '../common/cursor';
import type { BusEvent, ChatMessage } from '../common/types';
import type { FeedService, Membership, SyncPage } from '../fanout/feed.service';
import { ChatMetrics } from '../metrics/chat-metrics';
import { LiveSession, type Frame, type Transport } from './live-session';
import type { OutboundFrame } from './outbound-frame';
import { LocalHub } from './local-hub';
import type { EventBus } from '../infra/event-bus';

const msg = (conversationId: string, seq: number, mode: 'write' | 'read', pts?: number): ChatMessage => ({
  conversationId,
  seq,
  msgId: `${conversationId}-${seq}`,
  sender: 'bob',
  clientMsgId: `c${seq}`,
  body: `m${seq}`,
  ts: 1,
  revision: seq,
  mode,
  ...(pts === undefined ? {} : { pts }),
});

/** A feed over in-memory data: inbox refs (pts order) and read-mode timelines. */
class FakeFeed {
  inbox: ChatMessage[] = [];
  timelines = new Map<string, ChatMessage[]>();
  memberships: Membership[] = [];
  calls: SyncCursor[] = [];

  async sync(_user: string, cursor: SyncCursor, limit: number): Promise<SyncPage> {
    this.calls.push(cursor);
    const fromInbox = this.inbox.filter((m) => m.pts! > cursor.p);
    const page = fromInbox.slice(0, limit);
    const p = page.length ? page[page.length - 1]!.pts! : cursor.p;
    const c: Record<string, number> = { ...cursor.c };
    const out = [...page];
    if (fromInbox.length <= limit) {
      for (const m of this.memberships.filter((x) => x.mode === 'read')) {
        const base = Math.max(cursor.c[m.conversationId] ?? 0, m.switchSeq, m.joinedSeq);
        for (const x of (this.timelines.get(m.conversationId) ?? []).filter((x) => x.seq > base)) {
          if (out.length >= limit) break;
          out.push(x);
          c[m.conversationId] = x.seq;
        }
      }
    }
    return { messages: out, cursor: { p, c }, hasMore: fromInbox.length > limit, memberships: this.memberships };
  }
}

class FakeTransport implements Transport {
  readonly kind = 'ws' as const;
  frames: Frame[] = [];
  closedWith: string | null = null;
  full = false;
  send(frame: OutboundFrame): boolean {
    if (this.full) return false;
    this.frames.push(frame.frame);
    return true;
  }
  close(reason: string): void {
    this.closedWith = reason;
  }
  delivered(): [string, number][] {
    return this.frames.flatMap((f) =>
      f.event === 'sync' ? f.data.messages.map((m) => [m.conversationId, m.seq] as [string, number]) : f.event === 'message' ? [[f.data.conversationId, f.data.seq] as [string, number]] : [],
    );
  }
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

function setup(maxQueued = 100) {
  const feed = new FakeFeed();
  const hub = new LocalHub({ on: () => () => undefined } as unknown as EventBus);
  const transport = new FakeTransport();
  feed.memberships = [
    { conversationId: 'w', joinedSeq: 0, mode: 'write', switchSeq: 0, lastSeq: 0 },
    { conversationId: 'r', joinedSeq: 0, mode: 'read', switchSeq: 0, lastSeq: 0 },
  ];
  const session = new LiveSession('alice', { p: 0, c: {} }, transport, {
    feed: feed as unknown as FeedService,
    hub,
    metrics: new ChatMetrics(),
    logger: new Logger('test'),
    pageLimit: 2,
    maxQueued,
  });
  const push = (e: BusEvent): void => hub.dispatch(e);
  const writeEvent = (seq: number, pts: number): BusEvent => ({ t: 'm', m: msg('w', seq, 'write'), switchSeq: 0, pts: { alice: pts } });
  const readEvent = (seq: number): BusEvent => ({ t: 'm', m: msg('r', seq, 'read'), switchSeq: 0 });
  return { feed, hub, transport, session, push, writeEvent, readEvent };
}

describe('LiveSession', () => {
  it('resumes through bounded sync pages, then sends ready with the cursor', async () => {
    const { feed, transport, session } = setup();
    feed.inbox = [1, 2, 3].map((s) => msg('w', s, 'write', s));
    feed.timelines.set('r', [msg('r', 1, 'read')]);
    session.start();
    await settle();
    expect(transport.frames.map((f) => f.event)).toEqual(['sync', 'sync', 'ready']);
    expect(transport.delivered()).toEqual([
      ['w', 1],
      ['w', 2],
      ['w', 3],
      ['r', 1],
    ]);
    const ready = transport.frames[2]!;
    expect(ready.event === 'ready' && decodeCursor(ready.data.cursor)).toEqual({ p: 3, c: { r: 1 } });
    session.stop();
  });

  it('delivers the next item at once, drops repeats, and pulls on a gap (never a gap or a duplicate)', async () => {
    const { feed, transport, session, push, writeEvent, readEvent } = setup();
    session.start();
    await settle();
    feed.inbox = [msg('w', 1, 'write', 1)];
    push(writeEvent(1, 1));
    await settle();
    expect(feed.calls).toHaveLength(1); // only the resume: pts 1 was the next one
    push(writeEvent(1, 1)); // repeat
    await settle();
    // pts 3 arrives before pts 2: a gap, so the session pulls and gets both in order.
    feed.inbox.push(msg('w', 2, 'write', 2), msg('w', 3, 'write', 3));
    push(writeEvent(3, 3));
    push(writeEvent(2, 2)); // late: already covered by the pull
    await settle();
    expect(feed.calls).toHaveLength(2);
    // Read fan-out: next seq straight through; a gap pulls.
    feed.timelines.set('r', [msg('r', 1, 'read'), msg('r', 2, 'read'), msg('r', 3, 'read')]);
    push(readEvent(1));
    await settle();
    push(readEvent(3));
    await settle();
    expect(transport.delivered()).toEqual([
      ['w', 1],
      ['w', 2],
      ['w', 3],
      ['r', 1],
      ['r', 2],
      ['r', 3],
    ]);
    const last = transport.frames[transport.frames.length - 1]!;
    expect('cursor' in last.data && decodeCursor(last.data.cursor)).toEqual({ p: 3, c: { r: 3 } });
    session.stop();
  });

  it('disconnects a slow client with a reason instead of buffering without bound', async () => {
    const { transport, session, push, writeEvent } = setup();
    session.start();
    await settle();
    transport.full = true;
    push(writeEvent(1, 1));
    await settle();
    expect(transport.closedWith).toBe('client too slow: send buffer full; reconnect with your cursor');
    expect(session.isClosed).toBe(true);
  });

  it('disconnects when events pile up faster than they are handled', async () => {
    const { transport, session, push, writeEvent } = setup(3);
    session.start(); // the resume is still queued: events pile up behind it
    for (let i = 1; i <= 5; i++) push(writeEvent(i, i));
    expect(transport.closedWith).toBe('client too slow: too many pending events; reconnect with your cursor');
    await settle();
  });

  it('only wakes the sessions of the users concerned', async () => {
    const { hub, session, transport, push } = setup();
    session.start();
    await settle();
    const before = transport.frames.length;
    push({ t: 'm', m: msg('w', 1, 'write'), switchSeq: 0, pts: { bob: 1 } });
    push({ t: 'm', m: msg('other', 1, 'read'), switchSeq: 0 });
    await settle();
    expect(transport.frames.length).toBe(before);
    expect(hub.sizes()).toEqual({ users: 1, conversations: 2 });
    session.stop();
    expect(hub.sizes()).toEqual({ users: 0, conversations: 0 });
  });
});
