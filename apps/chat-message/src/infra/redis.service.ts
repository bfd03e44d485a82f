import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';

/**
 * The Redis connections of one instance: `cmd` for commands (inboxes, limits, id leases)
 * and `sub` for pub/sub (a subscribed connection cannot run other commands). Every key and
 * channel is under `REDIS_PREFIX`.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger('redis');
  readonly cmd: Redis;
  readonly sub: Redis;
  readonly prefix: string;

  constructor(@Inject(CHAT_ENV) env: ChatEnv) {
    this.prefix = env.REDIS_PREFIX;
    this.cmd = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false });
    this.sub = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
    for (const c of [this.cmd, this.sub]) c.on('error', (e: Error) => this.logger.warn(`redis: ${e.message}`));
  }

  key(...parts: (string | number)[]): string {
    return this.prefix + parts.join(':');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.cmd.quit(), this.sub.quit()]);
  }
}
