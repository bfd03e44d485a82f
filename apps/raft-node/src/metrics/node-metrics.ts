import { Injectable, type LoggerService } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RaftStatus } from '@raft/raft-core';
import type { HostObserver } from '@raft/raft-host';
import type { PeerTransportStats } from '@raft/raft-transport';
import { registerTransportMetrics } from './transport-metrics';

const ROLES = ['follower', 'precandidate', 'candidate', 'leader'] as const;

/** Prometheus metrics of one node (exposed at GET /metrics). */
@Injectable()
export class NodeMetrics {
  readonly registry = new Registry();
  readonly proposals = new Counter({ name: 'raft_proposals_total', help: 'Commands proposed through this node', registers: [this.registry] });
  readonly httpRequests = new Counter({
    name: 'raft_http_requests_total',
    help: 'HTTP requests answered, by route template and status (see countHttpRequests)',
    labelNames: ['route', 'status'],
    registers: [this.registry],
  });
  readonly appendLatency = new Histogram({
    name: 'raft_wal_append_seconds',
    help: 'Time to make one Ready durable (write + fdatasync)',
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly appendEntries = new Histogram({
    name: 'raft_wal_append_entries',
    help: 'Entries per durable batch (group commit size)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [this.registry],
  });
  readonly snapshotSeconds = new Histogram({ name: 'raft_snapshot_seconds', help: 'Time to write a snapshot', registers: [this.registry] });
  private status: (() => RaftStatus & { appliedIndex: number }) | null = null;
  private transport: (() => PeerTransportStats) | null = null;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Gauges read the node's status lazily, at scrape time.
    const current = (): (RaftStatus & { appliedIndex: number }) | null => this.status?.() ?? null;
    new Gauge({
      name: 'raft_term',
      help: 'Current term',
      registers: [this.registry],
      collect() {
        const s = current();
        if (s) this.set(s.term);
      },
    });
    new Gauge({
      name: 'raft_role',
      help: '1 for the role this node is in',
      labelNames: ['role'],
      registers: [this.registry],
      collect() {
        const s = current();
        if (!s) return;
        for (const r of ROLES) this.set({ role: r }, r === s.role ? 1 : 0);
      },
    });
    new Gauge({
      name: 'raft_commit_index',
      help: 'Commit index',
      registers: [this.registry],
      collect() {
        const s = current();
        if (s) this.set(s.commit);
      },
    });
    new Gauge({
      name: 'raft_applied_index',
      help: 'Applied index',
      registers: [this.registry],
      collect() {
        const s = current();
        if (s) this.set(s.appliedIndex);
      },
    });
    new Gauge({
      name: 'raft_peer_lag_entries',
      help: 'On the leader: entries each peer is behind',
      labelNames: ['peer'],
      registers: [this.registry],
      collect() {
        this.reset();
        const s = current();
        if (!s?.progress) return;
        for (const [peer, p] of Object.entries(s.progress)) this.set({ peer }, Math.max(0, s.lastIndex - p.match));
      },
    });
    registerTransportMetrics(this.registry, () => this.transport?.() ?? null);
  }

  /** Connects the scrape-time gauges to the running node (until then they report nothing). */
  bindStatus(status: () => RaftStatus & { appliedIndex: number }, transport: () => PeerTransportStats): void {
    this.status = status;
    this.transport = transport;
  }

  /** Host hooks feeding the histograms and logs. */
  hostObserver(logger: LoggerService): HostObserver {
    return {
      onPersist: (ms, entries) => {
        this.appendLatency.observe(ms / 1000);
        if (entries > 0) this.appendEntries.observe(entries);
      },
      onSoftState: (role, leaderId, term) => logger.log(`role=${role} leader=${leaderId ?? 'none'} term=${term}`),
      onMembership: (ev) => logger.log(`membership ${ev.change.kind} ${ev.change.id}: ${ev.phase}${ev.round ? ` (round ${ev.round})` : ''}${ev.error ? `: ${ev.error}` : ''}`),
      onSnapshot: (index, ms) => {
        this.snapshotSeconds.observe(ms / 1000);
        logger.log(`snapshot at index ${index} in ${ms.toFixed(1)} ms`);
      },
      onFatal: (e) => logger.error(`FATAL: raft host stopped, no further writes are acknowledged: ${String(e)}`),
    };
  }
}
