import { Logger } from '@nestjs/common';
import { decodeCursor } from '../common/cursor';
import type { BusEvent, ChatMessage } from '../common/types';
import type { FeedService, Membership, SyncPage } from '../fanout/feed.service';
import type { EventBus } from '../infra/event-bus';
import { ChatMetrics } from '../metrics/chat-metrics';
import { LiveSession } from './live-session';
import { LocalHub } from './local-hub';
import { MessageFrames } from './message-frames';
import { WriteBatch, type Corkable } from './write-batch';
import { WS_CLOSE, WsTransport, type PushSocket } from './ws-transport';

const message = (conversationId: string, seq: number): Omit<ChatMessage, 'pts'> => ({
  conversationId,
  seq,
  msgId: `${conversationId}-${seq}`,
  sender: 'owner',
  clientMsgId: `c${seq}`,
  body: `héllo "${seq}"`,
  ts: 1,
  revision: seq,
  mode: 'read',
});

/** A `ws` socket that records what is sent, with a settable backlog. */
class FakeSocket implements PushSocket, Corkable {
  readyState = 1;
  bufferedAmount = 0;
  sent: Buffer[] = [];
  closed: { code: number; reason: string } | null = null;
  corks = 0;
  send(data: Buffer, options: { binary: boolean }): void {
    expect(options.binary).toBe(false);
    this.sent.push(data);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
    this.readyState = 2;
  }
  terminate(): void {
    this.readyState = 3;
  }
  cork(): void {
    this.corks++;
  }
  uncork(): void {
    this.corks--;
  }
}

const membership: Membership = { conversationId: 'big', joinedSeq: 0, mode: 'read', switchSeq: 0, lastSeq: 0 };
/** Every session resumes into an empty read-fan-out conversation. */
const feed = { sync: async (): Promise<SyncPage> => ({ messages: [], cursor: { p: 0, c: {} }, hasMore: false, memberships: [membership] }) } as unknown as FeedService;
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

async function room(clients: number) {
  const hub = new LocalHub({ on: () => () => undefined } as unknown as EventBus);
  const batch = new WriteBatch();
  const sockets = Array.from({ length: clients }, () => new FakeSocket());
  const sessions = sockets.map((s, i) => {
    // The fake socket is its own raw TCP socket (cork/uncork counted).
    const session = new LiveSession(`u${i}`, { p: 0, c: {} }, new WsTransport(s, s, batch, 1024), {
      feed,
      hub,
      metrics: new ChatMetrics(),
      logger: new Logger('test'),
      pageLimit: 100,
      maxQueued: 100,
    });
    session.start();
    return session;
  });
  await settle(); // resume sync + ready
  for (const s of sockets) s.sent = [];
  return { hub, sockets, sessions };
}

describe('broadcast of one message to many sockets', () => {
  afterEach(() => jest.restoreAllMocks());

  it('encodes the message once and sends the same bytes to every socket', async () => {
    const { hub, sockets, sessions } = await room(1000);
    const m = message('big', 1);
    const stringify = jest.spyOn(JSON, 'stringify');
    hub.dispatch({ t: 'm', m, switchSeq: 0 });
    expect(stringify.mock.calls.filter(([v]) => v === m)).toHaveLength(1);
    // One cursor encode for everyone in the same position, not one per socket.
    expect(stringify.mock.calls.length).toBeLessThanOrEqual(3);
    const first = sockets[0]!.sent[0]!;
    for (const s of sockets) {
      expect(s.sent).toHaveLength(1);
      expect(s.sent[0]).toBe(first);
    }
    const frame = JSON.parse(first.toString()) as { event: string; data: ChatMessage & { cursor: string } };
    expect(frame).toEqual({ event: 'message', data: { ...m, cursor: frame.data.cursor } });
    expect(decodeCursor(frame.data.cursor)).toEqual({ p: 0, c: { big: 1 } });
    for (const s of sessions) expect(s.currentCursor()).toBe(frame.data.cursor);
    for (const s of sessions) s.stop();
  });

  it('writes one tick of frames per socket in one corked batch', async () => {
    const { hub, sockets, sessions } = await room(3);
    hub.dispatch({ t: 'm', m: message('big', 1), switchSeq: 0 });
    hub.dispatch({ t: 'm', m: message('big', 2), switchSeq: 0 });
    expect(sockets.map((s) => [s.sent.length, s.corks])).toEqual([
      [2, 1],
      [2, 1],
      [2, 1],
    ]);
    await settle();
    expect(sockets.map((s) => s.corks)).toEqual([0, 0, 0]);
    for (const s of sessions) s.stop();
  });

  it('disconnects only the slow socket, with its reason, and keeps serving the others', async () => {
    const { hub, sockets, sessions } = await room(3);
    sockets[1]!.bufferedAmount = 4096; // over the 1024-byte limit
    hub.dispatch({ t: 'm', m: message('big', 1), switchSeq: 0 });
    expect(sockets[1]!.closed).toEqual({ code: WS_CLOSE.tooSlow, reason: 'client too slow: send buffer full; reconnect with your cursor' });
    expect(sessions[1]!.isClosed).toBe(true);
    hub.dispatch({ t: 'm', m: message('big', 2), switchSeq: 0 });
    expect(sockets.map((s) => s.sent.length)).toEqual([2, 0, 2]);
    for (const s of sessions) s.stop();
  });

  it('keeps one pull in order: events behind a gap wait for it (no gap, no duplicate)', async () => {
    const { hub, sockets, sessions } = await room(1);
    const events: BusEvent[] = [3, 1, 2, 4].map((seq) => ({ t: 'm', m: message('big', seq), switchSeq: 0 }));
    // seq 3 first is a gap: the session pulls (the fake feed has nothing), then 1, 2, 4 follow in order.
    for (const e of events) hub.dispatch(e);
    await settle();
    const seqs = sockets[0]!.sent.map((b) => (JSON.parse(b.toString()) as { data: { seq?: number } }).data.seq);
    // The pull found nothing (no frame); 1 and 2 were handled after it, in order; 4 is a gap again (3 missing).
    expect(seqs).toEqual([1, 2]);
    sessions[0]!.stop();
  });
});

describe('MessageFrames', () => {
  it('builds exactly the JSON of {...message, pts, cursor}, one frame per cursor position', () => {
    const m = message('w', 7);
    const frames = new MessageFrames(m);
    const a = frames.frameFor('c1.A', 5, () => 'c1.B');
    expect(frames.frameFor('c1.A', 5, () => 'unused')).toBe(a);
    expect(a.dataJson()).toBe(JSON.stringify({ ...m, pts: 5, cursor: 'c1.B' }));
    expect(a.webSocket().toString()).toBe(JSON.stringify({ event: 'message', data: { ...m, pts: 5, cursor: 'c1.B' } }));
    expect(a.serverSentEvent()).toBe(`id: c1.B\nevent: message\ndata: ${JSON.stringify({ ...m, pts: 5, cursor: 'c1.B' })}\n\n`);
    const b = frames.frameFor('c1.A', undefined, () => 'c1.C');
    expect(b.dataJson()).toBe(JSON.stringify({ ...m, cursor: 'c1.C' }));
    expect(frames.size).toBe(2);
  });
});

describe('WriteBatch', () => {
  it('corks each stream once per tick and uncorks all in one deferred flush', () => {
    const deferred: (() => void)[] = [];
    const batch = new WriteBatch((f) => deferred.push(f));
    const a = new FakeSocket();
    const b = new FakeSocket();
    batch.hold(a);
    batch.hold(a);
    batch.hold(b);
    expect([a.corks, b.corks, deferred.length]).toEqual([1, 1, 1]);
    deferred.pop()!();
    expect([a.corks, b.corks]).toEqual([0, 0]);
    batch.hold(a);
    expect([a.corks, deferred.length]).toEqual([1, 1]);
  });
});
