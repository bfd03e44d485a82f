import { PRELUDE_LUA } from './prelude.lua';

/**
 * Suffixes of the window keys. A new suffix per storage format, so a key left in an older
 * format can never reach a script that would misread it: the fixed window was a hash
 * (`fw`), then a string `"<window> <count>"` (`fw2`), and is now a plain integer (`fw3`);
 * the sliding window counter was a hash (`swc`) and is a string (`swc2`). The sliding log's
 * format is unchanged.
 */
export const FIXED_WINDOW_KEY_KIND = 'fw3';
export const SLIDING_WINDOW_COUNTER_KEY_KIND = 'swc2';
export const SLIDING_LOG_KEY_KINDS = ['log', 'seq'] as const;

/**
 * Fixed window. KEYS[1]: the integer count of the current window. ARGV: limit, windowMs, n.
 * Returns {allowed, remaining, retryAfterMs, resetMs}.
 *
 * The key exists only during its window: its first admission sets it to expire where the
 * window ends by the server's `TIME` (windows aligned to multiples of windowMs since the
 * epoch), and Redis expires it by the same clock. So an existing key *is* the current
 * window and only a window's first call reads the clock; every other call is INCRBY plus
 * PTTL (two Redis calls, against TIME + GET + SET with string parsing and formatting
 * before: 5.3 -> 4.0-4.1 us of Redis time per decision, tools/bench/src/rate-limiter-redis-cost.ts).
 * A refusal takes its units back, so the stored count never exceeds the limit.
 */
export const FIXED_WINDOW_LUA = `
local limit, win, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local count = redis.call('INCRBY', KEYS[1], n)
local ttl = -1
-- n >= 1 (checked by the client), so count == n means the key was just created.
if count ~= n then ttl = redis.call('PTTL', KEYS[1]) end
if ttl < 0 then
  -- A new window (or a key that lost its TTL some other way): it ends at the next multiple
  -- of windowMs on the server's clock.
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  ttl = win - now % win
  redis.call('PEXPIRE', KEYS[1], ttl)
end
if count <= limit then return {1, limit - count, 0, ttl} end
redis.call('DECRBY', KEYS[1], n)
return {0, limit - count + n, ttl, ttl}
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
