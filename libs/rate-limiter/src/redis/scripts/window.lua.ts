import { PRELUDE_LUA } from './prelude.lua';

/**
 * Fixed window. KEYS[1]: hash {w = window index, c = count}. ARGV: limit, windowMs, n.
 * Returns {allowed, remaining, retryAfterMs, resetMs}. The key expires when its window ends.
 */
export const FIXED_WINDOW_LUA = `${PRELUDE_LUA}
local limit, win, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local window = math.floor(now / win)
local count = 0
local st = redis.call('HMGET', KEYS[1], 'w', 'c')
local stored = tonumber(st[1])
if stored ~= nil and stored >= window then window, count = stored, tonumber(st[2]) end
local untilNext = (window + 1) * win - now
if count + n <= limit then
  count = count + n
  redis.call('HSET', KEYS[1], 'w', int(window), 'c', int(count))
  redis.call('PEXPIRE', KEYS[1], at_least_1(untilNext))
  return {1, limit - count, 0, untilNext}
end
return {0, limit - count, untilNext, untilNext}
`;

/**
 * Sliding log. KEYS[1]: sorted set of admitted units (score = ms, member = sequence number),
 * KEYS[2]: the sequence counter. ARGV: limit, windowMs, n.
 * The counter lives twice as long as the log, so a member number is never reused while
 * an older entry with that number could still be in the log.
 */
export const SLIDING_LOG_LUA = `${PRELUDE_LUA}
local limit, win, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', int(now - win))
local total = redis.call('ZCARD', KEYS[1])
local newest = now
if total > 0 then newest = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2]) end
if total + n <= limit then
  -- Never stamp before the newest entry (a server clock stepping back), so the log stays
  -- in admission order and the oldest entries are always the first to leave.
  local stamp = math.max(now, newest)
  local seq = redis.call('INCRBY', KEYS[2], n)
  for i = seq - n + 1, seq do redis.call('ZADD', KEYS[1], int(stamp), int(i)) end
  redis.call('PEXPIRE', KEYS[1], at_least_1(stamp + win - now))
  redis.call('PEXPIRE', KEYS[2], 2 * win)
  return {1, limit - total - n, 0, stamp + win - now}
end
-- Room for n appears when the (total + n - limit)-th oldest unit leaves the window; the
-- key is idle once the newest one has (nothing was written: the log is unchanged).
local oldest = redis.call('ZRANGE', KEYS[1], total + n - limit - 1, total + n - limit - 1, 'WITHSCORES')
return {0, limit - total, tonumber(oldest[2]) + win - now, newest + win - now}
`;

/**
 * Sliding window counter. KEYS[1]: hash {w = window index, c = current count, p = previous}.
 * ARGV: limit, windowMs, n. Estimate × windowMs = p × (windowMs − offset) + c × windowMs.
 */
export const SLIDING_WINDOW_COUNTER_LUA = `${PRELUDE_LUA}
local limit, win, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local window = math.floor(now / win)
local cur, prev = 0, 0
local st = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local stored = tonumber(st[1])
if stored ~= nil then
  if stored >= window then window, cur, prev = stored, tonumber(st[2]), tonumber(st[3])
  elseif stored == window - 1 then prev = tonumber(st[2]) end
end
local start = window * win
local offset = now - start
local weighted = prev * (win - offset) + cur * win
if weighted + n * win <= limit * win then
  cur = cur + n
  redis.call('HSET', KEYS[1], 'w', int(window), 'c', int(cur), 'p', int(prev))
  redis.call('PEXPIRE', KEYS[1], at_least_1(start + 2 * win - now))
  return {1, floor_div(limit * win - weighted - n * win, win), 0, start + 2 * win - now}
end
local function earliest(p, room)
  if room < 0 then return win end
  if p == 0 then return 0 end
  return math.max(0, win - floor_div(room * win, p))
end
local retry_at
local e = earliest(prev, limit - cur - n)
if e < win then retry_at = start + e else
  e = earliest(cur, limit - n)
  if e < win then retry_at = start + win + e else retry_at = start + 2 * win end
end
local reset = now
if cur > 0 then reset = start + 2 * win elseif prev > 0 then reset = start + win end
return {0, floor_div(limit * win - weighted, win), retry_at - now, reset - now}
`;
