import type { Entry, NodeId } from '@raft/raft-core';
import { InvariantViolation } from './invariant-violation';
import { describeEntry, sameEntry } from './log-view';

/**
 * State Machine Safety (Raft §5.4.3): if a server has applied an entry at an index, no
 * other server ever applies a different entry at that index. Also compares the replicas'
 * whole state: servers that have applied the same index must hold the same state.
 */
export class StateMachineSafetyChecker {
  private readonly appliedAt = new Map<number, { entry: Entry; by: NodeId }>();
  private readonly stateAt = new Map<number, { fingerprint: string; by: NodeId }>();

  /** `id` applied `entry`. */
  observeApply(id: NodeId, entry: Entry): void {
    const known = this.appliedAt.get(entry.index);
    if (!known) this.appliedAt.set(entry.index, { entry, by: id });
    else if (!sameEntry(known.entry, entry)) {
      throw new InvariantViolation(
        'state-machine-safety',
        `${known.by} applied ${describeEntry(known.entry)} but ${id} applied ${describeEntry(entry)} at index ${entry.index}`,
      );
    }
  }

  /** `id`'s state machine, having applied everything up to `index`, has this fingerprint. */
  observeState(id: NodeId, index: number, fingerprint: string): void {
    const known = this.stateAt.get(index);
    if (!known) this.stateAt.set(index, { fingerprint, by: id });
    else if (known.fingerprint !== fingerprint) {
      throw new InvariantViolation(
        'state-machine-safety',
        `state after applying ${index} differs: ${known.by} has {${known.fingerprint}}, ${id} has {${fingerprint}}`,
      );
    }
  }

  /** Entry applied at `index` by any server, if any. */
  entryAt(index: number): Entry | undefined {
    return this.appliedAt.get(index)?.entry;
  }
}
