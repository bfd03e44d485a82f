import { b64, EtcdCluster } from '@raft/etcd-harness';
import { fetchJson, neverSent, sleep, type Attempt, type ChaosOp, type ChaosTarget, type FaultKind } from './target';

const unb64 = (s: unknown): string => Buffer.from(String(s), 'base64').toString('utf8');

/**
 * A 3-node etcd 3.4 cluster driven through its JSON gateway — the system known to be
 * linearizable that validates our harness. etcd has no request ids, so writes are never
 * retried (a retried put could apply twice) and incr is not offered.
 */
export class EtcdTarget implements ChaosTarget {
  readonly name = 'etcd 3.4';
  readonly supportedFaults: readonly FaultKind[] = ['kill', 'pause'];
  readonly exactlyOnce = false;
  readonly ops = ['put', 'get', 'delete', 'cas'] as const;
  readonly nodeIds: string[];
  private readonly cluster: EtcdCluster;

  constructor(dataDir: string, basePort: number) {
    this.cluster = new EtcdCluster(dataDir, basePort);
    this.nodeIds = this.cluster.nodes.map((n) => n.name);
  }

  private node(id: string) {
    const n = this.cluster.nodes.find((x) => x.name === id);
    if (!n) throw new Error(`unknown etcd member ${id}`);
    return n;
  }

  start(): Promise<void> {
    return this.cluster.startAll();
  }

  async stop(): Promise<void> {
    for (const n of this.cluster.nodes) if (n.process?.pid) process.kill(n.process.pid, 'SIGCONT');
    this.cluster.stopAll();
  }

  kill(id: string): void {
    const n = this.node(id);
    if (n.process?.pid) process.kill(n.process.pid, 'SIGKILL');
    n.process = null;
  }

  restart(id: string): void {
    const n = this.node(id);
    if (!n.process) this.cluster.start(n);
  }

  pause(id: string): void {
    const pid = this.node(id).process?.pid;
    if (pid) process.kill(pid, 'SIGSTOP');
  }

  resume(id: string): void {
    const pid = this.node(id).process?.pid;
    if (pid) process.kill(pid, 'SIGCONT');
  }

  async leader(): Promise<string | null> {
    return null; // not needed: faults pick random members
  }

  async execute(node: string, op: ChaosOp, _ids: unknown, timeoutMs: number): Promise<Attempt> {
    const url = (path: string): string => `http://127.0.0.1:${this.node(node).clientPort}/v3/kv/${path}`;
    const post = (path: string, body: unknown) => fetchJson(url(path), { method: 'POST', body: JSON.stringify(body) }, timeoutMs);
    try {
      let r;
      switch (op.op) {
        case 'get':
          r = await post('range', { key: b64(op.key) });
          if (r.status !== 200) return { kind: 'fail', reason: String(r.status) };
          return { kind: 'ok', output: { value: Array.isArray(r.body['kvs']) && r.body['kvs'].length > 0 ? unb64((r.body['kvs'][0] as Record<string, unknown>)['value']) : null } };
        case 'put':
          r = await post('put', { key: b64(op.key), value: b64(op.value) });
          return r.status === 200 ? { kind: 'ok', output: {} } : { kind: 'unknown', reason: String(r.status) };
        case 'delete':
          r = await post('deleterange', { key: b64(op.key) });
          return r.status === 200 ? { kind: 'ok', output: { deleted: Number(r.body['deleted'] ?? 0) > 0 } } : { kind: 'unknown', reason: String(r.status) };
        case 'cas': {
          const compare = op.expect === null ? { key: b64(op.key), target: 'CREATE', result: 'EQUAL', create_revision: '0' } : { key: b64(op.key), target: 'VALUE', result: 'EQUAL', value: b64(op.expect) };
          r = await post('txn', { compare: [compare], success: [{ request_put: { key: b64(op.key), value: b64(op.value) } }] });
          return r.status === 200 ? { kind: 'ok', output: { succeeded: r.body['succeeded'] === true } } : { kind: 'unknown', reason: String(r.status) };
        }
        case 'incr':
          return { kind: 'fail', reason: 'incr is not offered on etcd' };
      }
    } catch (e) {
      return op.op === 'get' || neverSent(e) ? { kind: 'fail', reason: String(e) } : { kind: 'unknown', reason: String(e) };
    }
  }

  async waitConverged(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const revs = await Promise.all(
        this.cluster.nodes.map((n) =>
          fetchJson(`http://127.0.0.1:${n.clientPort}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64('\u0000'), serializable: true }) }, 1000)
            .then((r) => String((r.body['header'] as Record<string, unknown> | undefined)?.['revision']))
            .catch(() => 'down'),
        ),
      );
      if (!revs.includes('down') && new Set(revs).size === 1) return;
      await sleep(300);
    }
    throw new Error('etcd members did not converge');
  }

  async dump(node: string, keys: readonly string[]): Promise<Record<string, string | null>> {
    const out: Record<string, string | null> = {};
    for (const k of keys) {
      const r = await fetchJson(`http://127.0.0.1:${this.node(node).clientPort}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64(k), serializable: true }) }, 2000);
      const kvs = r.body['kvs'];
      out[k] = Array.isArray(kvs) && kvs.length > 0 ? unb64((kvs[0] as Record<string, unknown>)['value']) : null;
    }
    return out;
  }
}
