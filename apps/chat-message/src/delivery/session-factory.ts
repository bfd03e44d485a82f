import { Inject, Injectable, Logger } from '@nestjs/common';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import type { SyncCursor } from '../common/cursor';
import { FeedService } from '../fanout/feed.service';
import { ChatMetrics } from '../metrics/chat-metrics';
import { LiveSession, type Transport } from './live-session';
import { LocalHub } from './local-hub';

@Injectable()
export class SessionFactory {
  private readonly logger = new Logger('delivery');

  constructor(
    private readonly feed: FeedService,
    private readonly hub: LocalHub,
    private readonly metrics: ChatMetrics,
    @Inject(CHAT_ENV) private readonly env: ChatEnv,
  ) {}

  create(userId: string, cursor: SyncCursor, transport: Transport): LiveSession {
    return new LiveSession(userId, cursor, transport, {
      feed: this.feed,
      hub: this.hub,
      metrics: this.metrics,
      logger: this.logger,
      pageLimit: this.env.SYNC_PAGE_LIMIT,
      maxQueued: 10_000,
    });
  }
}
