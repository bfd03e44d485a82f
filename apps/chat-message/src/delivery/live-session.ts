import type { Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { encodeCursor, type SyncCursor } from '../common/cursor';
import type { BusEvent } from '../common/types';
import type { FeedService, Membership } from '../fanout/feed.service';
import type { ChatMetrics } from '../metrics/chat-metrics';
import type { HubListener, LocalHub } from './local-hub';
import { MessageFrames } from './message-frames';
import { OutboundFrame } from './outbound-frame';

export type { Frame } from './outbound-frame';

export interface Transport {
  readonly kind: 'ws' | 'sse';
  /** Queues a frame; false when the client's buffer is over the limit (it is too slow). */
  send(frame: OutboundFrame): boolean;
  /** Ends the connection, telling the client why. */
  close(reason: string): void;
}

export interface SessionDeps {
  readonly feed: FeedService;
  readonly hub: LocalHub;
  readonly metrics: ChatMetrics;
  readonly logger: Logger;
  readonly pageLimit: number;
  /** Events waiting to be handled before the client counts as too slow. */
  readonly maxQueued: number;
}

type MessageEvent = Extract<BusEvent, { t: 'm' }>;
/** Work that needs I/O (a sync pull), run in order on the session's queue. */
type Followup = () => Promise<void>;

/**
 * One push connection. It starts from the client's cursor (a gap fill through sync, page by
 * page), then goes live. Every push is checked against the cursor, Telegram-style: the
 * next expected item (inbox pts + 1, or conversation seq + 1 for read fan-out) is delivered
 * at once; an old one is dropped; a newer one means something was missed, so the session
 * pulls from its cursor (sync) instead. The client therefore never sees a gap or a
 * duplicate, and each frame carries the cursor to resume from.
 *
 * Events are handled in arrival order. While nothing is queued an event is handled in line
 * — the usual live push costs no promise, timer or allocation beyond its (shared) frame;
 * only pulls go through the promise queue, and every event behind a pull waits its turn.
 */
export class LiveSession implements HubListener {
  private cursor: { p: number; c: Record<string, number> };
  private readonly delivered = new Map<string, number>();
  private memberships = new Map<string, Membership>();
  /** Read-fan-out conversations whose position the last sync established. */
  private merged = new Set<string>();
  private readonly convSubs = new Map<string, () => void>();
  private offUser: () => void = () => undefined;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private closed = false;
  /** `encodeCursor(this.cursor)`, kept until the cursor changes (see `cursorText`). */
  private encodedCursor: string | null = null;
  private readonly pushed: Counter.Internal;
  private readonly synced: Counter.Internal;

  constructor(
    readonly userId: string,
    start: SyncCursor,
    private readonly transport: Transport,
    private readonly deps: SessionDeps,
  ) {
    this.cursor = { p: start.p, c: { ...start.c } };
    this.pushed = deps.metrics.delivered.labels({ transport: transport.kind, path: 'push' });
    this.synced = deps.metrics.delivered.labels({ transport: transport.kind, path: 'sync' });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  currentCursor(): string {
    return (this.encodedCursor ??= encodeCursor(this.cursor));
  }

  start(): void {
    this.offUser = this.deps.hub.subscribeUser(this.userId, this);
    this.enqueue(async () => {
      await this.catchUp('resume');
      this.emit(new OutboundFrame({ event: 'ready', data: { cursor: this.currentCursor() } }));
    });
  }

  /** Stops listening (connection closed). */
  stop(): void {
    this.closed = true;
    this.offUser();
    for (const off of this.convSubs.values()) off();
    this.convSubs.clear();
  }

  onEvent(e: BusEvent, frames?: MessageFrames): void {
    if (this.closed) return;
    if (this.queued > 0) {
      if (this.queued >= this.deps.maxQueued) {
        this.disconnect('client too slow: too many pending events; reconnect with your cursor');
        return;
      }
      this.enqueue(async () => {
        const followup = this.handle(e, frames);
        if (followup) await followup();
      });
      return;
    }
    try {
      const followup = this.handle(e, frames);
      if (followup) this.enqueue(followup);
    } catch (err) {
      this.fail(err);
    }
  }

  private enqueue(step: Followup): void {
    this.queued++;
    this.chain = this.chain
      .then(async () => {
        if (!this.closed) await step();
      })
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        this.queued--;
      });
  }

  private fail(err: unknown): void {
    this.deps.logger.warn(`session of ${this.userId} failed: ${String(err)}`);
    this.disconnect('server error; reconnect with your cursor');
  }

  /** Applies an event at once; returns the pull it needs, if any (run before anything later). */
  private handle(e: BusEvent, frames: MessageFrames | undefined): Followup | null {
    switch (e.t) {
      case 'm':
        return this.onMessage(e, frames ?? new MessageFrames(e.m));
      case 'mem': {
        const announce = (): void => {
          if (this.memberships.has(e.conversationId) || e.userId === this.userId) {
            this.emit(new OutboundFrame({ event: 'membership', data: { conversationId: e.conversationId, userId: e.userId, action: e.action } }));
          }
        };
        if (e.userId === this.userId && e.action === 'join') {
          return async () => {
            await this.catchUp('join');
            announce();
          };
        }
        if (e.userId === this.userId) this.forget(e.conversationId);
        announce();
        return null;
      }
      case 'r':
        if (this.memberships.has(e.conversationId)) this.emit(new OutboundFrame({ event: 'receipt', data: { conversationId: e.conversationId, userId: e.userId, seq: e.seq } }));
        return null;
      case 'p':
        return null;
    }
  }

  private onMessage(e: MessageEvent, frames: MessageFrames): Followup | null {
    const m = e.m;
    const mem = this.memberships.get(m.conversationId);
    if (e.pts) {
      const pts = e.pts[this.userId];
      if (pts === undefined || pts <= this.cursor.p) return null;
      if (pts === this.cursor.p + 1 && mem) {
        const from = this.currentCursor();
        this.setCursor(() => (this.cursor.p = pts));
        if (m.seq > mem.joinedSeq) this.deliver(frames, from, pts);
        return null;
      }
      return () => this.catchUp('gap');
    }
    if (!mem || !this.merged.has(m.conversationId) || mem.switchSeq !== e.switchSeq) return () => this.catchUp('mode');
    const base = this.cursor.c[m.conversationId] ?? Math.max(mem.switchSeq, mem.joinedSeq);
    if (m.seq <= base) return null;
    if (m.seq === base + 1) {
      const from = this.currentCursor();
      this.setCursor(() => (this.cursor.c[m.conversationId] = m.seq));
      this.deliver(frames, from, undefined);
      return null;
    }
    return () => this.catchUp('gap');
  }

  /** Changes the cursor in place, dropping its cached encoding. */
  private setCursor(change: () => void): void {
    change();
    this.encodedCursor = null;
  }

  /** Pulls everything after the cursor (bounded pages) and pushes it as `sync` frames. */
  private async catchUp(reason: string): Promise<void> {
    this.deps.metrics.syncs.inc({ reason });
    for (;;) {
      const page = await this.deps.feed.sync(this.userId, this.cursor, this.deps.pageLimit);
      if (this.closed) return;
      this.setMemberships(page.memberships);
      this.setCursor(() => (this.cursor = { p: page.cursor.p, c: { ...page.cursor.c } }));
      this.merged = new Set(page.memberships.filter((m) => m.mode === 'read').map((m) => m.conversationId));
      const fresh = page.messages.filter((m) => m.seq > (this.delivered.get(m.conversationId) ?? 0));
      for (const m of fresh) this.delivered.set(m.conversationId, m.seq);
      if (fresh.length > 0 || page.hasMore || reason === 'resume') {
        this.synced.inc(fresh.length);
        this.emit(new OutboundFrame({ event: 'sync', data: { messages: fresh, cursor: this.currentCursor(), hasMore: page.hasMore } }));
      }
      if (!page.hasMore || this.closed) return;
    }
  }

  private setMemberships(list: Membership[]): void {
    this.memberships = new Map(list.map((m) => [m.conversationId, m]));
    for (const [conv, off] of this.convSubs) {
      if (!this.memberships.has(conv)) {
        off();
        this.convSubs.delete(conv);
      }
    }
    for (const conv of this.memberships.keys()) {
      if (!this.convSubs.has(conv)) this.convSubs.set(conv, this.deps.hub.subscribeConversation(conv, this));
    }
  }

  private forget(conv: string): void {
    this.memberships.delete(conv);
    this.merged.delete(conv);
    this.convSubs.get(conv)?.();
    this.convSubs.delete(conv);
  }

  /**
   * Pushes the message (the cursor has already moved past it). The frame is the one shared
   * by every session that was at the same cursor `from`; its cursor is ours now as well.
   */
  private deliver(frames: MessageFrames, from: string, pts: number | undefined): void {
    const m = frames.message;
    if (m.seq <= (this.delivered.get(m.conversationId) ?? 0)) return;
    this.delivered.set(m.conversationId, m.seq);
    this.pushed.inc();
    const frame = frames.frameFor(from, pts, () => this.currentCursor());
    this.encodedCursor = frame.cursor ?? null;
    this.emit(frame);
  }

  private emit(frame: OutboundFrame): void {
    if (this.closed) return;
    if (!this.transport.send(frame)) this.disconnect('client too slow: send buffer full; reconnect with your cursor');
  }

  private disconnect(reason: string): void {
    if (this.closed) return;
    this.deps.metrics.slowDisconnects.inc({ transport: this.transport.kind });
    this.stop();
    this.transport.close(reason);
  }
}
