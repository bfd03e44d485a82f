import { Inject, Injectable } from '@nestjs/common';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { ChatMetrics } from '../metrics/chat-metrics';

/**
 * Per-user and per-conversation send limits: the integration point for @raft/rate-limiter
 * (token buckets on Redis, `RATE_USER_PER_SEC` / `RATE_CONVERSATION_PER_SEC`, burst 2×,
 * refusals as `RateLimitedError` → 429 + Retry-After, counted in chat_rate_limited_total).
 *
 * NOT ENFORCED YET: libs/rate-limiter/src/index.ts still exports nothing, and this service
 * must not grow its own limiter. Once the library lands, `check` takes one token from the
 * user's bucket and one from the conversation's bucket here.
 */
@Injectable()
export class SendLimits {
  constructor(
    @Inject(CHAT_ENV) readonly env: ChatEnv,
    readonly metrics: ChatMetrics,
  ) {}

  /** @throws RateLimitedError (429 + Retry-After) once wired to @raft/rate-limiter. */
  async check(_userId: string, _conversationId: string): Promise<void> {
    return;
  }
}
