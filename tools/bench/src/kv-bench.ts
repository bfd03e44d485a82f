/**
 * raft-ts vs etcd 3.4 on the same machine with the same closed-loop HTTP load generator:
 * 256-byte puts at 1/16/64/256 clients and linearizable gets, clients spread over the three
 * nodes of each cluster. Usage: npx nx run bench:kv [-- --seconds 10] [--clients 1,16]
 * [--warm-up 30] (`--clients` picks the put points; gets run at 16 and 64 clients unless it
 * is given; `--warm-up` is the seconds of 16-client puts each system gets first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { b64, EtcdCluster } from '@raft/etcd-harness';
import { runLoad, type LoadRequest, type LoadResult } from './http-load';

const root = resolve(__dirname, '..', '..', '..');
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const seconds = Number(flag('--seconds') ?? 8);
const chosenClients = flag('--clients')?.split(',').map(Number);
if (chosenClients?.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--clients must be a comma-separated list of positive integers, got ${flag('--clients')}`);
const clientCounts = chosenClients ?? [1, 16, 64, 256];
const getClientCounts = chosenClients ? [] : [16, 64];
const value = 'v'.repeat(256);
// Both systems get the same warm-up at 16 clients before their first point. A fresh Node
// cluster takes tens of seconds of load to settle on this VM (JIT tiers, heap sizing): three
// consecutive 15 s runs of 16 clients on a fresh cluster spent 1,047, 659 and 623 µs of node
// CPU per put (BENCHMARKS.md). etcd, compiled ahead of time, needs none, and loses nothing.
const warmUpSeconds = Number(flag('--warm-up') ?? 30);
if (!Number.isFinite(warmUpSeconds) || warmUpSeconds < 0) throw new Error(`--warm-up must be a number of seconds, got ${flag('--warm-up')}`);

async function startOurs(dir: string, basePort: number): Promise<ChildProcess> {
  const sup = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'tools/cluster/src/main.ts'), 'up', '--nodes', '3', '--base-port', String(basePort), '--data-dir', dir, '--no-services'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  sup.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/leader: n\d/.test(out)) {
    if (Date.now() > deadline) throw new Error(`our cluster did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return sup;
}

interface System {
  readonly name: string;
  put(client: number, i: number): LoadRequest;
  get(client: number, i: number): LoadRequest;
}

function ours(basePort: number): System {
  const port = (c: number): number => basePort + 1 + (c % 3);
  return {
    name: 'raft-ts',
    put: (c, i) => ({ method: 'PUT', host: '127.0.0.1', port: port(c), path: `/v1/kv/bench-${c}-${i % 1000}`, body: JSON.stringify({ value }) }),
    get: (c, i) => ({ method: 'GET', host: '127.0.0.1', port: port(c), path: `/v1/kv/bench-${c % 16}-${i % 100}` }),
  };
}

function etcd(cluster: EtcdCluster): System {
  const port = (c: number): number => cluster.nodes[c % cluster.nodes.length]!.clientPort;
  return {
    name: 'etcd 3.4',
    put: (c, i) => ({ method: 'POST', host: '127.0.0.1', port: port(c), path: '/v3/kv/put', body: JSON.stringify({ key: b64(`bench-${c}-${i % 1000}`), value: b64(value) }) }),
    get: (c, i) => ({ method: 'POST', host: '127.0.0.1', port: port(c), path: '/v3/kv/range', body: JSON.stringify({ key: b64(`bench-${c % 16}-${i % 100}`) }) }),
  };
}

/**
 * A pause after each point, so that what a system does once its load stops (a snapshot
 * being written, compaction, garbage collection) is not charged to the other system's point.
 */
const SETTLE_MS = 3000;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

type Point = { readonly kind: 'put' | 'get'; readonly clients: number };

/** Runs one point; prints and returns its result. */
async function measurePoint(sys: System, point: Point): Promise<LoadResult> {
  const r = await runLoad(point.clients, seconds, (cl, i) => (point.kind === 'put' ? sys.put(cl, i) : sys.get(cl, i)));
  console.log(`${sys.name} ${point.kind}  c=${point.clients}: ${r.throughput.toFixed(0)}/s p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} p999 ${r.p999.toFixed(2)} ms (errors ${r.errors})`);
  return r;
}

function table(title: string, a: LoadResult[], b: LoadResult[]): string {
  const rows = a.map((r, i) => {
    const e = b[i]!;
    return `| ${r.clients} | ${r.throughput.toFixed(0)} | ${r.p50.toFixed(2)} / ${r.p99.toFixed(2)} / ${r.p999.toFixed(2)} | ${e.throughput.toFixed(0)} | ${e.p50.toFixed(2)} / ${e.p99.toFixed(2)} / ${e.p999.toFixed(2)} | ${(r.throughput / e.throughput).toFixed(2)}x |`;
  });
  return [`### ${title}`, '', '| clients | raft-ts ops/s | raft-ts p50/p99/p999 ms | etcd ops/s | etcd p50/p99/p999 ms | ratio |', '|---|---|---|---|---|---|', ...rows, ''].join('\n');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kv-bench-'));
  const basePort = 9100;
  // Both clusters run side by side and the points alternate between them (ours, then etcd,
  // at each point), so a slow spell of this shared VM lands on both systems rather than on
  // whichever happened to run then. The idle cluster only exchanges heartbeats.
  const sup = await startOurs(join(dir, 'ours'), basePort);
  const cluster = new EtcdCluster(join(dir, 'etcd'));
  const points: Point[] = [...clientCounts.map((clients) => ({ kind: 'put' as const, clients })), ...getClientCounts.map((clients) => ({ kind: 'get' as const, clients }))];
  const results = { ours: [] as LoadResult[], etcd: [] as LoadResult[] };
  try {
    await cluster.startAll();
    const systems = { ours: ours(basePort), etcd: etcd(cluster) };
    for (const sys of [systems.ours, systems.etcd]) await runLoad(16, warmUpSeconds, (c, i) => sys.put(c, i));
    for (const point of points) {
      results.ours.push(await measurePoint(systems.ours, point));
      await settle();
      results.etcd.push(await measurePoint(systems.etcd, point));
      await settle();
    }
  } finally {
    cluster.stopAll();
    sup.kill('SIGTERM');
    await new Promise((r) => sup.once('exit', r));
  }
  const ofKind = (rs: LoadResult[], kind: Point['kind']): LoadResult[] => rs.filter((_, i) => points[i]!.kind === kind);
  const oursResult = { puts: ofKind(results.ours, 'put'), gets: ofKind(results.ours, 'get') };
  const etcdResult = { puts: ofKind(results.etcd, 'put'), gets: ofKind(results.etcd, 'get') };
  rmSync(dir, { recursive: true, force: true });
  const md = [
    '# KV benchmark: raft-ts vs etcd 3.4',
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}. Command: \`npx nx run bench:kv -- --seconds ${seconds}${chosenClients ? ` --clients ${chosenClients.join(',')}` : ''}${warmUpSeconds !== 30 ? ` --warm-up ${warmUpSeconds}` : ''}\`.`,
    `Workload: closed-loop HTTP clients spread over the 3 nodes of each cluster; puts of 256-byte values, linearizable gets; ${seconds} s per point, the two systems alternating point by point (both clusters up, 3 s of quiet after each point), after ${warmUpSeconds} s of 16-client puts for each; load generator in the same machine.`,
    '',
    table('Puts', oursResult.puts, etcdResult.puts),
    table('Linearizable gets', oursResult.gets, etcdResult.gets),
  ].join('\n');
  // A partial run (chosen client counts) prints but keeps the full results file.
  if (!chosenClients) {
    mkdirSync(join(root, 'tools/bench/results'), { recursive: true });
    writeFileSync(join(root, 'tools/bench/results/kv.md'), md);
  }
  console.log(md);
}

void main();
