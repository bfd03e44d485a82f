import { HttpException, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { GATEWAY_ENV, type GatewayEnv } from '../config/gateway-config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { ClusterView, Configuration, NodeStatus } from './cluster-types';
import { buildClusterView, leaderOf } from './cluster-view';

/** A node's answer to an admin call. */
export interface NodeAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * The gateway's connection to the cluster. Starts from the seed addresses, learns every
 * member's HTTP address from the replicated address book (`members` in each status), finds
 * the leader and follows it: admin calls go to the last known leader, and a 503 (with the
 * leader hint) or a connection error triggers re-discovery.
 *
 * Polls are coalesced: concurrent callers share one round of GET /v1/status requests.
 */
@Injectable()
export class ClusterClientService {
  private readonly logger = new Logger('cluster');
  private readonly seeds: string[];
  /** node id → client HTTP address, learned from statuses. */
  private readonly known = new Map<string, string>();
  /** Members of the last configuration seen (removed nodes stop being polled). */
  private lastMembers: Set<string> | null = null;
  private lastConfig: Configuration | null = null;
  private leaderId: string | null = null;
  private inflight: Promise<Map<string, NodeStatus>> | null = null;
  private readonly timeoutMs: number;
  private readonly tickMs: number;

  constructor(
    config: ConfigService,
    private readonly metrics: GatewayMetrics,
  ) {
    const env = config.getOrThrow<GatewayEnv>(GATEWAY_ENV);
    this.seeds = env.SEED_NODES.split(',');
    this.timeoutMs = env.NODE_TIMEOUT_MS;
    this.tickMs = env.NODE_TICK_MS;
  }

  /** Addresses polled: the seeds plus the members of the current configuration. */
  private targets(): string[] {
    const learned = [...this.known.entries()].filter(([id]) => this.lastMembers === null || this.lastMembers.has(id)).map(([, a]) => a);
    return [...new Set([...this.seeds, ...learned])];
  }

  /** Status of every reachable node, keyed by node id (one shared round at a time). */
  statuses(): Promise<Map<string, NodeStatus>> {
    this.inflight ??= this.poll().finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async poll(): Promise<Map<string, NodeStatus>> {
    const out = new Map<string, NodeStatus>();
    const polled = new Set<string>();
    // Addresses learned in one round (from `members`) are polled in the next, at most 3 rounds.
    for (let round = 0; round < 3; round++) {
      const targets = this.targets().filter((a) => !polled.has(a));
      if (targets.length === 0) break;
      targets.forEach((a) => polled.add(a));
      const results = await Promise.all(targets.map((a) => this.fetchStatus(a)));
      targets.forEach((addr, i) => {
        const s = results[i];
        if (!s) return;
        out.set(s.id, s);
        this.known.set(s.id, addr);
      });
      // New ids from anyone's address book; for known ids the leader's book is authoritative.
      const leaderNow = leaderOf(out);
      for (const s of out.values()) {
        for (const [id, m] of Object.entries(s.members ?? {})) {
          if (!out.has(id) && (!this.known.has(id) || s === leaderNow)) this.known.set(id, m.http);
        }
      }
    }
    const leader = leaderOf(out);
    if (leader) {
      this.leaderId = leader.id;
      this.lastMembers = new Set([...leader.config.voters, ...leader.config.learners, ...leader.config.outgoing]);
      this.lastConfig = leader.config;
    }
    this.metrics.reachableNodes.set(out.size);
    this.metrics.leaderKnown.set(leader ? 1 : 0);
    return out;
  }

  private async fetchStatus(addr: string): Promise<NodeStatus | null> {
    try {
      const res = await fetch(`http://${addr}/v1/status`, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!res.ok) return null;
      const body = (await res.json()) as NodeStatus;
      return typeof body.id === 'string' && typeof body.term === 'number' && body.config ? body : null;
    } catch {
      this.metrics.nodeErrors.inc();
      return null;
    }
  }

  /** The cluster as GET /v1/cluster shows it. */
  async view(): Promise<ClusterView> {
    return buildClusterView(await this.statuses(), this.known, this.tickMs, new Date(), this.lastConfig);
  }

  /** The current leader's status, waiting up to `ms` for an election; 503 without one. */
  async leader(ms = 2000): Promise<NodeStatus> {
    const deadline = Date.now() + ms;
    for (;;) {
      const leader = leaderOf(await this.statuses());
      if (leader) return leader;
      if (Date.now() >= deadline) throw new ServiceUnavailableException('the cluster has no leader (no quorum?)');
      await sleep(100);
    }
  }

  /**
   * Sends an admin request to the leader. Follows a `503 {leaderId}` answer to the named
   * leader, and re-discovers on connection errors and 503s without a hint.
   */
  async toLeader(method: 'POST' | 'DELETE', path: string, body?: unknown, attempts = 4): Promise<NodeAnswer> {
    let target: string | null = this.leaderId;
    let last = 'no leader found';
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (target === null || !this.known.has(target)) target = (await this.leader()).id;
      const addr = this.known.get(target) ?? target;
      try {
        const res = await fetch(`http://${addr}${path}`, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(Math.max(this.timeoutMs, 5000)),
        });
        const answer: NodeAnswer = { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
        if (answer.status !== 503) return answer;
        last = `${target} answered 503: ${String(answer.body['error'])}`;
        const hint = answer.body['leaderId'];
        target = typeof hint === 'string' && hint !== target ? hint : null;
      } catch (e) {
        last = `${target} unreachable: ${(e as Error).message}`;
        target = null;
      }
      this.logger.warn(`admin call ${method} ${path}: ${last}; re-discovering the leader`);
      this.leaderId = null;
      if (target === null) await sleep(100 * (attempt + 1));
    }
    throw new HttpException({ message: `the cluster leader could not be reached (${last})` }, 503);
  }

  /** The HTTP address of a member, if known. */
  httpAddressOf(id: string): string | undefined {
    return this.known.get(id);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
