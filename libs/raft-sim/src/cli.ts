/**
 * Runs many seeded simulations and reports the first failure with its replay command.
 *
 *   npx nx run raft-sim:sim -- --seeds 100000 --ticks 3000 --nodes 3,5
 *   npx nx run raft-sim:sim -- --seed 4711 --nodes 5          # replay one seed, verbose
 *   npx nx run raft-sim:sim -- --seeds 1000 --slow-disk 4     # writes in flight up to 4 ticks
 */
import { Command, InvalidArgumentError } from 'commander';
import { seedConfig } from './sim/profiles';
import { SimulationFailure } from './sim/errors';
import { Simulator, type SimResult } from './sim/simulator';

interface CliOptions {
  readonly seeds: number;
  readonly from: number;
  readonly seed?: number;
  readonly ticks: number;
  readonly nodes: number[];
  readonly liveness: boolean;
  readonly slowDisk: number;
}

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`not a non-negative integer: ${v}`);
  return n;
};

const nodeList = (v: string): number[] =>
  v.split(',').map((s) => {
    const n = positiveInt(s.trim());
    if (n < 1) throw new InvalidArgumentError(`cluster size must be ≥ 1: ${s}`);
    return n;
  });

function summarize(r: SimResult): string {
  return (
    `seed=${r.seed} nodes=${r.nodes} ticks=${r.ticks} digest=${r.traceDigest} leaders=${r.termsWithLeader} committed=${r.committed} ` +
    `crashes=${r.crashes} partitions=${r.partitions} snapshots=${r.snapshotsTaken}/${r.snapshotsInstalled} ` +
    `writes=${r.workload.writesAcked}/${r.workload.writesIssued} reads=${r.readsChecked}/${r.workload.readsIssued}`
  );
}

/**
 * Raft promises liveness only when broadcast time — here a message each way plus a disk
 * write at each end — stays well below the election timeout (§5.6). With writes in flight
 * for up to a quarter of the timeout that holds on the calm network of the liveness window;
 * beyond it elections can keep failing (a vote round trip outlasts the timeout), so only
 * safety is checked.
 */
function livenessExpected(sim: Simulator): boolean {
  return sim.config.slowDisk * 4 <= sim.config.electionTicks;
}

function runOne(seed: number, nodes: number, ticks: number, liveness: boolean, slowDisk: number): { result: SimResult; livenessChecked: boolean } {
  const sim = new Simulator(seedConfig(seed, nodes, slowDisk));
  const result = sim.run(ticks);
  const check = liveness && livenessExpected(sim);
  if (check) sim.checkLiveness(20 * sim.config.electionTicks, 20 * sim.config.electionTicks);
  return { result, livenessChecked: check };
}

function main(argv: readonly string[]): number {
  const program = new Command()
    .name('raft-sim')
    .description('Deterministic Raft simulation with fault injection and safety checks')
    .option('--seeds <n>', 'number of seeds to run', positiveInt, 1000)
    .option('--from <n>', 'first seed', positiveInt, 1)
    .option('--seed <n>', 'replay exactly one seed (prints its summary)', positiveInt)
    .option('--ticks <n>', 'ticks per run', positiveInt, 3000)
    .option('--nodes <list>', 'cluster sizes, comma-separated', nodeList, [3, 5])
    .option('--no-liveness', 'skip the liveness window at the end of each run')
    .option('--slow-disk <ticks>', 'keep each disk write in flight for up to this many ticks', positiveInt, 0)
    .parse(argv);
  const o = program.opts<CliOptions>();
  const seeds = o.seed !== undefined ? [o.seed] : Array.from({ length: o.seeds }, (_, k) => o.from + k);
  const started = Date.now();
  let runs = 0;
  let livenessRuns = 0;
  let lastReport = started;
  for (const seed of seeds) {
    for (const nodes of o.nodes) {
      try {
        const r = runOne(seed, nodes, o.ticks, o.liveness, o.slowDisk);
        runs++;
        if (r.livenessChecked) livenessRuns++;
        if (o.seed !== undefined) console.log(summarize(r.result));
      } catch (e) {
        if (e instanceof SimulationFailure) {
          console.error(e.message);
          console.error(`FAILED seed=${e.seed} nodes=${e.nodes} after ${runs} passing runs`);
          return 1;
        }
        console.error(`FAILED seed=${seed} nodes=${nodes}:`, e);
        return 2;
      }
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        const rate = (runs / ((lastReport - started) / 1000)).toFixed(1);
        console.log(`… ${runs} runs passed (seed ${seed}), ${rate} runs/s`);
      }
    }
  }
  console.log(`OK: ${runs} runs (${seeds.length} seeds × nodes ${o.nodes.join(',')}, ${o.ticks} ticks; liveness checked in ${livenessRuns}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

process.exitCode = main(process.argv);
