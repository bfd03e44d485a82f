import type { Entry, NodeId, RaftKernel } from '@raft/raft-core';
import { ElectionSafetyChecker } from './election-safety';
import { kernelLogView } from './kernel-log-view';
import { LeaderAppendOnlyChecker } from './leader-append-only';
import { LeaderCompletenessChecker } from './leader-completeness';
import { LogMatchingChecker } from './log-matching';
import { RemovalTruthChecker } from './removal-truth';
import { StateMachineSafetyChecker } from './state-machine-safety';

/**
 * The five safety properties of Raft (Figure 3 of the paper), and that no member is told it
 * was removed, fed from observations of running kernels. Each property lives in its own
 * checker; this class only routes.
 */
export class RaftInvariants {
  readonly electionSafety = new ElectionSafetyChecker();
  readonly leaderAppendOnly = new LeaderAppendOnlyChecker();
  readonly logMatching = new LogMatchingChecker();
  readonly leaderCompleteness = new LeaderCompletenessChecker();
  readonly stateMachineSafety = new StateMachineSafetyChecker();
  readonly removalTruth = new RemovalTruthChecker((index) => this.stateMachineSafety.entryAt(index));
  /** Term in which each server was last seen leading (to spot new leaderships). */
  private readonly leadingTerm = new Map<NodeId, number>();

  /**
   * Observes a server's role after it handled an input. Returns true when this is the first
   * observation of its leadership in the current term.
   */
  observeRole(id: NodeId, kernel: RaftKernel): boolean {
    const s = kernel.status();
    if (s.removed !== null) this.removalTruth.observeClaim(id, s.removed.configIndex);
    if (s.role !== 'leader') {
      if (this.leadingTerm.has(id)) {
        this.leadingTerm.delete(id);
        this.leaderAppendOnly.forget(id);
      }
      return false;
    }
    this.electionSafety.observeLeader(id, s.term);
    const log = kernelLogView(kernel);
    const isNew = this.leadingTerm.get(id) !== s.term;
    if (isNew) {
      this.leadingTerm.set(id, s.term);
      this.leaderAppendOnly.forget(id);
      this.leaderCompleteness.observeNewLeader(id, s.term, log);
    }
    this.leaderAppendOnly.observeLeader(id, s.term, log);
    return isNew;
  }

  /** Observes a server's commit index (call before it compacts its log). */
  observeCommit(id: NodeId, kernel: RaftKernel): void {
    this.leaderCompleteness.observeCommit(id, kernel.status().commit, kernelLogView(kernel));
  }

  /** A server crashed: its leadership (if any) ended. */
  observeCrash(id: NodeId): void {
    this.leadingTerm.delete(id);
    this.leaderAppendOnly.forget(id);
  }

  observeAppend(id: NodeId, prevTerm: number, entries: readonly Entry[]): void {
    this.logMatching.observeAppend(id, prevTerm, entries);
  }

  /** Returns true if `entry` is the first application of its index anywhere. */
  observeApply(id: NodeId, entry: Entry): boolean {
    const first = this.stateMachineSafety.entryAt(entry.index) === undefined;
    this.stateMachineSafety.observeApply(id, entry);
    if (first) this.removalTruth.observeCommittedEntry(entry);
    return first;
  }

  observeState(id: NodeId, index: number, fingerprint: string): void {
    this.stateMachineSafety.observeState(id, index, fingerprint);
  }
}
