import type { Entry } from '@raft/raft-core';

/** Read-only view of one server's log, as the checkers need it (a RaftKernel fits). */
export interface LogView {
  /** Index of the last entry compacted into the snapshot (0 if none). */
  readonly snapshotIndex: number;
  readonly snapshotTerm: number;
  readonly lastIndex: number;
  /** Term at `index` (snapshot term at snapshotIndex); undefined if compacted away or beyond. */
  termAt(index: number): number | undefined;
  /** The entry at `index`, if in memory. */
  entryAt(index: number): Entry | undefined;
}

/** Byte equality of two entry payloads (fast path on identity: in-process messages share buffers). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether two entries are the same entry (index, term, type and payload). */
export function sameEntry(a: Entry, b: Entry): boolean {
  return a.index === b.index && a.term === b.term && a.type === b.type && sameBytes(a.data, b.data);
}

/** Short readable form of an entry for violation messages. */
export function describeEntry(e: Entry | undefined): string {
  if (!e) return '(none)';
  const text = new TextDecoder().decode(e.data).split('\u0000').join(' ');
  return `${e.index}/${e.term} ${e.type}${text ? ` "${text}"` : ''}`;
}
