import { PRELUDE_LUA } from './prelude.lua';

/**
 * Suffixes of the window keys. Version 2 of the fixed window and the sliding window counter
 * stores one string (format 1, `fw` / `swc`, was a hash): a new suffix, so a key left in
 * the old format can never reach these scripts. The sliding log's format is unchanged.
 */
export const FIXED_WINDOW_KEY_KIND = 'fw2';
export const SLIDING_WINDOW_COUNTER_KEY_KIND = 'swc2';
export const SLIDING_LOG_KEY_KINDS = ['log', 'seq'] as const;

/**
 * Fixed window. KEYS[1]: string "<window index> <count>". ARGV: limit, windowMs, n.
 * Returns {allowed, remaining, retryAfterMs, resetMs}. The key expires when its window ends.
 */
export const FIXED_WINDOW_LUA = `${PRELUDE_LUA}
local limit, win, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local window = math.floor(now / win)
local count = 0
local same = false
local v = redis.call('GET', KEYS[1])
if v then
  local a, b = string.match(v, '^(%S+) (%S+)$')
  local stored, c = tonumber(a), tonumber(b)
  if stored ~= nil and c ~= nil and stored >= window then window, count, same = stored, c, true end
end
local untilNext = (window + 1) * win - now
if count + n <= limit then
  count = count + n
  local value = string.format('%d %d', window, count)
  if same then
    -- Still this window's key: its TTL already ends with the window (cheaper than a new one).
    redis.call('SET', KEYS[1], value, 'KEEPTTL')
  else
    local ttl = untilNext
    if ttl < 1 then ttl = 1 end
    redis.call('SET', KEYS[1], value, 'PX', ttl)
  end
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
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now - win))
local total = redis.call('ZCARD', KEYS[1])
local newest = now
if total > 0 then newest = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2]) end
if total + n <= limit then
  -- Never stamp before the newest entry (a server clock stepping back), so the log stays
  -- in admission order and the oldest entries are always the first to leave.
  local stamp = math.max(now, newest)
  local seq = redis.call('INCRBY', KEYS[2], n)
  local score = string.format('%d', stamp)
  for i = seq - n + 1, seq do redis.call('ZADD', KEYS[1], score, string.format('%d', i)) end
  local ttl = stamp + win - now
  if ttl < 1 then ttl = 1 end
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], 2 * win)
  return {1, limit - total - n, 0, stamp + win - now}
end
-- Room for n appears when the (total + n - limit)-th oldest unit leaves the window; the
-- key is idle once the newest one has (nothing was written: the log is unchanged).
local oldest = redis.call('ZRANGE', KEYS[1], total + n - limit - 1, total + n - limit - 1, 'WITHSCORES')
return {0, limit - total, tonumber(oldest[2]) + win - now, newest + win - now}
`;

/**
 * Sliding window counter. KEYS[1]: string "<window index> <current count> <previous count>".
 * ARGV: limit, windowMs, n. Estimate × windowMs = p × (windowMs − offset) + c × windowMs.
 */
export const SLIDING_WINDOW_COUNTER_LUA = `${PRELUDE_LUA}
local limit, win, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local window = math.floor(now / win)
local cur, prev = 0, 0
local same = false
local v = redis.call('GET', KEYS[1])
if v then
  local a, b, c = string.match(v, '^(%S+) (%S+) (%S+)$')
  local stored, sc, sp = tonumber(a), tonumber(b), tonumber(c)
  if stored ~= nil and sc ~= nil and sp ~= nil then
    if stored >= window then window, cur, prev, same = stored, sc, sp, true
    elseif stored == window - 1 then prev = sc end
  end
end
local start = window * win
local offset = now - start
local weighted = prev * (win - offset) + cur * win
if weighted + n * win <= limit * win then
  cur = cur + n
  local reset = start + 2 * win - now
  local value = string.format('%d %d %d', window, cur, prev)
  if same and cur > n then
    -- The key already held this window's admissions, so its TTL already ends with the
    -- next window (cheaper than a new one).
    redis.call('SET', KEYS[1], value, 'KEEPTTL')
  else
    local ttl = reset
    if ttl < 1 then ttl = 1 end
    redis.call('SET', KEYS[1], value, 'PX', ttl)
  end
  return {1, math.floor((limit * win - weighted - n * win) / win), 0, reset}
end
local function earliest(p, room)
  if room < 0 then return win end
  if p == 0 then return 0 end
  return math.max(0, win - math.floor(room * win / p))
end
local retry_at
local e = earliest(prev, limit - cur - n)
if e < win then retry_at = start + e else
  e = earliest(cur, limit - n)
  if e < win then retry_at = start + win + e else retry_at = start + 2 * win end
end
local reset = now
if cur > 0 then reset = start + 2 * win elseif prev > 0 then reset = start + win end
return {0, math.floor((limit * win - weighted) / win), retry_at - now, reset - now}
`;
