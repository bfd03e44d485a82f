import type { NodeId, RaftStorage } from '@raft/raft-core';
import { seedConfig } from '../sim/profiles';
import { Simulator, type SimResult } from '../sim/simulator';
import { DiskBackedStorage } from '../storage/disk-backed-storage';

/** A finished run on real storage, with what the storage did. */
export interface DiskRunResult {
  readonly result: SimResult;
  /** Operations issued to the real storages (saves, snapshot chunks, installs, snapshots). */
  readonly operations: number;
  /** Restarts recovered from the real storage (crashes, plus the final check of every server). */
  readonly recoveries: number;
}

/**
 * Runs `seed` for `ticks` ticks with each server's storage backed by a real
 * {@link RaftStorage} from `open(id)` (an empty medium; reopening must find what was written).
 * After every tick the simulator waits until each server's storage settled, and recovers
 * every crashed server from its medium before it can restart; at the end every server is
 * recovered once more and must hold exactly what it persisted.
 */
export async function runOnDisk(
  seed: number,
  nodes: number,
  ticks: number,
  open: (id: NodeId) => Promise<RaftStorage>,
  overrides: { recordFullTrace?: boolean; onSimulator?: (sim: Simulator) => void; slowDisk?: number } = {},
): Promise<DiskRunResult> {
  const ids = Array.from({ length: nodes }, (_, k) => `n${k + 1}`);
  const storages = new Map<NodeId, DiskBackedStorage>();
  for (const id of ids) storages.set(id, await DiskBackedStorage.create(() => open(id)));
  const storageOf = (id: NodeId): DiskBackedStorage => {
    const s = storages.get(id);
    if (!s) throw new Error(`no storage for ${id}`);
    return s;
  };
  const sim = new Simulator({ ...seedConfig(seed, nodes, overrides.slowDisk ?? 0), recordFullTrace: overrides.recordFullTrace ?? false }, { storage: storageOf });
  overrides.onSimulator?.(sim);
  try {
    const result = await sim.runAsync(ticks, async (s) => {
      for (const node of s.nodes) {
        const storage = storageOf(node.id);
        await storage.settle();
        if (!node.up && storage.needsRecovery()) await storage.recover();
      }
    });
    for (const storage of storages.values()) await storage.recover();
    let operations = 0;
    let recoveries = 0;
    for (const s of storages.values()) {
      operations += s.operations;
      recoveries += s.recoveries;
    }
    return { result, operations, recoveries };
  } finally {
    for (const s of storages.values()) await s.close().catch(() => undefined);
  }
}
