import { InvalidIdsConfigError, SequenceStoreError } from '../errors';
import type { SequenceBlockStore } from './sequence-block-store';
import { type SequenceScope, scopeKey } from './sequence-scope';

/** Options of {@link SequenceAllocator}. */
export interface SequenceAllocatorOptions {
  /** Where blocks are reserved; must be strongly consistent and durable. */
  readonly store: SequenceBlockStore;
  /** Numbers reserved per store round trip. Default 1000. */
  readonly step?: number;
  /**
   * Scopes whose block is kept in memory; beyond this the least recently refilled scope is
   * dropped (the rest of its block is skipped). Default 10 000.
   */
  readonly maxCachedScopes?: number;
}

interface ScopeBlock {
  /** Next number to hand out. */
  next: number;
  /** Last number of the current block (next > last: block used up). */
  last: number;
  /** The one in-flight reservation for this scope, if any. */
  refilling: Promise<void> | null;
}

/**
 * Hands out increasing sequence numbers per scope, seqsvr style: reserve a block of `step`
 * numbers from the store (`max_seq += step`), then serve from memory. Guarantees:
 * - numbers from one allocator for one scope strictly increase, in the order calls resolve;
 * - numbers are never repeated across allocators and restarts (blocks never overlap); a
 *   crashed or discarded allocator's unused numbers are skipped, leaving gaps;
 * - at most one reservation per scope is in flight; concurrent callers wait for it and share it.
 * Numbers from different allocators sharing a scope interleave (unique, not globally ordered).
 */
export class SequenceAllocator {
  private readonly store: SequenceBlockStore;
  private readonly step: number;
  private readonly maxCachedScopes: number;
  private readonly blocks = new Map<string, ScopeBlock>();

  constructor(options: SequenceAllocatorOptions) {
    this.store = options.store;
    this.step = options.step ?? 1000;
    this.maxCachedScopes = options.maxCachedScopes ?? 10_000;
    if (!Number.isSafeInteger(this.step) || this.step <= 0) {
      throw new InvalidIdsConfigError(`step must be a positive integer, got ${this.step}`);
    }
    if (!Number.isSafeInteger(this.maxCachedScopes) || this.maxCachedScopes <= 0) {
      throw new InvalidIdsConfigError(`maxCachedScopes must be a positive integer, got ${this.maxCachedScopes}`);
    }
  }

  /**
   * The next number of `scope`.
   * @throws whatever the store throws (e.g. `SequenceOverflowError`, connection errors);
   *   `SequenceStoreError` if the store returns a block that breaks its contract.
   */
  async next(scope: SequenceScope): Promise<number> {
    const key = scopeKey(scope);
    for (;;) {
      const block = this.blockFor(key);
      if (block.next <= block.last) return block.next++;
      block.refilling ??= this.refill(key, block);
      await block.refilling;
    }
  }

  /** Forgets every cached block (their unused numbers are skipped). */
  discardCachedBlocks(): void {
    for (const [key, block] of this.blocks) {
      if (block.refilling === null) this.blocks.delete(key);
    }
  }

  private blockFor(key: string): ScopeBlock {
    let block = this.blocks.get(key);
    if (block === undefined) {
      block = { next: 1, last: 0, refilling: null };
      this.blocks.set(key, block);
      this.evictIfFull();
    }
    return block;
  }

  private async refill(key: string, block: ScopeBlock): Promise<void> {
    try {
      const reserved = await this.store.reserve(key, this.step);
      if (reserved.last - reserved.first + 1 !== this.step || reserved.first <= block.last) {
        throw new SequenceStoreError(
          `store returned block [${reserved.first}, ${reserved.last}] for ${key} after [.., ${block.last}] with step ${this.step}`,
        );
      }
      block.next = reserved.first;
      block.last = reserved.last;
      // Re-insert so eviction order follows the most recent refill.
      this.blocks.delete(key);
      this.blocks.set(key, block);
    } finally {
      block.refilling = null;
    }
  }

  private evictIfFull(): void {
    if (this.blocks.size <= this.maxCachedScopes) return;
    for (const [key, block] of this.blocks) {
      if (block.refilling === null) {
        this.blocks.delete(key);
        return;
      }
    }
  }
}
