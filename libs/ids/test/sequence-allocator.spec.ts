import {
  InMemorySequenceBlockStore,
  InvalidIdsConfigError,
  type SequenceBlock,
  type SequenceBlockStore,
  SequenceAllocator,
  SequenceOverflowError,
  SequenceStoreError,
  conversationScope,
  globalScope,
  scopeKey,
  userScope,
} from '../src/index';

describe('sequence scopes', () => {
  it('maps scopes to distinct, escaped keys', () => {
    expect(scopeKey(globalScope())).toBe('global');
    expect(scopeKey(globalScope('orders'))).toBe('global:orders');
    expect(scopeKey(userScope('42'))).toBe('user:42');
    expect(scopeKey(conversationScope('a:b'))).toBe('conv:a%3Ab');
    expect(scopeKey(userScope('a:b'))).not.toBe(scopeKey(userScope('a')) + ':b');
    expect(() => scopeKey(userScope(''))).toThrow(InvalidIdsConfigError);
  });
});

describe('SequenceAllocator (in-memory store)', () => {
  it('hands out 1, 2, 3... reserving one block of `step` at a time', async () => {
    const store = new InMemorySequenceBlockStore();
    const allocator = new SequenceAllocator({ store, step: 3 });
    const got: number[] = [];
    for (let i = 0; i < 7; i++) got.push(await allocator.next(userScope('u1')));
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(store.reservations).toBe(3);
    expect(store.markOf('user:u1')).toBe(9);
  });

  it('keeps scopes independent', async () => {
    const allocator = new SequenceAllocator({ store: new InMemorySequenceBlockStore(), step: 10 });
    expect(await allocator.next(userScope('a'))).toBe(1);
    expect(await allocator.next(userScope('b'))).toBe(1);
    expect(await allocator.next(conversationScope('a'))).toBe(1);
    expect(await allocator.next(userScope('a'))).toBe(2);
    expect(await allocator.next(globalScope())).toBe(1);
  });

  it('shares one in-flight reservation among concurrent callers: no duplicates, no over-reservation', async () => {
    const store = new InMemorySequenceBlockStore();
    const allocator = new SequenceAllocator({ store, step: 100 });
    const resolved: number[] = [];
    await Promise.all(
      Array.from({ length: 1_000 }, () => allocator.next(globalScope()).then((n) => resolved.push(n))),
    );
    expect(resolved).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
    expect(store.reservations).toBe(10);
  });

  it('after a crash mid-block, a new allocator continues above the old block and never repeats', async () => {
    const store = new InMemorySequenceBlockStore();
    const before = new SequenceAllocator({ store, step: 100 });
    const first = [await before.next(globalScope()), await before.next(globalScope())];
    // `before` is dropped with 98 numbers unused (a process crash loses only memory).
    const after = new SequenceAllocator({ store, step: 100 });
    const second = [await after.next(globalScope()), await after.next(globalScope())];
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([101, 102]);
  });

  it('lets several allocators share a scope without repeats', async () => {
    const store = new InMemorySequenceBlockStore();
    const allocators = [1, 2, 3].map(() => new SequenceAllocator({ store, step: 7 }));
    const all = await Promise.all(
      Array.from({ length: 300 }, (_, i) => allocators[i % 3]!.next(conversationScope('c'))),
    );
    expect(new Set(all).size).toBe(300);
    for (const [index] of allocators.entries()) {
      const mine = all.filter((_, i) => i % 3 === index);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!).toBeGreaterThan(mine[i - 1]!);
    }
  });

  it('propagates a failed reservation to every waiter, then retries on the next call', async () => {
    const inner = new InMemorySequenceBlockStore();
    let failNext = true;
    const flaky: SequenceBlockStore = {
      reserve: async (key, size) => {
        if (failNext) {
          failNext = false;
          throw new Error('store unavailable');
        }
        return inner.reserve(key, size);
      },
    };
    const allocator = new SequenceAllocator({ store: flaky, step: 5 });
    const results = await Promise.allSettled([allocator.next(globalScope()), allocator.next(globalScope())]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await allocator.next(globalScope())).toBe(1);
  });

  it('rejects a store reply that breaks the contract (wrong size or not above the previous block)', async () => {
    const replies: SequenceBlock[] = [
      { first: 1, last: 5 },
      { first: 3, last: 7 },
    ];
    const broken: SequenceBlockStore = { reserve: async () => replies.shift()! };
    const allocator = new SequenceAllocator({ store: broken, step: 5 });
    for (let i = 1; i <= 5; i++) expect(await allocator.next(globalScope())).toBe(i);
    await expect(allocator.next(globalScope())).rejects.toBeInstanceOf(SequenceStoreError);
    const wrongSize = new SequenceAllocator({ store: { reserve: async () => ({ first: 1, last: 3 }) }, step: 5 });
    await expect(wrongSize.next(globalScope())).rejects.toMatchObject({ code: 'IDS_SEQUENCE_STORE_ERROR' });
  });

  it('evicts the least recently refilled scope beyond maxCachedScopes, skipping its rest', async () => {
    const store = new InMemorySequenceBlockStore();
    const allocator = new SequenceAllocator({ store, step: 10, maxCachedScopes: 2 });
    expect(await allocator.next(userScope('a'))).toBe(1);
    expect(await allocator.next(userScope('b'))).toBe(1);
    expect(await allocator.next(userScope('c'))).toBe(1); // evicts a
    expect(await allocator.next(userScope('b'))).toBe(2);
    expect(await allocator.next(userScope('a'))).toBe(11);
    allocator.discardCachedBlocks();
    expect(await allocator.next(userScope('b'))).toBe(11);
  });

  it('reports overflow of the store', async () => {
    const store = new InMemorySequenceBlockStore();
    const allocator = new SequenceAllocator({ store, step: 2 ** 52 });
    await allocator.next(globalScope());
    await expect(allocator.next(userScope('x'))).resolves.toBe(1);
    await store.reserve('global', 2 ** 52 - 2 ** 50);
    const other = new SequenceAllocator({ store, step: 2 ** 52 });
    await expect(other.next(globalScope())).rejects.toBeInstanceOf(SequenceOverflowError);
  });

  it('rejects bad options', () => {
    const store = new InMemorySequenceBlockStore();
    expect(() => new SequenceAllocator({ store, step: 0 })).toThrow(InvalidIdsConfigError);
    expect(() => new SequenceAllocator({ store, step: 1.5 })).toThrow(InvalidIdsConfigError);
    expect(() => new SequenceAllocator({ store, maxCachedScopes: 0 })).toThrow(InvalidIdsConfigError);
  });
});
