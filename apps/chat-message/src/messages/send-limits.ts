import { Inject, Injectable, ServiceUnavailableException, type OnApplicationShutdown } from '@nestjs/common';
import { createLimiterRedis, RedisTokenBucket, type RateLimiter } from '@raft/rate-limiter';
import type { Redis } from 'ioredis';
import { RateLimitedError } from '../common/errors';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { ChatMetrics } from '../metrics/chat-metrics';

/**
 * Per-user and per-conversation send limits: token buckets on Redis from @raft/rate-limiter
 * (`RATE_USER_PER_SEC` / `RATE_CONVERSATION_PER_SEC`, bursts of twice that; 0 disables a
 * limit), shared by every chat instance. Refusals are `RateLimitedError` → 429 with
 * Retry-After. If Redis cannot be asked, the limiter fails closed and the send gets 503:
 * without Redis the service cannot deliver anyway.
 */
@Injectable()
export class SendLimits implements OnApplicationShutdown {
  private readonly redis: Redis | null;
  private readonly perUser: RateLimiter | null;
  private readonly perConversation: RateLimiter | null;
  /** Resolves once the limiter connection is ready (or after 2 s, when the policy decides). */
  private readonly connected: Promise<void>;

  constructor(
    @Inject(CHAT_ENV) readonly env: ChatEnv,
    readonly metrics: ChatMetrics,
  ) {
    const needed = env.RATE_USER_PER_SEC > 0 || env.RATE_CONVERSATION_PER_SEC > 0;
    const url = new URL(env.REDIS_URL);
    // A dedicated connection without offline queue or auto-resend: a command replayed after
    // a reconnect would take a token twice.
    this.redis = needed ? createLimiterRedis({ host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0) }) : null;
    const bucket = (perSec: number, kind: string): RateLimiter | null =>
      perSec > 0 && this.redis
        ? new RedisTokenBucket({ capacity: perSec * 2, refillTokens: perSec, refillIntervalMs: 1000 }, { redis: this.redis, prefix: `${env.REDIS_PREFIX}rl:${kind}` })
        : null;
    const redis = this.redis;
    this.connected = redis
      ? new Promise<void>((resolve) => {
          if (redis.status === 'ready') return resolve();
          const timer = setTimeout(resolve, 2000);
          redis.once('ready', () => {
            clearTimeout(timer);
            resolve();
          });
        })
      : Promise.resolve();
    this.perUser = bucket(env.RATE_USER_PER_SEC, 'user');
    this.perConversation = bucket(env.RATE_CONVERSATION_PER_SEC, 'conv');
  }

  /** Takes one token from the sender's bucket and one from the conversation's. @throws RateLimitedError */
  async check(userId: string, conversationId: string): Promise<void> {
    await this.connected;
    for (const [limiter, key, what, scope] of [
      [this.perUser, userId, `user ${userId}`, 'user'],
      [this.perConversation, conversationId, `conversation ${conversationId}`, 'conversation'],
    ] as const) {
      if (!limiter) continue;
      const d = await limiter.tryAcquire(key, 1);
      if (d.allowed) continue;
      if (d.unavailable) throw new ServiceUnavailableException('rate limiter unavailable (Redis); try again shortly');
      this.metrics.rateLimited.inc({ scope });
      throw new RateLimitedError(what, d.retryAfterMs / 1000);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
