import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** Prometheus metrics of the gateway (GET /metrics). */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly operations = new Counter({
    name: 'gateway_operations_total',
    help: 'Operations by kind and outcome (accepted, refused, succeeded, failed, interrupted)',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  readonly running = new Gauge({ name: 'gateway_operations_running', help: 'Operations currently running (0 or 1)', registers: [this.registry] });
  readonly reachableNodes = new Gauge({ name: 'gateway_cluster_reachable_nodes', help: 'Nodes that answered the last status poll', registers: [this.registry] });
  readonly leaderKnown = new Gauge({ name: 'gateway_cluster_leader_known', help: '1 when the last poll found a leader', registers: [this.registry] });
  readonly nodeErrors = new Counter({ name: 'gateway_node_request_errors_total', help: 'Status requests to nodes that failed (connection error or timeout)', registers: [this.registry] });
  readonly sseClients = new Gauge({ name: 'gateway_sse_clients', help: 'Connected dashboard event streams', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
