import { PRELUDE_LUA } from './prelude.lua';

/**
 * KEYS[1]: hash {l = level in scaled units, t = last refill ms}.
 * ARGV: capacity, refillTokens, refillIntervalMs, n, borrow (1/0).
 * Returns {allowed, remaining, retryAfterMs, resetMs}. Writes only when admitting (a denied
 * request changes nothing: the refill is a pure function of the stored state and now).
 */
export const TOKEN_BUCKET_LUA = `${PRELUDE_LUA}
local cap, rate, unit, n, borrow = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5] == '1'
local full = cap * unit
local st = redis.call('HMGET', KEYS[1], 'l', 't')
local level, last = tonumber(st[1]), tonumber(st[2])
if level == nil or last == nil then level, last = full, now end
if now > last then
  level = math.min(full, level + (now - last) * rate)
  last = now
end
local need = n * unit
local ok
if borrow then ok = level >= 0 else ok = level >= need end
if ok then
  level = level - need
  local reset = ceil_div(full - level, rate)
  redis.call('HSET', KEYS[1], 'l', int(level), 't', int(last))
  redis.call('PEXPIRE', KEYS[1], at_least_1(reset))
  return {1, math.max(0, floor_div(level, unit)), 0, reset}
end
local shortfall
if borrow then shortfall = -level else shortfall = need - level end
return {0, math.max(0, floor_div(level, unit)), ceil_div(shortfall, rate), ceil_div(full - level, rate)}
`;

/**
 * Quota leasing on a token bucket. KEYS[1] as above.
 * ARGV: capacity, refillTokens, refillIntervalMs, give, take, min.
 * First puts back `give` unused tokens (capped at capacity), then takes min(take, whole
 * tokens available) — but only if at least `min` are available, else nothing.
 * Returns {taken, tokensLeftInRedis, retryAfterMs (when fewer than min were available)}.
 */
export const TOKEN_BUCKET_LEASE_LUA = `${PRELUDE_LUA}
local cap, rate, unit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local give, take, min = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local full = cap * unit
local st = redis.call('HMGET', KEYS[1], 'l', 't')
local level, last = tonumber(st[1]), tonumber(st[2])
if level == nil or last == nil then level, last = full, now end
if now > last then
  level = math.min(full, level + (now - last) * rate)
  last = now
end
level = math.min(full, level + give * unit)
local available = math.max(0, floor_div(level, unit))
local taken, retry = 0, 0
if available >= min then
  taken = math.min(take, available)
  level = level - taken * unit
else
  retry = ceil_div(min * unit - level, rate)
end
if give > 0 or taken > 0 then
  redis.call('HSET', KEYS[1], 'l', int(level), 't', int(last))
  redis.call('PEXPIRE', KEYS[1], at_least_1(ceil_div(full - level, rate)))
end
return {taken, available - taken, retry}
`;
