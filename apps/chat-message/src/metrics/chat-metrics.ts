import { Controller, Get, Global, Header, Injectable, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one chat instance (GET /metrics). */
@Injectable()
export class ChatMetrics {
  readonly registry = new Registry();
  readonly sends = new Counter({ name: 'chat_sends_total', help: 'Sends by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly sendSeconds = new Histogram({
    name: 'chat_send_seconds',
    help: 'Send latency until the raft commit',
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly projected = new Counter({ name: 'chat_projected_messages_total', help: 'Messages projected into PostgreSQL', registers: [this.registry] });
  readonly projectionRevision = new Gauge({ name: 'chat_projection_revision', help: 'Raft revision the projection has reached', registers: [this.registry] });
  readonly projectionSeconds = new Histogram({
    name: 'chat_projection_seconds',
    help: 'Projection + fan-out time per message',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly inboxWrites = new Counter({ name: 'chat_inbox_writes_total', help: 'Inbox references written (write fan-out amplification)', registers: [this.registry] });
  readonly modeSwitches = new Counter({ name: 'chat_fanout_mode_switches_total', help: 'Conversations switched from write to read fan-out', registers: [this.registry] });
  readonly connections = new Gauge({ name: 'chat_push_connections', help: 'Open push connections', labelNames: ['transport'], registers: [this.registry] });
  readonly delivered = new Counter({ name: 'chat_delivered_messages_total', help: 'Messages pushed to clients', labelNames: ['transport', 'path'], registers: [this.registry] });
  readonly slowDisconnects = new Counter({ name: 'chat_slow_client_disconnects_total', help: 'Clients disconnected for not keeping up', labelNames: ['transport'], registers: [this.registry] });
  readonly syncs = new Counter({ name: 'chat_syncs_total', help: 'Sync computations', labelNames: ['reason'], registers: [this.registry] });
  readonly rateLimited = new Counter({ name: 'chat_rate_limited_total', help: 'Requests refused by a rate limit', labelNames: ['scope'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: ChatMetrics) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

@Global()
@Module({ providers: [ChatMetrics], controllers: [MetricsController], exports: [ChatMetrics] })
export class MetricsModule {}
