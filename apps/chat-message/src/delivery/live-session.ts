import type { Logger } from '@nestjs/common';
import { encodeCursor, type SyncCursor } from '../common/cursor';
import type { BusEvent, ChatMessage } from '../common/types';
import type { FeedService, Membership } from '../fanout/feed.service';
import type { ChatMetrics } from '../metrics/chat-metrics';
import type { HubListener, LocalHub } from './local-hub';

/** What the server pushes (WebSocket: JSON `{event, data}`; SSE: `event:`/`data:`, `id:` = cursor). */
export type Frame =
  | { readonly event: 'sync'; readonly data: { readonly messages: ChatMessage[]; readonly cursor: string; readonly hasMore: boolean } }
  | { readonly event: 'ready'; readonly data: { readonly cursor: string } }
  | { readonly event: 'message'; readonly data: ChatMessage & { readonly cursor: string } }
  | { readonly event: 'receipt'; readonly data: { readonly conversationId: string; readonly userId: string; readonly seq: number } }
  | { readonly event: 'membership'; readonly data: { readonly conversationId: string; readonly userId: string; readonly action: 'join' | 'leave' } };

export interface Transport {
  readonly kind: 'ws' | 'sse';
  /** Queues a frame; false when the client's buffer is over the limit (it is too slow). */
  send(frame: Frame): boolean;
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

/**
 * One push connection. It starts from the client's cursor (a gap fill through sync, page by
 * page), then goes live. Every push is checked against the cursor, Telegram-style: the
 * next expected item (inbox pts + 1, or conversation seq + 1 for read fan-out) is delivered
 * at once; an old one is dropped; a newer one means something was missed, so the session
 * pulls from its cursor (sync) instead. The client therefore never sees a gap or a
 * duplicate, and each frame carries the cursor to resume from.
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

  constructor(
    readonly userId: string,
    start: SyncCursor,
    private readonly transport: Transport,
    private readonly deps: SessionDeps,
  ) {
    this.cursor = { p: start.p, c: { ...start.c } };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  currentCursor(): string {
    return encodeCursor(this.cursor);
  }

  start(): void {
    this.offUser = this.deps.hub.subscribeUser(this.userId, this);
    this.enqueue(async () => {
      await this.catchUp('resume');
      this.emit({ event: 'ready', data: { cursor: this.currentCursor() } });
    });
  }

  /** Stops listening (connection closed). */
  stop(): void {
    this.closed = true;
    this.offUser();
    for (const off of this.convSubs.values()) off();
    this.convSubs.clear();
  }

  onEvent(e: BusEvent): void {
    if (this.closed) return;
    if (this.queued >= this.deps.maxQueued) {
      this.disconnect('client too slow: too many pending events; reconnect with your cursor');
      return;
    }
    this.enqueue(() => this.handle(e));
  }

  private enqueue(step: () => Promise<void>): void {
    this.queued++;
    this.chain = this.chain
      .then(async () => {
        if (!this.closed) await step();
      })
      .catch((err: unknown) => {
        this.deps.logger.warn(`session of ${this.userId} failed: ${String(err)}`);
        this.disconnect('server error; reconnect with your cursor');
      })
      .finally(() => {
        this.queued--;
      });
  }

  private async handle(e: BusEvent): Promise<void> {
    switch (e.t) {
      case 'm':
        return this.onMessage(e);
      case 'mem':
        if (e.userId === this.userId) {
          if (e.action === 'join') await this.catchUp('join');
          else this.forget(e.conversationId);
        }
        if (this.memberships.has(e.conversationId) || e.userId === this.userId) {
          this.emit({ event: 'membership', data: { conversationId: e.conversationId, userId: e.userId, action: e.action } });
        }
        return;
      case 'r':
        if (this.memberships.has(e.conversationId)) this.emit({ event: 'receipt', data: { conversationId: e.conversationId, userId: e.userId, seq: e.seq } });
        return;
      case 'p':
        return;
    }
  }

  private async onMessage(e: Extract<BusEvent, { t: 'm' }>): Promise<void> {
    const m = e.m;
    const mem = this.memberships.get(m.conversationId);
    if (e.pts) {
      const pts = e.pts[this.userId];
      if (pts === undefined || pts <= this.cursor.p) return;
      if (pts === this.cursor.p + 1 && mem) {
        this.cursor.p = pts;
        if (m.seq > mem.joinedSeq) this.deliver({ ...m, pts }, 'push');
        return;
      }
      await this.catchUp('gap');
      return;
    }
    if (!mem || !this.merged.has(m.conversationId) || mem.switchSeq !== e.switchSeq) {
      await this.catchUp('mode');
      return;
    }
    const base = this.cursor.c[m.conversationId] ?? Math.max(mem.switchSeq, mem.joinedSeq);
    if (m.seq <= base) return;
    if (m.seq === base + 1) {
      this.cursor.c[m.conversationId] = m.seq;
      this.deliver(m, 'push');
      return;
    }
    await this.catchUp('gap');
  }

  /** Pulls everything after the cursor (bounded pages) and pushes it as `sync` frames. */
  private async catchUp(reason: string): Promise<void> {
    this.deps.metrics.syncs.inc({ reason });
    for (;;) {
      const page = await this.deps.feed.sync(this.userId, this.cursor, this.deps.pageLimit);
      if (this.closed) return;
      this.setMemberships(page.memberships);
      this.cursor = { p: page.cursor.p, c: { ...page.cursor.c } };
      this.merged = new Set(page.memberships.filter((m) => m.mode === 'read').map((m) => m.conversationId));
      const fresh = page.messages.filter((m) => m.seq > (this.delivered.get(m.conversationId) ?? 0));
      for (const m of fresh) this.delivered.set(m.conversationId, m.seq);
      if (fresh.length > 0 || page.hasMore || reason === 'resume') {
        this.deps.metrics.delivered.inc({ transport: this.transport.kind, path: 'sync' }, fresh.length);
        this.emit({ event: 'sync', data: { messages: fresh, cursor: this.currentCursor(), hasMore: page.hasMore } });
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

  private deliver(m: ChatMessage, path: 'push'): void {
    if (m.seq <= (this.delivered.get(m.conversationId) ?? 0)) return;
    this.delivered.set(m.conversationId, m.seq);
    this.deps.metrics.delivered.inc({ transport: this.transport.kind, path });
    this.emit({ event: 'message', data: { ...m, cursor: this.currentCursor() } });
  }

  private emit(frame: Frame): void {
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
