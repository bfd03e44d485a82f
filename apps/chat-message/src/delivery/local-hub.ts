import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { BusEvent } from '../common/types';
import { EventBus } from '../infra/event-bus';
import { MessageFrames } from './message-frames';

export interface HubListener {
  /** `frames`: for a message event, its frames shared by every listener of this dispatch. */
  onEvent(e: BusEvent, frames?: MessageFrames): void;
}

/**
 * Routes bus events to this instance's sockets and long-poll waiters — only those of the
 * users concerned (no thundering herd): a write-fan-out message wakes its recipients (the
 * users in its pts map), a read-fan-out message and receipts wake the listeners registered
 * for that conversation, a membership change wakes that user and the conversation.
 */
@Injectable()
export class LocalHub implements OnModuleInit, OnModuleDestroy {
  private readonly byUser = new Map<string, Set<HubListener>>();
  private readonly byConv = new Map<string, Set<HubListener>>();
  private off: () => void = () => undefined;

  constructor(private readonly bus: EventBus) {}

  onModuleInit(): void {
    this.off = this.bus.on((e) => this.dispatch(e));
  }

  onModuleDestroy(): void {
    this.off();
  }

  dispatch(e: BusEvent): void {
    // Read fan-out: one conversation's listeners, no union needed (the common large case).
    if (e.t === 'm' && !e.pts) {
      const set = this.byConv.get(e.m.conversationId);
      if (!set) return;
      const frames = new MessageFrames(e.m);
      // A snapshot: a listener may unsubscribe (disconnect) while we iterate.
      for (const l of Array.from(set)) l.onEvent(e, frames);
      return;
    }
    const targets = new Set<HubListener>();
    const add = (set: Set<HubListener> | undefined): void => set?.forEach((l) => targets.add(l));
    switch (e.t) {
      case 'm':
        // Write fan-out (read fan-out returned above): the recipients' own listeners.
        for (const user of Object.keys(e.pts ?? {})) add(this.byUser.get(user));
        break;
      case 'mem':
        add(this.byUser.get(e.userId));
        add(this.byConv.get(e.conversationId));
        break;
      case 'r':
        add(this.byConv.get(e.conversationId));
        break;
      case 'p':
        return;
    }
    const frames = e.t === 'm' ? new MessageFrames(e.m) : undefined;
    for (const l of targets) l.onEvent(e, frames);
  }

  subscribeUser(userId: string, l: HubListener): () => void {
    return this.add(this.byUser, userId, l);
  }

  subscribeConversation(conversationId: string, l: HubListener): () => void {
    return this.add(this.byConv, conversationId, l);
  }

  private add(map: Map<string, Set<HubListener>>, key: string, l: HubListener): () => void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(l);
    return () => {
      const s = map.get(key);
      if (!s) return;
      s.delete(l);
      if (s.size === 0) map.delete(key);
    };
  }

  /** Listener counts (for tests and metrics). */
  sizes(): { users: number; conversations: number } {
    return { users: this.byUser.size, conversations: this.byConv.size };
  }
}
