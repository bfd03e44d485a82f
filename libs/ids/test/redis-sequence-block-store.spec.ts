import { randomUUID } from 'node:crypto';
import {
  MAX_SEQUENCE_VALUE,
  RedisSequenceBlockStore,
  SequenceAllocator,
  SequenceOverflowError,
  conversationScope,
  userScope,
} from '../src/index';
import { LuaScript } from '../src/redis/lua-script';
import { type TestRedis, connectTestRedis } from './support/test-redis';

describe('RedisSequenceBlockStore (real Redis)', () => {
  let redis: TestRedis;
  let store: RedisSequenceBlockStore;

  beforeEach(() => {
    redis = connectTestRedis('seq');
    store = new RedisSequenceBlockStore(redis.redis, { keyPrefix: redis.prefix });
  });

  afterEach(async () => {
    await redis.cleanup();
  });

  it('reserves consecutive blocks and persists the high-water mark', async () => {
    await expect(store.reserve('user:1', 1000)).resolves.toEqual({ first: 1, last: 1000 });
    await expect(store.reserve('user:1', 10)).resolves.toEqual({ first: 1001, last: 1010 });
    await expect(store.reserve('user:2', 10)).resolves.toEqual({ first: 1, last: 10 });
    expect(await redis.redis.get(`${redis.prefix}user:1`)).toBe('1010');
  });

  it('gives 200 concurrent reservations disjoint blocks covering the range exactly', async () => {
    const blocks = await Promise.all(Array.from({ length: 200 }, () => store.reserve('global', 50)));
    const firsts = blocks.map((b) => b.first).sort((a, b) => a - b);
    expect(firsts).toEqual(Array.from({ length: 200 }, (_, i) => i * 50 + 1));
    for (const block of blocks) expect(block.last - block.first).toBe(49);
  });

  it('refuses to pass 2^53 - 1 and leaves the mark unchanged', async () => {
    const key = `${redis.prefix}global`;
    await redis.redis.set(key, String(MAX_SEQUENCE_VALUE - 5));
    await expect(store.reserve('global', 10)).rejects.toBeInstanceOf(SequenceOverflowError);
    expect(await redis.redis.get(key)).toBe(String(MAX_SEQUENCE_VALUE - 5));
    await expect(store.reserve('global', 5)).resolves.toEqual({ first: MAX_SEQUENCE_VALUE - 4, last: MAX_SEQUENCE_VALUE });
  });

  it('runs a script the server has not cached (fresh server, SCRIPT FLUSH, failover) through EVAL, which caches it', async () => {
    // A source never sent before, so its SHA is not in the server's cache. Not SCRIPT FLUSH:
    // that empties the cache of every suite sharing this Redis, and their scripts in flight
    // then fail with NOSCRIPT.
    const script = new LuaScript(`-- ${randomUUID()}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`);
    const key = `${redis.prefix}lua`;
    expect(await redis.redis.script('EXISTS', script.sha)).toEqual([0]);
    await expect(script.run(redis.redis, [key], [5])).resolves.toBe(5);
    expect(await redis.redis.script('EXISTS', script.sha)).toEqual([1]);
    await expect(script.run(redis.redis, [key], [2])).resolves.toBe(7);
  });

  it('continues above a crashed allocator\'s block and never repeats', async () => {
    const crashed = new SequenceAllocator({ store, step: 1000 });
    const before: number[] = [];
    for (let i = 0; i < 10; i++) before.push(await crashed.next(conversationScope('room')));
    const restarted = new SequenceAllocator({ store, step: 1000 });
    const after: number[] = [];
    for (let i = 0; i < 10; i++) after.push(await restarted.next(conversationScope('room')));
    expect(before).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(after).toEqual(Array.from({ length: 10 }, (_, i) => i + 1001));
    expect(await restarted.next(userScope('room'))).toBe(1);
  });
});
