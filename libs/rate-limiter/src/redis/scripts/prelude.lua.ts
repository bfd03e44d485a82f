/**
 * Lua shared by every script. `now` comes from the Redis server's `TIME` (whole ms), so
 * all clients and processes share one clock and client clock skew cannot matter.
 *
 * Numbers are formatted with `%d` before being stored: Redis converts Lua numbers to
 * strings with `%.14g`, which would silently round values of 15+ digits.
 */
export const PRELUDE_LUA = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function int(x) return string.format('%d', x) end
local function ceil_div(a, b)
  if a <= 0 then return 0 end
  return math.floor((a + b - 1) / b)
end
local function floor_div(a, b) return math.floor(a / b) end
local function at_least_1(x) if x < 1 then return 1 end return x end
local now = now_ms()
`;
