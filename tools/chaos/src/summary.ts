import type { CheckResult } from '@raft/linearizability';
import type { FaultRecord } from './nemesis';
import { BUCKET_MS, type WorkloadStats } from './workload';

export interface RunReport {
  readonly target: string;
  readonly workload: WorkloadStats;
  /** performance.now() of the workload timelines' bucket 0. */
  readonly timelineOrigin: number;
  readonly faults: readonly FaultRecord[];
  /** null when the history could not be checked (see `incomplete`). */
  readonly verdict: CheckResult | null;
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
    // Availability: share of BUCKET_MS buckets inside fault windows in which some operation succeeded.
    let inFault = 0;
    let servedInFault = 0;
    for (const f of r.faults) {
      const from = Math.floor((f.start - r.timelineOrigin) / BUCKET_MS);
      const to = Math.floor((f.end - r.timelineOrigin) / BUCKET_MS);
      for (let b = from; b <= to; b++) {
        inFault++;
        if ((w.okTimeline[b] ?? 0) > 0) servedInFault++;
      }
    }
    lines.push(`availability during faults: ${inFault ? ((servedInFault / inFault) * 100).toFixed(0) : '100'}% of ${BUCKET_MS} ms windows served at least one operation`);
  }
  lines.push(failovers.length ? `failover times (ms): ${failovers.map((x) => x.toFixed(0)).join(', ')} (max ${Math.max(...failovers).toFixed(0)})` : 'failover times: no leader was faulted');
  if (r.verdict) {
    const perKey = Object.entries(r.verdict.perKey).map(([k, v]) => `${k} ${v.linearizable ? 'ok' : 'VIOLATION'} (${v.operations} ops)`);
    lines.push(`linearizability check: ${r.verdict.operations} operations in ${r.checkMs.toFixed(0)} ms; ${perKey.join(', ')}`);
    if (r.verdict.counterexample) lines.push(r.verdict.counterexample.explanation);
  }
  if (r.incomplete) lines.push(`run incomplete: ${r.incomplete}`);
  else lines.push(`replica state machines identical: ${r.replicasAgree ? 'yes' : `NO ${JSON.stringify(r.states)}`}`);
  return lines;
}
