import {
  InMemoryWorkerIdLeaseStore,
  InvalidIdsConfigError,
  NoWorkerIdAvailableError,
  SnowflakeGenerator,
  type WorkerIdLease,
  WorkerIdLeaseKeeper,
  type WorkerIdLeaseKeeperOptions,
  WorkerIdLeaseLostError,
  type WorkerIdLeaseStore,
} from '../src/index';

/** Manually advanced time shared by the store (its expiry clock) and the keeper (deadline clock). */
class ManualClock {
  now = 1_000;
  readonly read = (): number => this.now;
}

const keepers: WorkerIdLeaseKeeper[] = [];

async function acquire(options: WorkerIdLeaseKeeperOptions): Promise<WorkerIdLeaseKeeper> {
  // A long renew interval keeps the timer out of the way; tests renew with renewNow().
  const keeper = await WorkerIdLeaseKeeper.acquire({ renewIntervalMs: 60_000, ttlMs: 100_000, ...options });
  keepers.push(keeper);
  return keeper;
}

afterEach(async () => {
  await Promise.all(keepers.splice(0).map((keeper) => keeper.release()));
});

describe('WorkerIdLeaseKeeper', () => {
  it('leases distinct worker ids, scanning from the start hint', async () => {
    const store = new InMemoryWorkerIdLeaseStore();
    const a = await acquire({ store, startHint: 1022 });
    const b = await acquire({ store, startHint: 1022 });
    const c = await acquire({ store, startHint: 1022 });
    expect([a.workerId, b.workerId, c.workerId]).toEqual([1022, 1023, 0]);
    expect(a.state).toBe('held');
    expect(a.ownerId).not.toBe(b.ownerId);
  });

  it('fails with NoWorkerIdAvailableError when every id in range is held', async () => {
    const store = new InMemoryWorkerIdLeaseStore();
    await acquire({ store, maxWorkerId: 1 });
    await acquire({ store, maxWorkerId: 1 });
    await expect(acquire({ store, maxWorkerId: 1 })).rejects.toBeInstanceOf(NoWorkerIdAvailableError);
    await expect(acquire({ store, maxWorkerId: 1 })).rejects.toMatchObject({ code: 'IDS_NO_WORKER_ID_AVAILABLE' });
  });

  it('stops its generator when a renewal is refused (lease taken over)', async () => {
    const clock = new ManualClock();
    const store = new InMemoryWorkerIdLeaseStore(clock.read);
    const lost: WorkerIdLeaseLostError[] = [];
    const keeper = await acquire({ store, clock: clock.read, onLost: (error) => lost.push(error) });
    const gen = new SnowflakeGenerator({ workerId: keeper.workerId, permit: keeper });
    expect(typeof gen.next()).toBe('bigint');

    store.steal(keeper.workerId, 'someone-else', 100_000);
    await expect(keeper.renewNow()).resolves.toBe(false);

    expect(keeper.state).toBe('lost');
    expect(lost.map((error) => error.reason)).toEqual(['renewal-refused']);
    expect(() => gen.next()).toThrow(WorkerIdLeaseLostError);
    expect(() => gen.next()).toThrow(expect.objectContaining({ code: 'IDS_WORKER_ID_LEASE_LOST', reason: 'renewal-refused' }));
    // Final: a later renewal does not resurrect it.
    await expect(keeper.renewNow()).resolves.toBe(false);
  });

  it('stops issuing at request time + ttl - margin if no renewal was confirmed, and resumes after a late renewal', async () => {
    const clock = new ManualClock();
    const store = new InMemoryWorkerIdLeaseStore(clock.read);
    const lost: string[] = [];
    const keeper = await acquire({
      store,
      clock: clock.read,
      ttlMs: 1_000,
      safetyMarginMs: 100,
      renewIntervalMs: 300,
      onLost: (error) => lost.push(error.reason),
    });
    const gen = new SnowflakeGenerator({ workerId: keeper.workerId, permit: keeper });
    clock.now += 899;
    expect(() => gen.next()).not.toThrow();
    clock.now += 1; // 900 ms after the acquire request: 1000 ttl - 100 margin.
    expect(keeper.state).toBe('expired');
    expect(() => gen.next()).toThrow(expect.objectContaining({ reason: 'expired' }));
    expect(() => gen.next()).toThrow(WorkerIdLeaseLostError);
    expect(lost).toEqual(['expired']); // reported once
    // The store has not expired it yet (1000 ms), so a renewal now is accepted.
    await expect(keeper.renewNow()).resolves.toBe(true);
    expect(keeper.state).toBe('held');
    expect(() => gen.next()).not.toThrow();
  });

  it('extends validity from the moment each renewal was requested', async () => {
    const clock = new ManualClock();
    let release!: (ok: boolean) => void;
    const inner = new InMemoryWorkerIdLeaseStore(clock.read);
    const slowStore: WorkerIdLeaseStore = {
      acquire: (...args) => inner.acquire(...args),
      release: (lease: WorkerIdLease) => inner.release(lease),
      renew: () => new Promise<boolean>((resolve) => (release = resolve)),
    };
    const keeper = await acquire({ store: slowStore, clock: clock.read, ttlMs: 1_000, safetyMarginMs: 0, renewIntervalMs: 300 });
    clock.now += 500;
    const renewal = keeper.renewNow();
    expect(keeper.renewNow()).toBe(renewal); // one request in flight
    clock.now += 400; // the reply takes 400 ms
    release(true);
    await expect(renewal).resolves.toBe(true);
    clock.now += 599; // 500 + 1000 - 1 after the acquire
    expect(keeper.state).toBe('held');
    clock.now += 1;
    expect(keeper.state).toBe('expired');
  });

  it('keeps the lease while renewals fail with errors, until the deadline', async () => {
    const clock = new ManualClock();
    const inner = new InMemoryWorkerIdLeaseStore(clock.read);
    const errors: unknown[] = [];
    const failing: WorkerIdLeaseStore = {
      acquire: (...args) => inner.acquire(...args),
      release: (lease) => inner.release(lease),
      renew: () => Promise.reject(new Error('connection refused')),
    };
    const keeper = await acquire({
      store: failing,
      clock: clock.read,
      ttlMs: 1_000,
      safetyMarginMs: 100,
      renewIntervalMs: 300,
      onRenewalError: (error) => errors.push(error),
    });
    await expect(keeper.renewNow()).resolves.toBe(true);
    clock.now += 900;
    await expect(keeper.renewNow()).resolves.toBe(false);
    expect(keeper.state).toBe('expired');
    expect(errors).toHaveLength(2);
  });

  it('release stops issuing immediately and frees the id for the next holder', async () => {
    const store = new InMemoryWorkerIdLeaseStore();
    const keeper = await acquire({ store, maxWorkerId: 0 });
    const gen = new SnowflakeGenerator({ workerId: keeper.workerId, permit: keeper });
    gen.next();
    await keeper.release();
    expect(keeper.state).toBe('released');
    expect(() => gen.next()).toThrow(expect.objectContaining({ reason: 'released' }));
    await keeper.release(); // idempotent
    const next = await acquire({ store, maxWorkerId: 0 });
    expect(next.workerId).toBe(0);
  });

  it('renews on its own timer', async () => {
    let renewals = 0;
    const inner = new InMemoryWorkerIdLeaseStore();
    const counting: WorkerIdLeaseStore = {
      acquire: (...args) => inner.acquire(...args),
      release: (lease) => inner.release(lease),
      renew: (lease, ttl) => {
        renewals += 1;
        return inner.renew(lease, ttl);
      },
    };
    // A long TTL, so that a loaded machine delaying the timers cannot make the lease lapse;
    // the test waits for three renewals instead of counting them in a fixed window.
    const keeper = await acquire({ store: counting, ttlMs: 10_000, renewIntervalMs: 20, safetyMarginMs: 1000 });
    const deadline = Date.now() + 10_000;
    while (renewals < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(renewals).toBeGreaterThanOrEqual(3);
    await keeper.release();
    const after = renewals;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(renewals).toBe(after);
  });

  it('rejects inconsistent timing options', async () => {
    const store = new InMemoryWorkerIdLeaseStore();
    await expect(WorkerIdLeaseKeeper.acquire({ store, ttlMs: 0 })).rejects.toBeInstanceOf(InvalidIdsConfigError);
    await expect(WorkerIdLeaseKeeper.acquire({ store, ttlMs: 1000, safetyMarginMs: 1000 })).rejects.toBeInstanceOf(
      InvalidIdsConfigError,
    );
    await expect(WorkerIdLeaseKeeper.acquire({ store, ttlMs: 1000, renewIntervalMs: 950, safetyMarginMs: 100 })).rejects.toBeInstanceOf(
      InvalidIdsConfigError,
    );
    await expect(WorkerIdLeaseKeeper.acquire({ store, maxWorkerId: 1024 })).rejects.toBeInstanceOf(InvalidIdsConfigError);
  });
});
