-- Count one login attempt, or refuse it (see LoginLimits in ratelimit.go).
-- KEYS: 1 failures from the address  2 failures of the name from the address
--       3 failures of the name from anywhere  4 the name's slow-down slot
-- ARGV: 1 address limit  2 address+name limit  3 window (ms)
--       4 name failures that start the slow-down  5 slow-down gap (ms)
-- Returns 0 when counted, else the milliseconds to wait.
local addrMax, pairMax, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local slowAfter, gap = tonumber(ARGV[4]), tonumber(ARGV[5])

local function count(key) return tonumber(redis.call('GET', key) or '0') end
local function ttl(key)
  local t = redis.call('PTTL', key)
  if t < 0 then -- cannot happen unless set by hand; never block forever
    redis.call('PEXPIRE', key, window)
    t = window
  end
  return t
end

local wait = 0
if count(KEYS[1]) >= addrMax then wait = ttl(KEYS[1]) end
if count(KEYS[2]) >= pairMax then wait = math.max(wait, ttl(KEYS[2])) end
-- An address that has already failed on this name, while the name is under
-- attack, shares one attempt per gap with every such address. An address
-- that has not failed on it is never slowed: the owner logs in.
if wait == 0 and count(KEYS[2]) > 0 and count(KEYS[3]) >= slowAfter then
  local t = redis.call('PTTL', KEYS[4])
  if t > 0 then
    wait = t
  else
    redis.call('SET', KEYS[4], '1', 'PX', gap)
  end
end
if wait > 0 then
  return wait
end
for i = 1, 3 do
  if redis.call('INCR', KEYS[i]) == 1 then
    redis.call('PEXPIRE', KEYS[i], window)
  end
end
return 0
