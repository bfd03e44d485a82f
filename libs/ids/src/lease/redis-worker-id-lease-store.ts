import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script';
import type { WorkerIdLease, WorkerIdLeaseStore } from './worker-id-lease-store';

// Leases live in two keys sharing a hash tag (same Cluster slot), so each operation is one
// atomic script over declared keys: a sorted set `workerId -> expiry (Redis ms)` and a hash
// `workerId -> owner`. Expiry is judged by Redis's own clock (TIME), never the callers'.
// After each write the pair's own TTL is stretched to the latest lease, so an abandoned
// namespace disappears by itself.
const NOW_AND_TOUCH = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function touch(now)
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if last[2] then
    local ttl = tonumber(last[2]) - now + 1000
    redis.call('PEXPIRE', KEYS[1], ttl)
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
end
local function held_by(id, owner, now)
  local expiry = redis.call('ZSCORE', KEYS[1], id)
  return expiry and tonumber(expiry) > now and redis.call('HGET', KEYS[2], id) == owner
end
`;

// ARGV: owner, ttlMs, maxWorkerId, startHint. Returns the worker id, or -1 if none is free.
const ACQUIRE = new LuaScript(
  NOW_AND_TOUCH +
    `
local owner, ttl, size, start = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]) + 1, tonumber(ARGV[4])
local now = now_ms()
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  redis.call('HDEL', KEYS[2], id)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local taken = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do taken[id] = true end
for i = 0, size - 1 do
  local id = tostring((start + i) % size)
  if not taken[id] then
    redis.call('ZADD', KEYS[1], now + ttl, id)
    redis.call('HSET', KEYS[2], id, owner)
    touch(now)
    return tonumber(id)
  end
end
return -1
`,
);

// ARGV: workerId, owner, ttlMs. Returns 1 if renewed, 0 if the lease is not held.
const RENEW = new LuaScript(
  NOW_AND_TOUCH +
    `
local now = now_ms()
if not held_by(ARGV[1], ARGV[2], now) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
touch(now)
return 1
`,
);

// ARGV: workerId, owner. Returns 1 if released, 0 if the lease was not held.
const RELEASE = new LuaScript(
  NOW_AND_TOUCH +
    `
local now = now_ms()
if not held_by(ARGV[1], ARGV[2], now) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`,
);

/** Options of {@link RedisWorkerIdLeaseStore}. */
export interface RedisWorkerIdLeaseStoreOptions {
  /** Prepended to both keys; isolates deployments (and test runs). Default `ids:`. */
  readonly keyPrefix?: string;
}

/** {@link WorkerIdLeaseStore} on a single Redis primary (or a Cluster slot) via atomic Lua scripts. */
export class RedisWorkerIdLeaseStore implements WorkerIdLeaseStore {
  private readonly keys: readonly [string, string];

  constructor(
    private readonly redis: Redis,
    options: RedisWorkerIdLeaseStoreOptions = {},
  ) {
    const prefix = options.keyPrefix ?? 'ids:';
    this.keys = [`${prefix}{worker-ids}:expiry`, `${prefix}{worker-ids}:owner`];
  }

  async acquire(ownerId: string, ttlMs: number, maxWorkerId: number, startHint: number): Promise<WorkerIdLease | null> {
    const reply = await ACQUIRE.run(this.redis, this.keys, [ownerId, ttlMs, maxWorkerId, Math.abs(Math.trunc(startHint))]);
    const workerId = Number(reply);
    return workerId >= 0 ? { workerId, ownerId } : null;
  }

  async renew(lease: WorkerIdLease, ttlMs: number): Promise<boolean> {
    return Number(await RENEW.run(this.redis, this.keys, [lease.workerId, lease.ownerId, ttlMs])) === 1;
  }

  async release(lease: WorkerIdLease): Promise<boolean> {
    return Number(await RELEASE.run(this.redis, this.keys, [lease.workerId, lease.ownerId])) === 1;
  }
}
