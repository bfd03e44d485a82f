/**
 * Unit tests only: raft-node's admin contract served by plain HTTP servers whose state the
 * test scripts (leader, configuration, membership progress, which nodes are down). The e2e
 * tests (apps/admin-gateway-e2e) use a real cluster instead.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { MembershipProgress, NodeStatus, PeerProgress } from '../src/cluster/cluster-types';

export interface AdminCall {
  readonly node: string;
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown> | null;
}

export interface FakeState {
  leader: string | null;
  term: number;
  voters: string[];
  learners: string[];
  outgoing: string[];
  membership: MembershipProgress | null;
  configChangeInProgress: boolean;
  lastIndex: number;
  progress: Record<string, Partial<PeerProgress>>;
}

interface FakeNode {
  readonly id: string;
  readonly server: Server;
  readonly sockets: Set<Socket>;
  port: number;
  up: boolean;
}

export class FakeCluster {
  readonly state: FakeState = {
    leader: 'n1',
    term: 3,
    voters: [],
    learners: [],
    outgoing: [],
    membership: null,
    configChangeInProgress: false,
    lastIndex: 100,
    progress: {},
  };
  readonly calls: AdminCall[] = [];
  /** Overrides the answer of the leader's admin endpoints; default: 202 and the change starts. */
  onAdmin: ((call: AdminCall) => { status: number; body: Record<string, unknown> } | null) | null = null;
  private readonly nodes = new Map<string, FakeNode>();

  /** Starts one fake node per id; the first `voters` are voters. */
  async start(ids: string[], voters = ids): Promise<void> {
    this.state.voters = [...voters];
    for (const id of ids) await this.addNode(id);
  }

  async addNode(id: string): Promise<void> {
    const sockets = new Set<Socket>();
    const server = createServer((req, res) => void this.handle(id, req, res));
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.nodes.set(id, { id, server, sockets, port: (server.address() as AddressInfo).port, up: true });
  }

  http(id: string): string {
    return `127.0.0.1:${this.nodes.get(id)!.port}`;
  }

  peer(id: string): string {
    return `10.0.0.${Number(id.replace(/\D/g, '')) || 99}:7100`;
  }

  /** A down node refuses nothing but answers nothing useful: its connections are destroyed. */
  setUp(id: string, up: boolean): void {
    this.nodes.get(id)!.up = up;
  }

  async stop(): Promise<void> {
    for (const n of this.nodes.values()) {
      for (const s of n.sockets) s.destroy();
      await new Promise<void>((r) => n.server.close(() => r()));
    }
  }

  status(id: string): NodeStatus {
    const s = this.state;
    const isLeader = s.leader === id;
    const members: Record<string, { peer: string; http: string }> = {};
    for (const m of this.nodes.keys()) members[m] = { peer: this.peer(m), http: this.http(m) };
    const all = [...new Set([...s.voters, ...s.learners, ...s.outgoing])];
    return {
      id,
      role: isLeader ? 'leader' : 'follower',
      term: s.term,
      leaderId: s.leader,
      commitIndex: s.lastIndex,
      appliedIndex: s.lastIndex,
      lastIndex: s.lastIndex,
      snapshotIndex: 0,
      failed: false,
      config: { voters: [...s.voters], learners: [...s.learners], outgoing: [...s.outgoing] },
      configChangeInProgress: isLeader ? s.configChangeInProgress : false,
      membership: isLeader ? s.membership : null,
      members,
      progress: isLeader
        ? Object.fromEntries(
            all.map((m) => [
              m,
              { match: s.lastIndex, next: s.lastIndex + 1, state: 'replicate', recentActive: true, ticksSinceContact: 2, learner: s.learners.includes(m), ...(s.progress[m] ?? {}) },
            ]),
          )
        : null,
    };
  }

  private async handle(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.nodes.get(id)!.up) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/v1/status') return send(200, this.status(id));
    if (!url.startsWith('/v1/admin/')) return send(404, { error: 'not found' });
    const call: AdminCall = { node: id, method: req.method ?? 'GET', path: url, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
    this.calls.push(call);
    if (this.state.leader !== id) return send(503, { error: this.state.leader ? `not the leader; try ${this.state.leader}` : 'no leader', leaderId: this.state.leader });
    const custom = this.onAdmin?.(call);
    if (custom) return send(custom.status, custom.body);
    if (call.path === '/v1/admin/transfer-leadership') return send(202, { transferring: call.body!['to'] });
    if (this.state.configChangeInProgress) return send(409, { error: 'a configuration change is already in progress' });
    const target = call.method === 'DELETE' ? decodeURIComponent(call.path.split('/').pop()!) : String(call.body!['id']);
    const kind = call.method === 'DELETE' ? 'remove' : call.body!['role'] === 'voter' ? 'add-voter' : 'add-learner';
    this.state.membership = { change: { kind, id: target }, phase: kind === 'remove' ? 'joint' : 'adding-learner', round: 0, error: null };
    this.state.configChangeInProgress = true;
    return send(202, { accepted: true, membership: this.state.membership });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
