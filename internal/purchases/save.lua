-- Store one purchase and apply its counters, exactly once per purchase id,
-- and acknowledge the stream entry that carried it.
-- KEYS: 1 purchase:<id>  2 top-sellers  3 sales_ts  4 sales_usd_ts
--       5 purchases:live  6 purchases (the stream the entry came from)
-- ARGV: 1 document JSON  2 document TTL (s)  3 artist  4 amount in USD
--       5 window start (ms)  6 series retention (ms)  7 1 = add to the series
--       8 approximate length of the live stream
--       9 consumer group  10 entry id ('' when the purchase came from elsewhere)
--       11 purchase id (the document leaves it to the key; live readers need it)
--       12 the purchase's time (ms)
-- Returns 1 when the purchase is new, 0 when it was stored before, and an
-- error starting INVALID, having written nothing, when an input breaks a rule.
--
-- The EXISTS guard makes a retry a no-op, so a consumer that dies before
-- acknowledging cannot count a purchase twice; acknowledging here, in the
-- same atomic step, means an entry is acknowledged exactly when its
-- purchase is stored. Redis does not roll a script back when a command in
-- it fails, so a save must apply every effect or none: every input is
-- checked below before the first write (the Go side checked them too:
-- feed/validate.go); JSON.SET, the first write, either fails whole or
-- succeeds; EXPIRE, ZINCRBY, XADD and XACK cannot fail on checked input;
-- and TS.ADD, which refuses samples out of the series' retention, is called
-- with pcall (a sample the series refuses is only missing from the chart;
-- the purchase is still stored, counted and sent live).

-- >>> inputs checked before the first write
local function invalid(what, v)
  return redis.error_reply('INVALID ' .. what .. ' ' .. tostring(v))
end
local usd = tonumber(ARGV[4])
-- feed.MaxAmountUSD; NaN fails both comparisons, and so does an infinity one.
if not usd or not (usd >= 0 and usd <= 100000) then
  return invalid('amount_paid_usd', ARGV[4])
end
local ttl, window, at = tonumber(ARGV[2]), tonumber(ARGV[5]), tonumber(ARGV[12])
if not ttl or ttl < 1 or ttl % 1 ~= 0 then
  return invalid('ttl', ARGV[2])
end
if not window or window % 1 ~= 0 or not at or at ~= at then
  return invalid('time', ARGV[12])
end
if ARGV[3] == '' or not tonumber(ARGV[8]) then
  return invalid('artist or live stream size', ARGV[3])
end
-- <<< inputs checked (the time against the clock: after the guard)

if redis.call('EXISTS', KEYS[1]) == 1 then
  if ARGV[10] ~= '' then
    redis.call('XACK', KEYS[6], ARGV[9], ARGV[10])
  end
  return 0
end
-- >>> feed.MaxAhead against Redis's own clock: one clock for every instance.
local now = redis.call('TIME')
if at > tonumber(now[1]) * 1000 + tonumber(now[2]) / 1000 + 60000 then
  return invalid('time ahead of the clock', ARGV[12])
end
-- <<<
redis.call('JSON.SET', KEYS[1], '$', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('ZINCRBY', KEYS[2], ARGV[4], ARGV[3])
if ARGV[7] == '1' then
  redis.pcall('TS.ADD', KEYS[3], ARGV[5], 1, 'RETENTION', ARGV[6], 'ON_DUPLICATE', 'SUM')
  redis.pcall('TS.ADD', KEYS[4], ARGV[5], ARGV[4], 'RETENTION', ARGV[6], 'ON_DUPLICATE', 'SUM')
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[8], '*', 'id', ARGV[11], 'doc', ARGV[1])
if ARGV[10] ~= '' then
  redis.call('XACK', KEYS[6], ARGV[9], ARGV[10])
end
return 1
