import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { GatewayEnv } from '../config/gateway-config';
import type { ClusterView, MemberView, NodeStatus } from './cluster-types';

/** Milliseconds per Raft tick on the nodes (raft-node's default TICK_MS). */
const TICK_MS = 10;

export interface NodeAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * The gateway's view of the cluster: starts from the seed addresses, learns every member's
 * address from the replicated address book in each status, finds the leader and follows it
 * as it changes (every call re-reads statuses, so a new leader is used at once).
 */
@Injectable()
export class ClusterClientService {
  private readonly logger = new Logger('cluster');
  private readonly known = new Map<string, string>();

  constructor(config: ConfigService) {
    const env = config.get<GatewayEnv>('gateway')!;
    env.SEED_NODES.split(',').forEach((addr, i) => this.known.set(`seed${i}`, addr));
  }

  /** Status of every reachable member, keyed by node id. */
  async statuses(): Promise<Map<string, NodeStatus>> {
    const addresses = [...new Set(this.known.values())];
    const results = await Promise.all(addresses.map((a) => this.fetchStatus(a)));
    const out = new Map<string, NodeStatus>();
    for (const s of results) {
      if (!s) continue;
      out.set(s.id, s);
      for (const [id, m] of Object.entries(s.members ?? {})) this.known.set(id, m.http);
      this.known.set(s.id, addresses[results.indexOf(s)]!);
    }
    return out;
  }

  private async fetchStatus(addr: string): Promise<NodeStatus | null> {
    try {
      const res = await fetch(`http://${addr}/v1/status`, { signal: AbortSignal.timeout(800) });
      return res.ok ? ((await res.json()) as NodeStatus) : null;
    } catch {
      return null;
    }
  }

  /** The leader's status (highest term wins), or null without one. */
  leaderOf(statuses: Map<string, NodeStatus>): NodeStatus | null {
    let best: NodeStatus | null = null;
    for (const s of statuses.values()) if (s.role === 'leader' && (!best || s.term > best.term)) best = s;
    return best;
  }

  async view(): Promise<ClusterView> {
    const statuses = await this.statuses();
    const leader = this.leaderOf(statuses);
    const source = leader ?? [...statuses.values()].sort((a, b) => b.term - a.term)[0] ?? null;
    const config = source?.config ?? { voters: [], learners: [], outgoing: [] };
    const ids = [...new Set([...config.voters, ...config.outgoing, ...config.learners, ...statuses.keys()])].sort();
    const members: MemberView[] = ids.map((id) => {
      const s = statuses.get(id);
      const p = leader?.progress?.[id];
      const addr = source?.members?.[id];
      const membership = config.voters.includes(id) ? 'voter' : config.outgoing.includes(id) ? 'outgoing-voter' : 'learner';
      return {
        id,
        address: { peer: addr?.peer ?? null, http: addr?.http ?? this.known.get(id) ?? null },
        role: s?.role ?? 'unreachable',
        membership: config.voters.includes(id) || config.outgoing.includes(id) || config.learners.includes(id) ? membership : 'learner',
        term: s?.term ?? null,
        matchIndex: p ? (id === leader?.id ? leader.lastIndex : p.match) : null,
        lag: p && leader ? Math.max(0, leader.lastIndex - (id === leader.id ? leader.lastIndex : p.match)) : null,
        lastContactMs: p ? (id === leader?.id ? 0 : p.ticksSinceContact * TICK_MS) : null,
        commitIndex: s?.commitIndex ?? null,
        appliedIndex: s?.appliedIndex ?? null,
        reachable: s !== undefined,
      };
    });
    return {
      leaderId: leader?.id ?? null,
      term: leader?.term ?? null,
      commitIndex: leader?.commitIndex ?? null,
      members,
      configuration: { voters: [...config.voters], learners: [...config.learners], outgoing: [...config.outgoing] },
      changeInProgress: leader?.configChangeInProgress ?? false,
      membership: leader?.membership ?? null,
      quorum: leader !== null,
    };
  }

  /** The leader or a 503 (no quorum / election in progress). */
  async leader(): Promise<NodeStatus> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const leader = this.leaderOf(await this.statuses());
      if (leader) return leader;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new ServiceUnavailableException('the cluster has no leader (no quorum?)');
  }

  /** Sends an admin request to the current leader, following a leader change once. */
  async toLeader(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<NodeAnswer> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const leader = await this.leader();
      const addr = this.known.get(leader.id);
      try {
        const res = await fetch(`http://${addr}${path}`, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const answer = { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
        if (answer.status === 503 && attempt < 2) {
          this.logger.warn(`leader ${leader.id} answered 503 (${String(answer.body['error'])}); rediscovering`);
          continue;
        }
        return answer;
      } catch (e) {
        this.logger.warn(`admin call to ${leader.id} failed: ${(e as Error).message}`);
      }
    }
    throw new ServiceUnavailableException('could not reach the cluster leader');
  }

  /** The HTTP address of a member, if known. */
  httpAddressOf(id: string): string | undefined {
    return this.known.get(id);
  }
}
