import type { Entry, RaftKernel } from '@raft/raft-core';
import type { LogView } from './log-view';

/** A {@link LogView} over a live kernel's in-memory log. */
export function kernelLogView(kernel: RaftKernel): LogView {
  const s = kernel.status();
  return {
    snapshotIndex: s.snapshotIndex,
    snapshotTerm: s.snapshotTerm,
    lastIndex: s.lastIndex,
    termAt: (index: number) => kernel.termAt(index),
    entryAt: (index: number): Entry | undefined => (index > s.snapshotIndex && index <= s.lastIndex ? kernel.entries(index, index + 1)[0] : undefined),
  };
}
