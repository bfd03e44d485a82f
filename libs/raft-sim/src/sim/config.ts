/** Fault rates for the chaotic part of a run (per tick probabilities). */
export interface ChaosConfig {
  /** Probability per tick that a running server crashes (immediately or at a Ready crash point). */
  readonly crashRate: number;
  /** Ticks a crashed server stays down: [min, max]. */
  readonly downTicks: readonly [number, number];
  /** Probability per tick that a partition starts when none is in force. */
  readonly partitionRate: number;
  /** Ticks a partition lasts: [min, max]. */
  readonly partitionTicks: readonly [number, number];
  /** Upper bounds for the per-seed network: drop and duplicate rates, maximum delay. */
  readonly maxDropRate: number;
  readonly maxDuplicateRate: number;
  readonly maxDelay: number;
}

/** Client load (per tick probabilities). */
export interface WorkloadConfig {
  readonly putRate: number;
  readonly readRate: number;
  /** Number of distinct keys (few keys ⇒ many conflicting writes per key). */
  readonly keys: number;
  /** A request not answered within this many ticks is abandoned. */
  readonly timeoutTicks: number;
  /** Also issue lease-mode reads (only sound without crashes and with equal tick rates). */
  readonly leaseReads: boolean;
}

/** Everything a run depends on; two runs with equal configs produce identical traces. */
export interface SimulatorConfig {
  readonly seed: number;
  /** Cluster size (3 or 5 in CI). */
  readonly nodes: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  /** Entries applied between state-machine snapshots (compaction ⇒ InstallSnapshot). */
  readonly snapshotInterval: number;
  /** Small chunks so snapshots span several InstallSnapshot messages. */
  readonly maxSnapshotChunkBytes: number;
  readonly maxInflightMessages: number;
  readonly chaos: ChaosConfig;
  readonly workload: WorkloadConfig;
  /** Events kept for failure reports. */
  readonly traceCapacity: number;
  /** Keep every event formatted (replay tests); costs time and memory. */
  readonly recordFullTrace: boolean;
  /** Probability per tick of a random membership change on the leader (0 = static cluster). */
  readonly membershipRate: number;
  /** Extra servers that start empty in join mode, available to be added. */
  readonly spareNodes: number;
  /**
   * Slow disks: each write stays in flight for 0..slowDisk ticks while the server keeps
   * taking input, as the production host does (0 = every Ready handled in one step).
   */
  readonly slowDisk: number;
}

export const DEFAULT_CHAOS: ChaosConfig = {
  crashRate: 0.002,
  downTicks: [10, 200],
  partitionRate: 0.004,
  partitionTicks: [30, 300],
  maxDropRate: 0.1,
  maxDuplicateRate: 0.05,
  maxDelay: 5,
};

export const DEFAULT_WORKLOAD: WorkloadConfig = {
  putRate: 0.3,
  readRate: 0.2,
  keys: 4,
  timeoutTicks: 150,
  leaseReads: false,
};

/** Fills defaults for a run of `seed` on `nodes` servers. */
export function simulatorConfig(overrides: Partial<SimulatorConfig> & { seed: number }): SimulatorConfig {
  return {
    nodes: 3,
    electionTicks: 20,
    heartbeatTicks: 3,
    snapshotInterval: 40,
    maxSnapshotChunkBytes: 256,
    maxInflightMessages: 8,
    chaos: DEFAULT_CHAOS,
    workload: DEFAULT_WORKLOAD,
    traceCapacity: 50,
    recordFullTrace: false,
    membershipRate: 0,
    spareNodes: 0,
    slowDisk: 0,
    ...overrides,
  };
}
