import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { BusEvent } from '../common/types';
import { EventBus } from '../infra/event-bus';

export interface HubListener {
  onEvent(e: BusEvent): void;
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
    const targets = new Set<HubListener>();
    const add = (set: Set<HubListener> | undefined): void => set?.forEach((l) => targets.add(l));
    switch (e.t) {
      case 'm':
        if (e.pts) for (const user of Object.keys(e.pts)) add(this.byUser.get(user));
        else add(this.byConv.get(e.m.conversationId));
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
    for (const l of targets) l.onEvent(e);
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
