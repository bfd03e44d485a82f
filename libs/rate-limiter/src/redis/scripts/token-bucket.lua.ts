import { CEIL_DIV_LUA, PRELUDE_LUA } from './prelude.lua';

/**
 * Suffix of a token bucket's key, shared by `RedisTokenBucket` and `LeasedTokenBucket`.
 * Version 2 stores one string `"<level> <last>"` (format 1, `tb`, was a hash): a new
 * suffix, so a key left in the old format can never reach these scripts.
 */
export const TOKEN_BUCKET_KEY_KIND = 'tb2';

// Loads the bucket (full if absent) and refills it up to now. A clock that steps backwards
// neither refills nor rewinds it.
const LOAD_LUA = `
local full = cap * unit
local level, last
local v = redis.call('GET', KEYS[1])
if v then
  local a, b = string.match(v, '^(%S+) (%S+)$')
  level, last = tonumber(a), tonumber(b)
end
if level == nil or last == nil then level, last = full, now end
if now > last then
  level = math.min(full, level + (now - last) * rate)
  last = now
end
`;

// Stores the bucket with a TTL of the time until it is full again (then it equals a fresh one).
const SAVE_LUA = `
  local reset = ceil_div(full - level, rate)
  local ttl = reset
  if ttl < 1 then ttl = 1 end
  redis.call('SET', KEYS[1], string.format('%d %d', level, last), 'PX', ttl)
`;

/**
 * KEYS[1]: string "<level in scaled units> <last refill ms>".
 * ARGV: capacity, refillTokens, refillIntervalMs, n, borrow (1/0).
 * Returns {allowed, remaining, retryAfterMs, resetMs}. Writes only when admitting (a denied
 * request changes nothing: the refill is a pure function of the stored state and now).
 */
export const TOKEN_BUCKET_LUA = `${PRELUDE_LUA}${CEIL_DIV_LUA}
local cap, rate, unit, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
${LOAD_LUA}
local need = n * unit
local ok
if ARGV[5] == '1' then ok = level >= 0 else ok = level >= need end
if ok then
  level = level - need
${SAVE_LUA}
  local remaining = math.floor(level / unit)
  if remaining < 0 then remaining = 0 end
  return {1, remaining, 0, reset}
end
local shortfall
if ARGV[5] == '1' then shortfall = -level else shortfall = need - level end
local remaining = math.floor(level / unit)
if remaining < 0 then remaining = 0 end
return {0, remaining, ceil_div(shortfall, rate), ceil_div(full - level, rate)}
`;

/**
 * Quota leasing on a token bucket. KEYS[1] as above.
 * ARGV: capacity, refillTokens, refillIntervalMs, give, take, min.
 * First puts back `give` unused tokens (capped at capacity), then takes min(take, whole
 * tokens available) — but only if at least `min` are available, else nothing.
 * Returns {taken, tokensLeftInRedis, retryAfterMs (when fewer than min were available)}.
 */
export const TOKEN_BUCKET_LEASE_LUA = `${PRELUDE_LUA}${CEIL_DIV_LUA}
local cap, rate, unit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local give, take, min = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
${LOAD_LUA}
level = math.min(full, level + give * unit)
local available = math.max(0, math.floor(level / unit))
local taken, retry = 0, 0
if available >= min then
  taken = math.min(take, available)
  level = level - taken * unit
else
  retry = ceil_div(min * unit - level, rate)
end
if give > 0 or taken > 0 then
${SAVE_LUA}
end
return {taken, available - taken, retry}
`;
