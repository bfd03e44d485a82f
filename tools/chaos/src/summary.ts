import type { CheckResult } from '@raft/linearizability';
import type { FaultRecord } from './nemesis';
import type { WorkloadStats } from './workload';

export interface RunReport {
  readonly target: string;
  readonly workload: WorkloadStats;
  readonly faults: readonly FaultRecord[];
  readonly verdict: CheckResult;
  readonly checkMs: number;
  readonly states: Record<string, Record<string, string | null>>;
  readonly replicasAgree: boolean;
  readonly incomplete: string | null;
}

/** The human summary printed before the verdict line. */
export function summarize(r: RunReport): string[] {
  const w = r.workload;
  const total = w.ok + w.failed + w.unknown;
  const failovers = r.faults.map((f) => f.failoverMs).filter((x): x is number => x !== null);
  const lines = [
    '',
    `── summary (${r.target}) ──`,
    `operations: ${total} (ok ${w.ok}, failed ${w.failed}, unknown ${w.unknown})`,
    `faults: ${r.faults.length}${r.faults.length ? ` — ${r.faults.map((f) => f.detail).join('; ')}` : ''}`,
  ];
  if (r.faults.length > 0) {
    // Availability: share of 250 ms buckets inside fault windows in which some operation succeeded.
    let inFault = 0;
    let servedInFault = 0;
    const start = Math.min(...r.faults.map((f) => f.start));
    for (const f of r.faults) {
      const from = Math.floor((f.start - start) / 250);
      const to = Math.floor((f.end - start) / 250);
      for (let b = from; b <= to; b++) {
        inFault++;
        if ((w.okTimeline[b] ?? 0) > 0) servedInFault++;
      }
    }
    lines.push(`availability during faults: ${inFault ? ((servedInFault / inFault) * 100).toFixed(0) : '100'}% of 250 ms windows served at least one operation`);
  }
  lines.push(failovers.length ? `failover times (ms): ${failovers.map((x) => x.toFixed(0)).join(', ')} (max ${Math.max(...failovers).toFixed(0)})` : 'failover times: no leader was faulted');
  lines.push(`linearizability check: ${r.verdict.operations} operations in ${r.checkMs.toFixed(0)} ms; per key ${JSON.stringify(r.verdict.perKey)}`);
  if (r.verdict.counterexample) lines.push(r.verdict.counterexample.explanation);
  if (r.incomplete) lines.push(`run incomplete: ${r.incomplete}`);
  else lines.push(`replica state machines identical: ${r.replicasAgree ? 'yes' : `NO ${JSON.stringify(r.states)}`}`);
  return lines;
}
