import { CEIL_DIV_LUA, PRELUDE_LUA } from './prelude.lua';

/**
 * Suffixes of the leaky bucket keys (meter, queue). Version 2 stores one string
 * `"<level> <last>"` (format 1, `lbm` / `lbq`, was a hash): a new suffix, so a key left in
 * the old format can never reach these scripts.
 */
export const LEAKY_BUCKET_METER_KEY_KIND = 'lbm2';
export const LEAKY_BUCKET_QUEUE_KEY_KIND = 'lbq2';

// Shared by meter and queue: load the water level and drain it up to now.
const DRAIN_LUA = `${CEIL_DIV_LUA}
local cap, leak, unit, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local full, need = cap * unit, n * unit
local level, last
local v = redis.call('GET', KEYS[1])
if v then
  local a, b = string.match(v, '^(%S+) (%S+)$')
  level, last = tonumber(a), tonumber(b)
end
if level == nil or last == nil then level, last = 0, now end
if now > last then
  level = math.max(0, level - (now - last) * leak)
  last = now
end
`;

// Stores the level with a TTL of the time until it has drained (then it equals a fresh one).
const SAVE_LUA = `
local reset = ceil_div(level, leak)
local ttl = reset
if ttl < 1 then ttl = 1 end
redis.call('SET', KEYS[1], string.format('%d %d', level, last), 'PX', ttl)
`;

/**
 * Leaky bucket meter (GCRA). KEYS[1]: string "<water level (scaled)> <last ms>".
 * ARGV: capacity, leakTokens, leakIntervalMs, n. Returns {allowed, remaining, retryAfterMs, resetMs}.
 */
export const LEAKY_BUCKET_METER_LUA = `${PRELUDE_LUA}${DRAIN_LUA}
if level + need <= full then
  level = level + need
${SAVE_LUA}
  return {1, math.floor((full - level) / unit), 0, reset}
end
return {0, math.floor((full - level) / unit), ceil_div(level + need - full, leak), ceil_div(level, leak)}
`;

/**
 * Leaky bucket queue: reserves a departure slot. KEYS[1] as for the meter.
 * ARGV: capacity, leakTokens, leakIntervalMs, n, maxDelayMs (-1: unbounded).
 * Returns {status, room, delayOrRetryMs, resetMs} with status 1 = reserved (leave after
 * delay), 0 = would wait longer than maxDelayMs (not reserved), -1 = queue full.
 */
export const LEAKY_BUCKET_QUEUE_LUA = `${PRELUDE_LUA}${DRAIN_LUA}
local max_delay = tonumber(ARGV[5])
local overflow = level + need - full
if overflow > 0 then
  return {-1, math.floor((full - level) / unit), ceil_div(overflow, leak), ceil_div(level, leak)}
end
local delay = ceil_div(level, leak)
if max_delay >= 0 and delay > max_delay then
  return {0, math.floor((full - level) / unit), delay, delay}
end
level = level + need
${SAVE_LUA}
return {1, math.floor((full - level) / unit), delay, reset}
`;
