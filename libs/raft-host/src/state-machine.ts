import type { CapturedState, Entry, SnapshotReader } from '@raft/raft-core';

/**
 * A replicated state machine driven by {@link RaftHost}. `apply` must be deterministic:
 * every replica applies the same entries in the same order and must reach the same state.
 */
export interface ReplicatedStateMachine<Result> {
  /**
   * Applies one committed `normal` entry and returns its result, plus the key the proposer
   * used to wait for it (e.g. clientId/requestId), or null if nobody waits by key.
   */
  apply(entry: Entry): { readonly key: string | null; readonly result: Result };
  /**
   * Captures the state as of the last applied entry, synchronously: the host writes the
   * capture in the background while it keeps applying entries, so the capture must not
   * change when `apply` runs afterwards (copy-on-write, an immutable structure, …).
   */
  captureSnapshot(): CapturedState;
  /** Replaces the whole state with a snapshot's contents. */
  restore(reader: SnapshotReader | null): Promise<void>;
}

/** Receives outgoing Raft messages; delivery is best-effort (Raft tolerates loss). */
export interface MessageSender {
  send(messages: readonly import('@raft/raft-core').Message[]): void;
}

/** Hooks for metrics and logs; every method is optional. */
export interface HostObserver {
  onPersist?(durationMs: number, entries: number, bytes: number): void;
  onApply?(entries: number, appliedIndex: number): void;
  onSoftState?(role: string, leaderId: string | null, term: number): void;
  onSnapshot?(index: number, durationMs: number): void;
  onFatal?(error: unknown): void;
  onMembership?(event: import('@raft/raft-core').MembershipEvent): void;
}
