import { RedisWorkerIdLeaseStore, WorkerIdLeaseKeeper, type WorkerIdLeaseStore } from '../src/index';
import { type TestRedis, connectTestRedis } from './support/test-redis';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisWorkerIdLeaseStore (real Redis)', () => {
  let redis: TestRedis;
  let store: RedisWorkerIdLeaseStore;

  beforeEach(() => {
    redis = connectTestRedis('lease');
    store = new RedisWorkerIdLeaseStore(redis.redis, { keyPrefix: redis.prefix });
  });

  afterEach(async () => {
    await redis.cleanup();
  });

  it('grants 1024 distinct ids to 1024 concurrent acquirers, then none', async () => {
    const leases = await Promise.all(Array.from({ length: 1024 }, (_, i) => store.acquire(`owner-${i}`, 30_000, 1023, 0)));
    const ids = leases.map((lease) => lease!.workerId).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 1024 }, (_, i) => i));
    await expect(store.acquire('late', 30_000, 1023, 0)).resolves.toBeNull();
  });

  it('scans from the start hint and wraps around the range', async () => {
    await expect(store.acquire('a', 30_000, 3, 2)).resolves.toEqual({ workerId: 2, ownerId: 'a' });
    await expect(store.acquire('b', 30_000, 3, 2)).resolves.toEqual({ workerId: 3, ownerId: 'b' });
    await expect(store.acquire('c', 30_000, 3, 6)).resolves.toEqual({ workerId: 0, ownerId: 'c' });
  });

  it('renews and releases only for the owner', async () => {
    const lease = (await store.acquire('a', 30_000, 0, 0))!;
    await expect(store.renew({ workerId: 0, ownerId: 'b' }, 30_000)).resolves.toBe(false);
    await expect(store.release({ workerId: 0, ownerId: 'b' })).resolves.toBe(false);
    await expect(store.renew(lease, 30_000)).resolves.toBe(true);
    await expect(store.release(lease)).resolves.toBe(true);
    await expect(store.release(lease)).resolves.toBe(false);
    await expect(store.acquire('b', 30_000, 0, 0)).resolves.toEqual({ workerId: 0, ownerId: 'b' });
  });

  it('expires unrenewed leases by the Redis clock; the old owner can then not renew', async () => {
    const old = (await store.acquire('old', 60, 0, 0))!;
    await expect(store.acquire('new', 60, 0, 0)).resolves.toBeNull();
    await sleep(120);
    await expect(store.acquire('new', 10_000, 0, 0)).resolves.toEqual({ workerId: 0, ownerId: 'new' });
    await expect(store.renew(old, 10_000)).resolves.toBe(false);
  });

  it('gives the namespace keys a TTL so abandoned leases leave nothing behind', async () => {
    await store.acquire('a', 5_000, 3, 0);
    const keys = await redis.redis.keys(`${redis.prefix}*`);
    expect(keys.sort()).toEqual([`${redis.prefix}{worker-ids}:expiry`, `${redis.prefix}{worker-ids}:owner`]);
    for (const key of keys) {
      const ttl = await redis.redis.pttl(key);
      expect(ttl).toBeGreaterThan(4_000);
      expect(ttl).toBeLessThanOrEqual(6_000);
    }
  });

  it('drives a keeper end to end: a partition lets the lease lapse, the loss is noticed on renewal', async () => {
    let partitioned = false;
    const renewalErrors: unknown[] = [];
    const lost: string[] = [];
    const throughPartition: WorkerIdLeaseStore = {
      acquire: (...args) => store.acquire(...args),
      release: (lease) => store.release(lease),
      renew: (lease, ttl) => (partitioned ? Promise.reject(new Error('partitioned')) : store.renew(lease, ttl)),
    };
    const keeper = await WorkerIdLeaseKeeper.acquire({
      store: throughPartition,
      ttlMs: 100,
      renewIntervalMs: 30,
      safetyMarginMs: 10,
      maxWorkerId: 0,
      onLost: (error) => lost.push(error.reason),
      onRenewalError: (error) => renewalErrors.push(error),
    });
    try {
      await sleep(150); // renewed by the timer meanwhile
      expect(keeper.state).toBe('held');
      partitioned = true;
      await sleep(150);
      expect(keeper.state).toBe('expired');
      expect(renewalErrors.length).toBeGreaterThan(0);
      // Redis expired our lease, so someone else may take the id over.
      await expect(store.acquire('thief', 10_000, 0, 0)).resolves.toEqual({ workerId: 0, ownerId: 'thief' });
      partitioned = false;
      await expect(keeper.renewNow()).resolves.toBe(false);
      expect(keeper.state).toBe('lost');
      expect(lost).toEqual(['renewal-refused']);
    } finally {
      await keeper.release();
    }
  });
});
