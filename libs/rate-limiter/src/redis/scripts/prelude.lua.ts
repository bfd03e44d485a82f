/**
 * Lua shared by the scripts that need the time on every call: `now` comes from the Redis
 * server's `TIME` (whole ms), so all clients and processes share one clock and client clock
 * skew cannot matter.
 *
 * Kept to what every script needs: helpers are defined only by the scripts that use them
 * ({@link CEIL_DIV_LUA}), because every definition is a closure built on every call.
 *
 * Numbers are formatted with `%d` before being stored: Redis converts Lua numbers to
 * strings with `%.14g`, which would silently round values of 15+ digits. (`%d` formats a
 * double through a 64-bit integer: exact for every value the arithmetic allows, ≤ 2^53.)
 */
export const PRELUDE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** `ceil(a / b)` for `a > 0`, else 0 (`b > 0`). */
export const CEIL_DIV_LUA = `
local function ceil_div(a, b)
  if a <= 0 then return 0 end
  return math.floor((a + b - 1) / b)
end
`;
