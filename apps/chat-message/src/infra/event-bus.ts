import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { BusEvent } from '../common/types';
import { RedisService } from './redis.service';

type Listener = (e: BusEvent) => void;

/**
 * Instance-to-instance events over one Redis pub/sub channel, and their local dispatch.
 * Every instance receives every event; the local hub then wakes only the sockets and
 * long-poll waiters of the users concerned.
 */
@Injectable()
export class EventBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('bus');
  private readonly channel: string;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly redis: RedisService) {
    this.channel = redis.key('events');
  }

  async onModuleInit(): Promise<void> {
    this.redis.sub.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      let e: BusEvent;
      try {
        e = JSON.parse(text) as BusEvent;
      } catch {
        this.logger.warn('dropping a malformed bus event');
        return;
      }
      for (const l of this.listeners) {
        try {
          l(e);
        } catch (err) {
          this.logger.error(`bus listener failed: ${String(err)}`);
        }
      }
    });
    await this.redis.sub.subscribe(this.channel);
  }

  async publish(e: BusEvent): Promise<void> {
    await this.redis.cmd.publish(this.channel, JSON.stringify(e));
  }

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  async onApplicationShutdown(): Promise<void> {
    this.listeners.clear();
    await this.redis.sub.unsubscribe(this.channel).catch(() => undefined);
  }
}
