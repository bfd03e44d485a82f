/**
 * raft-ts vs etcd 3.4 on the same machine with the same closed-loop HTTP load generator:
 * 256-byte puts at 1/16/64/256 clients and linearizable gets, clients spread over the three
 * nodes of each cluster. Usage: npx nx run bench:kv [-- --seconds 10] [--clients 1,16]
 * (`--clients` picks the put points; gets run at 16 and 64 clients unless it is given).
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
// Both systems get the same warm-up; Node needs a few seconds of load before its JIT has
// compiled the hot paths (measured: the first 8 s after start ran ~30% slower).
const WARM_UP_SECONDS = 5;

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

async function measure(sys: System): Promise<{ puts: LoadResult[]; gets: LoadResult[] }> {
  const puts: LoadResult[] = [];
  for (const c of clientCounts) {
    const r = await runLoad(c, seconds, (cl, i) => sys.put(cl, i));
    puts.push(r);
    console.log(`${sys.name} put  c=${c}: ${r.throughput.toFixed(0)}/s p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} p999 ${r.p999.toFixed(2)} ms (errors ${r.errors})`);
  }
  const gets: LoadResult[] = [];
  for (const c of getClientCounts) {
    const r = await runLoad(c, seconds, (cl, i) => sys.get(cl, i));
    gets.push(r);
    console.log(`${sys.name} get  c=${c}: ${r.throughput.toFixed(0)}/s p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} p999 ${r.p999.toFixed(2)} ms (errors ${r.errors})`);
  }
  return { puts, gets };
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
  const sup = await startOurs(join(dir, 'ours'), basePort);
  let oursResult;
  try {
    await runLoad(16, WARM_UP_SECONDS, (c, i) => ours(basePort).put(c, i));
    oursResult = await measure(ours(basePort));
  } finally {
    sup.kill('SIGTERM');
    await new Promise((r) => sup.once('exit', r));
  }
  const cluster = new EtcdCluster(join(dir, 'etcd'));
  await cluster.startAll();
  let etcdResult;
  try {
    await runLoad(16, WARM_UP_SECONDS, (c, i) => etcd(cluster).put(c, i));
    etcdResult = await measure(etcd(cluster));
  } finally {
    cluster.stopAll();
  }
  rmSync(dir, { recursive: true, force: true });
  const md = [
    '# KV benchmark: raft-ts vs etcd 3.4',
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}. Command: \`npx nx run bench:kv -- --seconds ${seconds}${chosenClients ? ` --clients ${chosenClients.join(',')}` : ''}\`.`,
    `Workload: closed-loop HTTP clients spread over the 3 nodes of each cluster; puts of 256-byte values, linearizable gets; ${seconds} s per point; load generator in the same machine.`,
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
