// Closed-loop 256-byte puts against a cluster already running from the cluster CLI, spread
// over its nodes, and what the nodes spent on them: CPU per committed put over the middle of
// the run (from /proc), young-generation GC since start (from /metrics) and, with
// --heap-sample, bytes allocated per put on the leader and on one follower (with
// --heap-survivors, only the bytes that outlived a scavenge: what the scavenger copied). For the
// measurements BENCHMARKS.md quotes; start the cluster first, e.g.
//   npm run cluster -- up --nodes 3 --base-port 7400 --data-dir /tmp/c1 --no-services
//   (RAFT_NODE_ARGS="--inspect=0" for --heap-sample, or e.g. "--max-semi-space-size=16")
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/kv-load.ts --data-dir /tmp/c1 [--clients 16] [--seconds 25] [--heap-sample [--heap-survivors]] [--only leader|follower]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad } from './http-load';
import { sampleAllocations, type AllocationProfile } from './inspector-heap-sampler';
import { argValue } from './cli-arg';

interface ClusterNode {
  readonly id: string;
  readonly pid: number;
  readonly httpPort: number;
  readonly logFile: string;
}


async function status(port: number): Promise<{ leaderId: string | null; commitIndex: number }> {
  const r = await fetch(`http://127.0.0.1:${port}/v1/status`);
  return (await r.json()) as { leaderId: string | null; commitIndex: number };
}

/** User + system CPU of each process, in clock ticks (1/100 s on Linux). */
function cpuTicks(pids: readonly number[]): number[] {
  return pids.map((pid) => {
    // Fields 14 and 15 (utime, stime) follow the parenthesised command name.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return Number(fields[11]) + Number(fields[12]);
  });
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

async function scavenges(port: number): Promise<{ count: number; seconds: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string): number => Number(new RegExp(`^nodejs_gc_duration_seconds_${name}\\{kind="minor"\\} (\\S+)`, 'm').exec(text)?.[1] ?? 0);
  return { count: value('count'), seconds: value('sum') };
}

function inspectorUrl(node: ClusterNode): string {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(readFileSync(node.logFile, 'utf8'))?.[1];
  if (!url) throw new Error(`${node.id} has no inspector: start the cluster with RAFT_NODE_ARGS=--inspect=0`);
  return url;
}

function printProfile(name: string, profile: AllocationProfile, puts: number): void {
  console.log(`${name}: ${(profile.totalBytes / puts).toFixed(0)} B per put`);
  const top = [...profile.byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20);
  for (const [where, bytes] of top) console.log(`  ${(bytes / puts).toFixed(0).padStart(6)} B  ${where}`);
}

async function main(): Promise<void> {
  const dir = argValue('data-dir', './data');
  const clients = Number(argValue('clients', '16'));
  const seconds = Number(argValue('seconds', '25'));
  const heap = process.argv.includes('--heap-sample');
  const keep = process.argv.includes('--heap-survivors') ? 'survivors' : 'all';
  const file = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as { nodes: Record<string, ClusterNode> };
  const nodes = Object.values(file.nodes);
  const leaderId = (await status(nodes[0]!.httpPort)).leaderId;
  const leader = nodes.find((n) => n.id === leaderId);
  if (!leader) throw new Error('the cluster has no leader');
  const follower = nodes.find((n) => n !== leader)!;
  // --only sends every request to the leader, or to one follower (which forwards it).
  const only = argValue('only', '');
  if (only !== '' && only !== 'leader' && only !== 'follower') throw new Error('--only must be leader or follower');
  const targets = only === 'leader' ? [leader] : only === 'follower' ? [follower] : nodes;
  const value = JSON.stringify({ value: 'x'.repeat(256) });
  const load = runLoad(clients, seconds, (c, i) => ({ method: 'PUT', host: '127.0.0.1', port: targets[c % targets.length]!.httpPort, path: `/v1/kv/k${c}-${i % 1000}`, body: value }));

  // The middle of the run: after warm-up, before the clients stop.
  await new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / 3));
  const window = seconds / 3;
  const [c0, t0, g0] = [(await status(leader.httpPort)).commitIndex, cpuTicks(nodes.map((n) => n.pid)), process.cpuUsage()];
  const profiles = heap ? Promise.all([sampleAllocations(inspectorUrl(leader), window, 4096, keep), sampleAllocations(inspectorUrl(follower), window, 4096, keep)]) : null;
  await new Promise((resolve) => setTimeout(resolve, window * 1000));
  const [c1, t1, g1] = [(await status(leader.httpPort)).commitIndex, cpuTicks(nodes.map((n) => n.pid)), process.cpuUsage(g0)];
  const sampled = await profiles;
  const r = await load;

  const commits = c1 - c0;
  console.log(`${clients} clients${only ? ` (all to the ${only})` : ''}, ${seconds} s: ${r.throughput.toFixed(0)} puts/s, p50 ${r.p50.toFixed(2)} / p99 ${r.p99.toFixed(2)} / p999 ${r.p999.toFixed(2)} ms, ${r.errors} errors`);
  const perPut = (ticks: number): string => ((ticks * 10_000) / commits).toFixed(0);
  console.log(`node CPU per committed put (all ${nodes.length} nodes, middle third): ${perPut(sum(t1) - sum(t0))} µs over ${commits} commits`);
  const byNode = nodes.map((n, i) => `${n.id}${n === leader ? ' (leader)' : ''} ${perPut(t1[i]! - t0[i]!)}`);
  console.log(`  by node, µs per put: ${byNode.join(', ')}; this load generator ${((g1.user + g1.system) / commits).toFixed(0)}`);
  const gc = await Promise.all(nodes.map((n) => scavenges(n.httpPort)));
  const count = gc.reduce((a, g) => a + g.count, 0);
  const total = gc.reduce((a, g) => a + g.seconds, 0);
  console.log(`scavenges since the nodes started: ${count}, mean ${((1000 * total) / count).toFixed(1)} ms, total ${total.toFixed(2)} s`);
  if (sampled) {
    printProfile(`leader ${leader.id}`, sampled[0], commits);
    printProfile(`follower ${follower.id}`, sampled[1], commits);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
