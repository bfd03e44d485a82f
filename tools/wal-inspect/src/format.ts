import { basename } from 'node:path';
import type { EntryReport, InspectReport, RecordReport } from './inspect';

/** Indexes as runs of consecutive ones, in order: `1..10`, `7`, `5..7,6..8` (a run replacing a suffix). */
function indexRuns(indexes: readonly number[]): string {
  const runs: [number, number][] = [];
  for (const i of indexes) {
    const run = runs[runs.length - 1];
    if (run && i === run[1] + 1) run[1] = i;
    else runs.push([i, i]);
  }
  return runs.map(([from, to]) => (from === to ? `${from}` : `${from}..${to}`)).join(',');
}

/** Distinct values in order of first appearance. */
function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Terms of a record's entries: `2`, `1..3` when they only rise (as they do in a log), else the distinct terms in order. */
function terms(entries: readonly EntryReport[]): string {
  const t = distinct(entries.map((e) => e.term));
  const rising = t.every((v, i) => i === 0 || v > (t[i - 1] ?? v));
  return t.length > 1 && rising ? `${t[0]}..${t[t.length - 1]}` : t.join(',');
}

function describe(r: RecordReport): string {
  switch (r.type) {
    case 'entries': {
      const types = distinct(r.entries.map((e) => e.entryType)).join(',');
      return `entries    index=${indexRuns(r.entries.map((e) => e.index))} (${r.entries.length}) term=${terms(r.entries)} type=${types}`;
    }
    case 'hardState':
      return `hardState  term=${r.hardState.term} vote=${r.hardState.vote ?? '-'} commit=${r.hardState.commit}`;
    case 'truncate':
      return `truncate   from=${r.fromIndex}${r.fromIndex === 0 ? ' (whole log)' : ''}`;
    case 'snapshot':
      return `snapshot   index=${r.index} term=${r.term} (log compacted through ${r.index})`;
  }
}

/** Human-readable listing: segments with their records, spare files, snapshot files, then the verdict. */
export function formatText(rep: InspectReport, verify: boolean): string {
  const out: string[] = [`data dir ${rep.dir}`, '', `wal: ${rep.segments.length} segment(s)${rep.spares.length > 0 ? `, ${rep.spares.length} spare(s)` : ''}`];
  for (const seg of rep.segments) {
    const used = seg.recordBytes === null ? '' : ` (${seg.recordBytes} of records)`;
    out.push(`  ${basename(seg.file)}  format ${seg.format ?? '?'}, ${seg.bytes} bytes${used}, ${seg.records} records`);
    for (const r of rep.records) if (r.file === seg.file) out.push(`    @${String(r.offset).padStart(8)}  ${String(r.size).padStart(6)} B  ${describe(r)}`);
  }
  for (const s of rep.spares) out.push(`  ${basename(s.file)}  ${s.bytes} bytes  spare: a compacted segment kept for reuse; its old records are not part of the log`);
  out.push('', `snap: ${rep.snapshots.length} file(s)`);
  for (const s of rep.snapshots) {
    const what = s.index === undefined ? '' : ` index=${s.index} term=${s.term} data=${s.dataBytes} B`;
    out.push(`  ${basename(s.file)}  ${s.bytes} bytes  ${s.role}${what}`);
  }
  const c = rep.counts;
  out.push('', `records: ${c.entry} entries, ${c.hardState} hard states, ${c.truncate} truncations, ${c.snapshot} snapshot markers`);
  if (verify && rep.recovered) {
    const r = rep.recovered;
    const log = r.firstIndex === null ? 'empty log' : `log ${r.firstIndex}..${r.lastIndex}`;
    out.push(`recovery would load: snapshot ${r.snapshotIndex}, ${log}, hard state term=${r.hardState.term} vote=${r.hardState.vote ?? '-'} commit=${r.hardState.commit}`);
  }
  for (const w of rep.warnings) out.push(`warning: ${w.file} at byte ${w.offset}: ${w.reason}`);
  for (const e of rep.errors) out.push(`error: ${e.file} at byte ${e.offset}: ${e.reason}`);
  if (verify) out.push(rep.errors.length === 0 ? 'verify: OK' : 'verify: FAILED (recovery would refuse to start)');
  return out.join('\n');
}
