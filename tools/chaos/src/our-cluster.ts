import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LinkProxy } from './link-proxy';
import { fetchJson, neverSent, sleep, type Attempt, type ChaosOp, type ChaosTarget, type FaultKind } from './target';

interface NodeProc {
  readonly id: string;
  readonly index: number;
  proc: ChildProcess | null;
  join: boolean;
}

/**
 * Our raft-node processes, with every directed peer link going through its own proxy so
 * the nemesis can cut, delay or break links — symmetrically or one way.
 */
export class OurCluster implements ChaosTarget {
  readonly name = 'raft-ts';
  readonly supportedFaults: readonly FaultKind[] = ['kill', 'pause', 'partition', 'membership'];
  readonly exactlyOnce = true;
  readonly ops = ['put', 'get', 'delete', 'cas', 'incr'] as const;
  readonly nodeIds: string[];
  private readonly nodes: NodeProc[];
  private readonly proxies: LinkProxy[] = [];

  constructor(
    private readonly root: string,
    private readonly dataDir: string,
    private readonly basePort: number,
    size: number,
    private readonly random: () => number,
    private readonly env: Record<string, string> = {},
  ) {
    this.nodes = Array.from({ length: size }, (_, k) => ({ id: `n${k + 1}`, index: k + 1, proc: null, join: false }));
    this.nodeIds = this.nodes.map((n) => n.id);
  }

  private http = (i: number): number => this.basePort + i;
  private peer = (i: number): number => this.basePort + 100 + i;
  private proxyPort = (from: number, to: number): number => this.basePort + 200 + from * 10 + to;

  async start(): Promise<void> {
    for (const a of this.nodes) {
      for (const b of this.nodes) {
        if (a === b) continue;
        const p = new LinkProxy(a.id, b.id, this.proxyPort(a.index, b.index), this.peer(b.index), this.random);
        await p.start();
        this.proxies.push(p);
      }
    }
    for (const n of this.nodes) this.spawn(n);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (await this.leader()) return;
      await sleep(200);
    }
    throw new Error('cluster elected no leader within 30 s');
  }

  private spawn(n: NodeProc): void {
    // Each node dials its peers through the proxies of its own outbound links.
    const peers = this.nodes.map((m) => `${m.id}=127.0.0.1:${m === n ? this.peer(m.index) : this.proxyPort(n.index, m.index)}:${this.http(m.index)}`).join(',');
    const dir = join(this.dataDir, n.id);
    mkdirSync(dir, { recursive: true });
    const log = openSync(join(this.dataDir, `${n.id}.log`), 'a');
    n.proc = spawn(process.execPath, [join(this.root, 'dist/apps/raft-node/src/main.js')], {
      env: {
        ...process.env,
        NODE_ID: n.id,
        CLUSTER_ID: 'chaos',
        PEERS: peers,
        JOIN: String(n.join),
        HTTP_PORT: String(this.http(n.index)),
        PEER_PORT: String(this.peer(n.index)),
        DATA_DIR: dir,
        REQUEST_TIMEOUT_MS: '2000',
        SNAPSHOT_THRESHOLD: '500',
        LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: ['ignore', log, log],
    });
  }

  private node(id: string): NodeProc {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`unknown node ${id}`);
    return n;
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) {
      n.proc?.kill('SIGCONT');
      n.proc?.kill('SIGKILL');
      n.proc = null;
    }
    for (const p of this.proxies) await p.stop();
  }

  kill(id: string): void {
    const n = this.node(id);
    n.proc?.kill('SIGKILL');
    n.proc = null;
  }

  restart(id: string): void {
    const n = this.node(id);
    if (!n.proc) this.spawn(n);
  }

  pause(id: string): void {
    this.node(id).proc?.kill('SIGSTOP');
  }

  resume(id: string): void {
    this.node(id).proc?.kill('SIGCONT');
  }

  partition(minority: readonly string[], oneWay: boolean): void {
    const inMinority = new Set(minority);
    for (const p of this.proxies) {
      const crosses = inMinority.has(p.from) !== inMinority.has(p.to);
      // One way: only traffic from the minority to the majority is lost.
      if (crosses && (!oneWay || inMinority.has(p.from))) p.setMode({ kind: 'cut' });
    }
  }

  heal(): void {
    for (const p of this.proxies) p.setMode({ kind: 'pass' });
  }

  /**
   * The node a majority names as leader and that says it is leader, or null. Answers as soon
   * as the statuses in hand decide it: a paused node's status only times out (500 ms), and
   * waiting for it quantised every failover measured past a paused leader to ~1,050 ms.
   */
  leader(): Promise<string | null> {
    return new Promise((resolve) => {
      const statuses: (Record<string, unknown> | null)[] = [];
      for (const n of this.nodes) {
        void this.status(n.index).then((s) => {
          statuses.push(s);
          const id = majorityLeader(statuses, this.nodes.length);
          if (id !== null || statuses.length === this.nodes.length) resolve(id);
        });
      }
    });
  }

  private async status(i: number): Promise<Record<string, unknown> | null> {
    try {
      const r = await fetchJson(`http://127.0.0.1:${this.http(i)}/v1/status`, {}, 500);
      return r.status === 200 ? r.body : null;
    } catch {
      return null;
    }
  }

  async execute(node: string, op: ChaosOp, ids: { clientId: string; requestId: string }, timeoutMs: number): Promise<Attempt> {
    const base = `http://127.0.0.1:${this.http(this.node(node).index)}/v1/kv/${encodeURIComponent(op.key)}`;
    const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let res: { status: number; body: Record<string, unknown> };
    try {
      switch (op.op) {
        case 'get':
          res = await fetchJson(base, {}, timeoutMs);
          if (res.status === 404) return { kind: 'ok', output: { value: null } };
          break;
        case 'put':
          res = await fetchJson(base, json('PUT', { value: op.value, ...ids }), timeoutMs);
          break;
        case 'delete':
          res = await fetchJson(`${base}?clientId=${ids.clientId}&requestId=${ids.requestId}`, { method: 'DELETE' }, timeoutMs);
          break;
        case 'cas':
          res = await fetchJson(`${base}/cas`, json('POST', { expect: op.expect, value: op.value, ...ids }), timeoutMs);
          break;
        case 'incr':
          res = await fetchJson(`${base}/incr`, json('POST', { delta: op.delta, ...ids }), timeoutMs);
          if (res.status === 409 && String(res.body['error']).includes('not an integer')) return { kind: 'ok', output: { error: 'not-an-integer' } };
          break;
      }
    } catch (e) {
      // A refused connection sent nothing; otherwise a write may have been received.
      return op.op === 'get' || neverSent(e) ? { kind: 'fail', reason: String(e) } : { kind: 'unknown', reason: String(e) };
    }
    if (res.status === 200) {
      if (op.op === 'get') return { kind: 'ok', output: { value: res.body['value'] } };
      // A failed cas omits `current` exactly when the key is absent.
      if (op.op === 'cas') return { kind: 'ok', output: res.body['succeeded'] === true ? { succeeded: true } : { succeeded: false, current: 'current' in res.body ? res.body['current'] : null } };
      if (op.op === 'incr') return { kind: 'ok', output: { value: res.body['value'] } };
      if (op.op === 'delete') return { kind: 'ok', output: { deleted: res.body['deleted'] } };
      return { kind: 'ok', output: {} };
    }
    // 503 and 410: refused before anything was proposed (no leader / not leader / a node
    // that knows it was removed); 504: unknown.
    if (res.status === 503 || res.status === 410 || res.status === 400 || res.status === 409) return { kind: 'fail', reason: `${res.status} ${String(res.body['error'])}` };
    return op.op === 'get' ? { kind: 'fail', reason: `${res.status}` } : { kind: 'unknown', reason: `${res.status} ${String(res.body['error'])}` };
  }

  async cycleMembership(id: string, log: (s: string) => void): Promise<void> {
    const n = this.node(id);
    const leader = await this.leader();
    if (!leader || leader === id) return;
    const leaderPort = this.http(this.node(leader).index);
    const del = await fetchJson(`http://127.0.0.1:${leaderPort}/v1/admin/members/${id}`, { method: 'DELETE' }, 2000).catch(() => null);
    if (del?.status !== 202) return log(`membership: remove ${id} refused (${del?.status ?? 'no answer'})`);
    log(`membership: removing ${id}`);
    await this.waitConfig((voters) => !voters.includes(id), 15_000);
    this.kill(id);
    rmSync(join(this.dataDir, id), { recursive: true, force: true });
    n.join = true;
    this.spawn(n);
    await sleep(1000);
    const now = await this.leader();
    if (!now) return log(`membership: no leader to re-add ${id}`);
    const add = await fetchJson(
      `http://127.0.0.1:${this.http(this.node(now).index)}/v1/admin/members`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, peerAddress: `127.0.0.1:${this.peer(n.index)}`, httpAddress: `127.0.0.1:${this.http(n.index)}`, role: 'voter' }) },
      5000,
    ).catch(() => null);
    log(`membership: re-adding ${id} as a fresh voter (${add?.status ?? 'no answer'})`);
    await this.waitConfig((voters) => voters.includes(id), 20_000).catch(() => log(`membership: ${id} not a voter yet`));
  }

  private async waitConfig(ok: (voters: string[]) => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const l = await this.leader();
      const s = l ? await this.status(this.node(l).index) : null;
      const config = s?.['config'] as { voters: string[]; outgoing: string[] } | undefined;
      if (config && config.outgoing.length === 0 && ok(config.voters) && s?.['configChangeInProgress'] === false) return;
      await sleep(200);
    }
    throw new Error('configuration change did not finish');
  }

  async waitConverged(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let stableSince = 0;
    while (Date.now() < deadline) {
      const s = await Promise.all(this.nodes.map((n) => this.status(n.index)));
      const applied = s.map((x) => x?.['appliedIndex']);
      const same = s.every((x) => x !== null && x['appliedIndex'] === x['commitIndex']) && new Set(applied).size === 1;
      if (same && (await this.leader())) {
        if (!stableSince) stableSince = Date.now();
        if (Date.now() - stableSince > 1500) return;
      } else stableSince = 0;
      await sleep(200);
    }
    throw new Error('replicas did not converge');
  }

  async dump(node: string, keys: readonly string[]): Promise<Record<string, string | null>> {
    const out: Record<string, string | null> = {};
    const i = this.node(node).index;
    for (const k of keys) {
      const r = await fetchJson(`http://127.0.0.1:${this.http(i)}/v1/kv/${encodeURIComponent(k)}?consistency=serializable`, {}, 2000);
      out[k] = r.status === 200 ? String(r.body['value']) : null;
    }
    const st = await this.status(i);
    out['__revision'] = String(st?.['revision']);
    return out;
  }
}

/**
 * The id that more than half of `clusterSize` statuses name as leader, if that node's own
 * status (among them) says it is leader. More statuses cannot change a decided answer: no
 * other id can also have a majority.
 */
export function majorityLeader(statuses: readonly (Record<string, unknown> | null)[], clusterSize: number): string | null {
  const votes = new Map<string, number>();
  for (const s of statuses) if (s?.['leaderId']) votes.set(String(s['leaderId']), (votes.get(String(s['leaderId'])) ?? 0) + 1);
  for (const [id, count] of votes) if (count > clusterSize / 2 && statuses.some((s) => s?.['id'] === id && s['role'] === 'leader')) return id;
  return null;
}
