import type { Entry } from '@raft/raft-core';
import { decodePut, type PutCommand } from './kv-command';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Serialised form of a snapshot. */
interface KvSnapshotBody {
  readonly applied: number;
  readonly data: [string, string][];
  readonly ops: string[];
}

/**
 * The replicated state machine the simulator runs on every node: a string→string map.
 * Commands carry a unique op id and are applied at most once, because a forwarded proposal
 * that the network duplicates lands in the log twice.
 */
export class KvStateMachine {
  private readonly map = new Map<string, string>();
  private readonly seenOps = new Set<string>();
  private appliedIndex = 0;
  private cachedFingerprint: string | null = null;

  /** Highest log index applied (or restored from a snapshot). */
  get applied(): number {
    return this.appliedIndex;
  }

  get(key: string): string | undefined {
    return this.map.get(key);
  }

  /**
   * Applies one committed entry (which must be the next index). Returns the put it carried
   * when the entry is a user command applied for the first time, else null.
   */
  apply(entry: Entry): PutCommand | null {
    if (entry.index !== this.appliedIndex + 1) {
      throw new Error(`apply out of order: got index ${entry.index}, expected ${this.appliedIndex + 1}`);
    }
    this.appliedIndex = entry.index;
    if (entry.type !== 'normal') return null;
    const cmd = decodePut(entry.data);
    if (this.seenOps.has(cmd.id)) return null;
    this.seenOps.add(cmd.id);
    this.map.set(cmd.key, cmd.value);
    this.cachedFingerprint = null;
    return cmd;
  }

  /** Whether the op `id` has been applied. */
  hasApplied(id: string): boolean {
    return this.seenOps.has(id);
  }

  /** A canonical text form of the contents (map and applied op ids), for comparing replicas. */
  fingerprint(): string {
    if (this.cachedFingerprint === null) {
      const keys = [...this.map.keys()].sort();
      this.cachedFingerprint = `${this.seenOps.size}|${keys.map((k) => `${k}=${this.map.get(k)}`).join(',')}`;
    }
    return this.cachedFingerprint;
  }

  /** Serialises the state for a snapshot at the current applied index. */
  snapshot(): Uint8Array {
    const body: KvSnapshotBody = { applied: this.appliedIndex, data: [...this.map.entries()], ops: [...this.seenOps] };
    return encoder.encode(JSON.stringify(body));
  }

  /** Rebuilds a state machine from {@link snapshot} bytes. */
  static restore(bytes: Uint8Array): KvStateMachine {
    const body = JSON.parse(decoder.decode(bytes)) as KvSnapshotBody;
    const sm = new KvStateMachine();
    for (const [k, v] of body.data) sm.map.set(k, v);
    for (const op of body.ops) sm.seenOps.add(op);
    sm.appliedIndex = body.applied;
    return sm;
  }
}
