// Self time of a V8 CPU profile (`node --cpu-prof`) summed per package — npm package, our
// project (`ours:libs/raft-kv`), Node module (`node:internal`) or V8 bucket ("(garbage
// collector)", "(idle)") — divided by a count of work done, e.g. the commits or requests of
// the run. For comparing where two runs spent their time, as in BENCHMARKS.md:
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/cpu-profile-summary.ts PROFILE --per 44798 [--top 30] [--by function]
// `--by function` sums per function (name, file and line) instead of per package.
import { readFileSync } from 'node:fs';
import { argValue } from './cli-arg';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber?: number };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The package a frame belongs to. */
function packageOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') return functionName === '' ? '(native)' : functionName;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return `npm:${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `ours:${url.slice(dist + '/dist/'.length).split('/').slice(0, 2).join('/')}`;
  if (url.startsWith('node:')) return `node:${url.slice('node:'.length).split('/')[0]}`;
  return url;
}

/** A frame as one function: its name, and where it is defined. */
function functionOf(frame: ProfileNode['callFrame']): string {
  const where = frame.url === '' ? '' : ` ${frame.url.replace(/^file:\/\//, '')}:${(frame.lineNumber ?? -1) + 1}`;
  return `${frame.functionName === '' ? '(anonymous)' : frame.functionName}${where}`;
}

/** Self time in µs per key (package or function) of each sample's frame. */
function selfTime(profile: CpuProfile, keyOf: (frame: ProfileNode['callFrame']) => string): Map<string, number> {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const key = keyOf(frames.get(id)!);
    totals.set(key, (totals.get(key) ?? 0) + profile.timeDeltas[i]!);
  });
  return totals;
}

function main(): void {
  const path = process.argv[2];
  if (path === undefined || path.startsWith('--')) throw new Error('usage: cpu-profile-summary.ts PROFILE --per N [--top 30]');
  const per = Number(argValue('per', '1'));
  const top = Number(argValue('top', '30'));
  const by = argValue('by', 'package');
  if (by !== 'package' && by !== 'function') throw new Error(`--by must be package or function, got ${by}`);
  const totals = selfTime(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, by === 'package' ? packageOf : functionOf);
  const busy = [...totals].filter(([k]) => k !== '(idle)').reduce((a, [, v]) => a + v, 0);
  console.log(`busy (not idle): ${(busy / per).toFixed(1)} µs per unit (${per} units)`);
  for (const [key, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(us / per).toFixed(1).padStart(9)}  ${key}`);
}

main();
