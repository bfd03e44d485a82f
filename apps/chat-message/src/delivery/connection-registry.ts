import { Inject, Injectable } from '@nestjs/common';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { ChatMetrics } from '../metrics/chat-metrics';

/** Connection limits of one instance: total push connections and per user. */
@Injectable()
export class ConnectionRegistry {
  private total = 0;
  private readonly perUser = new Map<string, number>();

  constructor(
    @Inject(CHAT_ENV) private readonly env: ChatEnv,
    private readonly metrics: ChatMetrics,
  ) {}

  /** Takes a slot or returns why not; call the returned release exactly once. */
  acquire(userId: string, transport: 'ws' | 'sse'): { ok: true; release: () => void } | { ok: false; reason: string } {
    if (this.total >= this.env.MAX_CONNECTIONS) return { ok: false, reason: 'server connection limit reached; retry later' };
    const n = this.perUser.get(userId) ?? 0;
    if (n >= this.env.MAX_CONNECTIONS_PER_USER) return { ok: false, reason: `at most ${this.env.MAX_CONNECTIONS_PER_USER} connections per user` };
    this.total++;
    this.perUser.set(userId, n + 1);
    this.metrics.connections.inc({ transport });
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.perUser.get(userId) ?? 1) - 1;
        if (left <= 0) this.perUser.delete(userId);
        else this.perUser.set(userId, left);
        this.metrics.connections.dec({ transport });
      },
    };
  }

  get count(): number {
    return this.total;
  }
}
