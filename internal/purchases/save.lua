-- Store one purchase and apply its counters, exactly once per purchase id,
-- acknowledge the stream entry that carried it, and record the purchase's
-- matches with the users' watched terms.
-- KEYS: 1 purchase:<id>  2 top-sellers  3 sales_ts  4 sales_usd_ts
--       5 purchases:live  6 purchases (the stream the entry came from)
-- ARGV: 1 document JSON  2 document TTL (s)  3 artist  4 amount in USD
--       5 window start (ms)  6 series retention (ms)  7 1 = add to the series
--       8 approximate length of the live stream
--       9 consumer group  10 entry id ('' when the purchase came from elsewhere)
--       11 purchase id (the document leaves it to the key; live readers need it)
--       12 the purchase's time (ms)
-- Range analytics (the block at the end; see buckets.go), with L levels of
-- buckets (3: day, hour, ten minutes, so KEYS 7-16 and ARGV 13-21):
-- KEYS: 7, 10, 13 stats:<level>:<start ms>  8, 11, 14 its :artists
--       9, 12, 15 its :distinct-artists  7 + 3L stats:countries
-- ARGV: 13 amount in whole cents  14 item type  15 currency  16 country code
--       17 country name  18 L  19, 20, 21 each level's TTL (s)
-- Then the watchlist block's KEYS and ARGV, the last of each (see the
-- block at the end).
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
-- succeeds; EXPIRE, ZINCRBY, XADD and XACK cannot fail on checked input,
-- nor can the range counters' HINCRBY, PFADD, HMGET and HSET, which add
-- whole cents to keys only this script writes;
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
-- [range analytics] its inputs: whole cents, and the keys and TTLs of
-- each level of buckets.
local cents, levels = tonumber(ARGV[13]), tonumber(ARGV[18])
if not cents or cents % 1 ~= 0 or not levels or levels % 1 ~= 0 or levels < 0 or #KEYS < 7 + 3 * levels then
  return invalid('range counters', ARGV[13])
end
for level = 0, levels - 1 do
  local ttl = tonumber(ARGV[19 + level])
  if not ttl or ttl < 1 or ttl % 1 ~= 0 then
    return invalid('range counters ttl', ARGV[19 + level])
  end
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

-- [range analytics] The purchase's UTC day, hour and ten minutes each count
-- it in a hash of integers, add its cents to the artist in a sorted set and
-- the artist to a HyperLogLog; the keys get their TTL when the bucket's
-- first purchase creates them.
local fields = {}
for _, dim in ipairs({'type:' .. ARGV[14], 'currency:' .. ARGV[15], 'country:' .. ARGV[16]}) do
  fields[#fields + 1] = 'purchases:' .. dim
  fields[#fields + 1] = 'cents:' .. dim
end
for level = 0, levels - 1 do
  local stats, artists, distinct = KEYS[7 + 3 * level], KEYS[8 + 3 * level], KEYS[9 + 3 * level]
  local ttl = ARGV[19 + level]
  redis.call('ZINCRBY', artists, ARGV[13], ARGV[3])
  redis.call('PFADD', distinct, ARGV[3])
  if redis.call('HINCRBY', stats, 'purchases', 1) == 1 then
    redis.call('EXPIRE', stats, ttl)
    redis.call('EXPIRE', artists, ttl)
    redis.call('EXPIRE', distinct, ttl)
  end
  redis.call('HINCRBY', stats, 'cents', ARGV[13])
  for i = 1, #fields, 2 do
    redis.call('HINCRBY', stats, fields[i], 1)
    redis.call('HINCRBY', stats, fields[i + 1], ARGV[13])
  end
end
-- Each bucket's biggest purchase: the most cents, the smallest id among
-- equals. A purchase that is not the biggest of its ten minutes is not
-- the biggest of its hour or day either, so most stop at one HMGET.
for level = levels - 1, 0, -1 do
  local stats = KEYS[7 + 3 * level]
  local biggest = redis.call('HMGET', stats, 'biggest', 'biggest:cents')
  local most = tonumber(biggest[2])
  if most and (cents < most or (cents == most and ARGV[11] > biggest[1])) then
    break
  end
  redis.call('HSET', stats, 'biggest', ARGV[11], 'biggest:cents', ARGV[13])
end
if ARGV[16] ~= '' and ARGV[17] ~= '' then
  redis.call('HSET', KEYS[7 + 3 * levels], ARGV[16], ARGV[17])
  redis.call('EXPIRE', KEYS[7 + 3 * levels], ARGV[2])
end
-- [end range analytics]

if ARGV[10] ~= '' then
  redis.call('XACK', KEYS[6], ARGV[9], ARGV[10])
end

-- ---- watchlist (internal/watchlist, match.go) --------------------------
-- Records the new purchase's matches with the users' watched terms, here so
-- that they are recorded exactly once per purchase: a redelivered entry
-- stops at the EXISTS guard above. Which terms it matches was decided
-- before the script, by the instance that saves it (watchlist.Matcher read
-- its candidates from the index and checked them). Its KEYS and ARGV are
-- the last ones, counted from the end, so that blocks before it may add
-- theirs:
--   ARGV, the last 5: n (terms matched), their ids (space between), hits
--     kept per term, their TTL (s), approximate length of watch:live
--   KEYS, the last n + 1 (none when n is 0): watch:live, then
--     watch:hits:<term id> of each term, in the order of the ids
-- The match goes to watch:live, which every instance reads for the alerts,
-- and each term's hit takes the id of that entry, so a user's matches from
-- several terms merge in one order. Nothing here can fail the save: n that
-- is not a number matches nothing, and the writes go through pcall (a hit
-- that cannot be written is only missing from the list).
local w0 = #ARGV - 4
local n = tonumber(ARGV[w0]) or 0
if n >= 1 and n % 1 == 0 and #KEYS >= n + 1 then
  local k0 = #KEYS - n
  local at = redis.pcall('XADD', KEYS[k0], 'MAXLEN', '~', ARGV[w0 + 4], '*',
    'p', ARGV[11], 'doc', ARGV[1], 't', ARGV[w0 + 1])
  if type(at) == 'string' then
    for i = k0 + 1, #KEYS do
      redis.pcall('XADD', KEYS[i], 'MAXLEN', '~', ARGV[w0 + 2], at, 'p', ARGV[11])
      redis.pcall('EXPIRE', KEYS[i], ARGV[w0 + 3])
    end
  end
end
-- ---- end of the watchlist block ----------------------------------------
return 1
