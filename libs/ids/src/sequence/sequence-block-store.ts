/**
 * A reserved, inclusive range of sequence numbers `[first, last]` that now belongs to the
 * caller alone.
 */
export interface SequenceBlock {
  readonly first: number;
  readonly last: number;
}

/** The largest sequence number a store may hand out (2^53 - 1, exact in JS and Lua). */
export const MAX_SEQUENCE_VALUE = Number.MAX_SAFE_INTEGER;

/**
 * Strongly consistent per-scope high-water marks (`max_seq` in WeChat's seqsvr). Numbers
 * start at 1. Implementations: Redis (`RedisSequenceBlockStore`), in-memory
 * (`InMemorySequenceBlockStore`); a Raft-KV-backed one can be added by implementing this.
 *
 * Contract: `reserve` atomically raises the scope's mark by `size` and returns the block
 * between the old and new mark, once durable in the store. Blocks returned for one scope
 * never overlap, and every block lies above all blocks returned before it.
 */
export interface SequenceBlockStore {
  /**
   * Reserves the next `size` numbers of `scopeKey`.
   * @throws SequenceOverflowError if the mark would pass {@link MAX_SEQUENCE_VALUE}.
   */
  reserve(scopeKey: string, size: number): Promise<SequenceBlock>;
}
