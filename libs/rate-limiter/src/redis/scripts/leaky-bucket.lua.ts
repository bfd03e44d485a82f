import { PRELUDE_LUA } from './prelude.lua';

// Shared by meter and queue: load the water level and drain it up to now.
const DRAIN_LUA = `
local cap, leak, unit, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local full, need = cap * unit, n * unit
local st = redis.call('HMGET', KEYS[1], 'l', 't')
local level, last = tonumber(st[1]), tonumber(st[2])
if level == nil or last == nil then level, last = 0, now end
if now > last then
  level = math.max(0, level - (now - last) * leak)
  last = now
end
local function save()
  redis.call('HSET', KEYS[1], 'l', int(level), 't', int(last))
  redis.call('PEXPIRE', KEYS[1], at_least_1(ceil_div(level, leak)))
end
`;

/**
 * Leaky bucket meter (GCRA). KEYS[1]: hash {l = water level (scaled), t = last ms}.
 * ARGV: capacity, leakTokens, leakIntervalMs, n. Returns {allowed, remaining, retryAfterMs, resetMs}.
 */
export const LEAKY_BUCKET_METER_LUA = `${PRELUDE_LUA}${DRAIN_LUA}
if level + need <= full then
  level = level + need
  save()
  return {1, floor_div(full - level, unit), 0, ceil_div(level, leak)}
end
return {0, floor_div(full - level, unit), ceil_div(level + need - full, leak), ceil_div(level, leak)}
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
  return {-1, floor_div(full - level, unit), ceil_div(overflow, leak), ceil_div(level, leak)}
end
local delay = ceil_div(level, leak)
if max_delay >= 0 and delay > max_delay then
  return {0, floor_div(full - level, unit), delay, ceil_div(level, leak)}
end
level = level + need
save()
return {1, floor_div(full - level, unit), delay, ceil_div(level, leak)}
`;
