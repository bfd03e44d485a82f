/**
 * Jepsen-style fault testing of a running cluster:
 *   npx nx run chaos:run -- --nodes 5 --clients 10 --duration 60s --nemesis kill,pause,partition,membership --seed N
 * The last line is `verdict: linearizable` or `verdict: NOT linearizable`; the exit code is
 * non-zero on a violation or on a run that could not complete.
 */
import { Command, InvalidArgumentError } from 'commander';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { check, LinearizabilityError, type CheckResult } from '@raft/linearizability';
import { EtcdTarget } from './etcd-target';
import { HistoryFormatError, HistoryWriter, readHistory, toOperations } from './history-file';
import { Nemesis } from './nemesis';
import { OurCluster } from './our-cluster';
import { summarize } from './summary';
import { seeded, sleep, type ChaosTarget, type FaultKind } from './target';
import { Workload } from './workload';

const root = resolve(__dirname, '..', '..', '..');

function duration(v: string): number {
  const m = /^(\d+)(ms|s|m)?$/.exec(v);
  if (!m) throw new InvalidArgumentError('duration must look like 20s, 2m or 500ms');
  const n = Number(m[1]);
  return m[2] === 'm' ? n * 60_000 : m[2] === 'ms' ? n : n * 1000;
}
function int(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
}
function nemesisKinds(v: string): FaultKind[] {
  const kinds = v.split(',').filter(Boolean);
  for (const k of kinds) if (!['kill', 'pause', 'partition', 'membership'].includes(k)) throw new InvalidArgumentError(`unknown nemesis ${k} (kill, pause, partition, membership)`);
  return kinds as FaultKind[];
}

interface Options {
  nodes: number;
  clients: number;
  duration: number;
  nemesis: FaultKind[];
  seed: number;
  target: 'ours' | 'etcd';
  history?: string;
  basePort: number;
  keys: number;
  unsafeStaleReads: boolean;
  keep: boolean;
}

async function main(o: Options): Promise<number> {
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'chaos-'));
  const historyPath = o.history ?? join(dir, 'history.jsonl');
  const random = seeded(o.seed);
  log(`chaos: target=${o.target} nodes=${o.target === 'etcd' ? 3 : o.nodes} clients=${o.clients} duration=${o.duration / 1000}s nemesis=${o.nemesis.join(',') || 'none'} seed=${o.seed}`);
  log(`chaos: history → ${historyPath}, data → ${dir}`);
  let target: ChaosTarget;
  if (o.target === 'etcd') {
    target = new EtcdTarget(join(dir, 'etcd'), o.basePort);
  } else {
    const tBuild = performance.now();
    execFileSync(process.execPath, [join(root, 'tools/build/build.mjs')], { stdio: 'ignore' });
    log(`chaos: built in ${((performance.now() - tBuild) / 1000).toFixed(1)} s`);
    target = new OurCluster(root, dir, o.basePort, o.nodes, seeded(o.seed ^ 0x5bd1e995), o.unsafeStaleReads ? { UNSAFE_STALE_READS: 'true' } : {});
  }
  let incomplete: string | null = null;
  const history = new HistoryWriter(historyPath);
  const workload = new Workload(target, history, random, o.keys);
  // With stale reads enabled the point is to show the checker catches them: fault the leader
  // every time, so an isolated old leader keeps answering reads while a new one takes writes.
  const nemesis = new Nemesis(target, o.nemesis, seeded(o.seed * 31 + 7), () => performance.now(), log, o.unsafeStaleReads);
  if (o.unsafeStaleReads) log('chaos: UNSAFE_STALE_READS on every node; the nemesis faults the leader every time');
  let states: Record<string, Record<string, string | null>> = {};
  try {
    const tStart = performance.now();
    await target.start();
    const t0 = performance.now();
    log(`chaos: ${target.name} up with a leader after ${((t0 - tStart) / 1000).toFixed(1)} s`);
    const clients = Array.from({ length: o.clients }, (_, c) => workload.runClient(`c${c}`));
    const chaos = nemesis.run();
    await sleep(o.duration);
    nemesis.stop();
    await chaos;
    workload.stop();
    await Promise.all(clients);
    nemesis.healAll();
    log(`chaos: workload done after ${((performance.now() - t0) / 1000).toFixed(1)} s; healing and waiting for convergence`);
    try {
      const tHeal = performance.now();
      await target.waitConverged(60_000);
      log(`chaos: replicas converged after ${((performance.now() - tHeal) / 1000).toFixed(1)} s`);
      const keys = Array.from({ length: o.keys }, (_, k) => `k${k}`);
      for (const n of target.nodeIds) states[n] = await target.dump(n, keys);
    } catch (e) {
      incomplete = `could not verify convergence: ${(e as Error).message}`;
      states = {};
    }
  } catch (e) {
    incomplete = `run failed: ${(e as Error).stack ?? String(e)}`;
  } finally {
    nemesis.stop();
    workload.stop();
    await target.stop().catch(() => undefined);
  }
  const started = performance.now();
  let verdict: CheckResult | null = null;
  try {
    verdict = check(toOperations(readHistory(historyPath)));
  } catch (e) {
    // An undecidable or unreadable history: the run could not complete.
    if (!(e instanceof LinearizabilityError || e instanceof HistoryFormatError)) throw e;
    incomplete = `${incomplete ? `${incomplete}; ` : ''}history not checked: ${e.message}`;
  }
  const checkMs = performance.now() - started;
  const replicasAgree = Object.keys(states).length > 0 && new Set(Object.values(states).map((s) => JSON.stringify(s))).size === 1;
  const lines = summarize({ target: target.name, workload: workload.stats, timelineOrigin: workload.timelineOrigin, faults: nemesis.faults, verdict, checkMs, states, replicasAgree, incomplete });
  for (const l of lines) log(l);
  if (!o.keep && !o.history) rmSync(dir, { recursive: true, force: true });
  // Diverged replicas are a violation too; an unverifiable convergence is only "incomplete".
  const violation = verdict?.linearizable === false || (Object.keys(states).length > 0 && !replicasAgree);
  // A run that could not complete has not shown linearizability, whatever part was checked.
  const linearizable = verdict?.linearizable === true && !violation && incomplete === null;
  log(`verdict: ${linearizable ? 'linearizable' : 'NOT linearizable'}`);
  // Exit codes: 0 linearizable and complete; 1 violation found; 2 the run could not complete.
  return violation ? 1 : linearizable ? 0 : 2;
}

const program = new Command('chaos')
  .description('Jepsen-style fault testing of a running cluster with a linearizability checker')
  .option('--nodes <n>', 'cluster size (ours)', int('--nodes', 1, 9), 3)
  .option('--clients <n>', 'concurrent clients', int('--clients', 1, 256), 10)
  .option('--duration <d>', 'how long to run the workload (e.g. 60s)', duration, 20_000)
  .option('--nemesis <kinds>', 'comma-separated: kill,pause,partition,membership', nemesisKinds, ['kill', 'pause', 'partition'] as FaultKind[])
  .option('--seed <n>', 'seed for the workload and the fault schedule', int('--seed', 0, 2 ** 31 - 1), 1)
  .option('--target <t>', 'ours or etcd', (v: string) => {
    if (v !== 'ours' && v !== 'etcd') throw new InvalidArgumentError('--target must be ours or etcd');
    return v;
  }, 'ours')
  .option('--history <file>', 'where to write the history (JSON lines)')
  .option('--base-port <p>', 'ports: node i HTTP P+i, peers P+100+i, link proxies P+200+', int('--base-port', 1024, 60000), 17000)
  .option('--keys <n>', 'number of keys', int('--keys', 1, 1000), 5)
  .option('--unsafe-stale-reads', 'TEST ONLY: run our nodes with UNSAFE_STALE_READS (reads skip ReadIndex)', false)
  .option('--keep', 'keep the data directory', false);

program.parseAsync(process.argv).then(
  async () => {
    process.exitCode = await main(program.opts<Options>());
  },
  (e: unknown) => {
    process.stderr.write(`chaos: ${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);
