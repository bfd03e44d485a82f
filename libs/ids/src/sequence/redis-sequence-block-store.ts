import type { Redis } from 'ioredis';
import { SequenceOverflowError, SequenceStoreError } from '../errors';
import { LuaScript } from '../redis/lua-script';
import { MAX_SEQUENCE_VALUE, type SequenceBlock, type SequenceBlockStore } from './sequence-block-store';

// Checks for overflow before raising the mark (Lua numbers are doubles: exact only to
// 2^53), then INCRBY and returns the new mark; the block is (mark - size, mark].
// ARGV: size, max. Returns the new mark, or -1 on overflow (nothing written).
const RESERVE = new LuaScript(`
local size, max = tonumber(ARGV[1]), tonumber(ARGV[2])
local mark = tonumber(redis.call('GET', KEYS[1]) or '0')
if mark + size > max then return -1 end
return redis.call('INCRBY', KEYS[1], size)
`);

/** Options of {@link RedisSequenceBlockStore}. */
export interface RedisSequenceBlockStoreOptions {
  /** Prepended to every scope key. Default `ids:seq:`. */
  readonly keyPrefix?: string;
}

/**
 * {@link SequenceBlockStore} on Redis: one integer key per scope raised by an atomic script.
 * Durability is Redis's: configure AOF with `appendfsync always` (or use a Raft-KV store) if
 * a Redis crash must not roll a mark back — a rolled-back mark would repeat numbers.
 */
export class RedisSequenceBlockStore implements SequenceBlockStore {
  private readonly keyPrefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisSequenceBlockStoreOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'ids:seq:';
  }

  async reserve(scopeKey: string, size: number): Promise<SequenceBlock> {
    const key = this.keyPrefix + scopeKey;
    const reply = await RESERVE.run(this.redis, [key], [size, MAX_SEQUENCE_VALUE]);
    if (typeof reply !== 'number' || !Number.isSafeInteger(reply)) {
      throw new SequenceStoreError(`unexpected reply from Redis for ${key}: ${String(reply)}`);
    }
    if (reply < 0) {
      throw new SequenceOverflowError(`scope ${scopeKey} would pass ${MAX_SEQUENCE_VALUE}`);
    }
    return { first: reply - size + 1, last: reply };
  }
}
