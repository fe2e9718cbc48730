-- Count one attempt against every key, unless one of them is at its limit.
-- KEYS: the counters (ratelimit:...)
-- ARGV: 1 limit  2 window (ms)
-- Returns 0 when counted, else the milliseconds until the fullest key resets.
-- Checking all keys before counting any means a refused attempt costs nothing.
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local wait = 0
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= limit then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then -- cannot happen unless set by hand; never block forever
      redis.call('PEXPIRE', key, window)
      ttl = window
    end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then
  return wait
end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then
    redis.call('PEXPIRE', key, window)
  end
end
return 0
