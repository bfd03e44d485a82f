import type { NodeId } from './types';

/** Base class of every error the kernel raises; `code` is stable and machine-readable. */
export abstract class RaftError extends Error {
  abstract readonly code: string;
}

/** This server is not the leader and does not forward proposals. */
export class NotLeaderError extends RaftError {
  readonly code = 'NOT_LEADER';
  constructor(readonly leaderHint: NodeId | null) {
    super(leaderHint ? `not the leader; try ${leaderHint}` : 'not the leader; no leader known');
  }
}

/** No leader is known (an election is in progress): fail fast, retry later. */
export class NoLeaderError extends RaftError {
  readonly code = 'NO_LEADER';
  constructor() {
    super('no leader is known; an election may be in progress');
  }
}

/**
 * A member told this server that a committed configuration leaves it out: it was removed
 * from the cluster and takes no requests (until a newer configuration adds it again).
 */
export class RemovedFromClusterError extends RaftError {
  readonly code = 'REMOVED';
  constructor(readonly configIndex: number) {
    super(`this server was removed from the cluster (configuration at index ${configIndex}); send requests to a member`);
  }
}

/** The leader is handing leadership over and refuses new proposals until that ends. */
export class LeaderTransferInProgressError extends RaftError {
  readonly code = 'LEADER_TRANSFER_IN_PROGRESS';
  constructor(readonly target: NodeId) {
    super(`leadership is being transferred to ${target}`);
  }
}

/** A configuration change was requested while another is still in flight. */
export class ConfigChangeInProgressError extends RaftError {
  readonly code = 'CONFIG_CHANGE_IN_PROGRESS';
  constructor() {
    super('another configuration change is in progress');
  }
}

/** A request named a configuration that is invalid (unknown node, no voters left, …). */
export class InvalidConfigChangeError extends RaftError {
  readonly code = 'INVALID_CONFIG_CHANGE';
  constructor(message: string) {
    super(message);
  }
}

/** The kernel was used in a way that breaks its contract (a bug in the host). */
export class KernelUsageError extends RaftError {
  readonly code = 'KERNEL_USAGE';
  constructor(message: string) {
    super(message);
  }
}
