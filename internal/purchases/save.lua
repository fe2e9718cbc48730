-- Store one purchase and apply its counters, exactly once per purchase id,
-- and acknowledge the stream entry that carried it.
-- KEYS: 1 purchase:<id>  2 top-sellers  3 sales_ts  4 sales_usd_ts
--       5 purchases:live  6 purchases (the stream the entry came from)
-- ARGV: 1 document JSON  2 document TTL (s)  3 artist  4 amount in USD
--       5 window start (ms)  6 series retention (ms)  7 1 = add to the series
--       8 approximate length of the live stream
--       9 consumer group  10 entry id ('' when the purchase came from elsewhere)
--       11 purchase id (the document leaves it to the key; live readers need it)
-- Range analytics (the block at the end; see buckets.go), with L levels of
-- buckets (3: day, hour, ten minutes, so KEYS 7-16 and ARGV 12-20):
-- KEYS: 7, 10, 13 stats:<level>:<start ms>  8, 11, 14 its :artists
--       9, 12, 15 its :distinct-artists  7 + 3L stats:countries
-- ARGV: 12 amount in whole cents  13 item type  14 currency  15 country code
--       16 country name  17 L  18, 19, 20 each level's TTL (s)
-- Returns 1 when the purchase is new, 0 when it was stored before.
--
-- The EXISTS guard makes a retry a no-op, so a consumer that dies before
-- acknowledging cannot count a purchase twice; acknowledging here, in the
-- same atomic step, means an entry is acknowledged exactly when its
-- purchase is stored. Redis does not roll a script back when a command in
-- it fails, so every command after the guard must not fail on data:
-- JSON.SET, EXPIRE, ZINCRBY, XADD, XACK, PFADD, HINCRBY, HMGET and HSET
-- take any valid input (the range counters add whole cents, checked in Go),
-- and TS.ADD, which refuses samples out of the series' retention, is called
-- with pcall
-- (a sample the series refuses is only missing from the chart; the purchase
-- is still stored, counted and sent live).
if redis.call('EXISTS', KEYS[1]) == 1 then
  if ARGV[10] ~= '' then
    redis.call('XACK', KEYS[6], ARGV[9], ARGV[10])
  end
  return 0
end
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
local cents, levels = tonumber(ARGV[12]), tonumber(ARGV[17])
local fields = {}
for _, dim in ipairs({'type:' .. ARGV[13], 'currency:' .. ARGV[14], 'country:' .. ARGV[15]}) do
  fields[#fields + 1] = 'purchases:' .. dim
  fields[#fields + 1] = 'cents:' .. dim
end
for level = 0, levels - 1 do
  local stats, artists, distinct = KEYS[7 + 3 * level], KEYS[8 + 3 * level], KEYS[9 + 3 * level]
  local ttl = ARGV[18 + level]
  redis.call('ZINCRBY', artists, ARGV[12], ARGV[3])
  redis.call('PFADD', distinct, ARGV[3])
  if redis.call('HINCRBY', stats, 'purchases', 1) == 1 then
    redis.call('EXPIRE', stats, ttl)
    redis.call('EXPIRE', artists, ttl)
    redis.call('EXPIRE', distinct, ttl)
  end
  redis.call('HINCRBY', stats, 'cents', ARGV[12])
  for i = 1, #fields, 2 do
    redis.call('HINCRBY', stats, fields[i], 1)
    redis.call('HINCRBY', stats, fields[i + 1], ARGV[12])
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
  redis.call('HSET', stats, 'biggest', ARGV[11], 'biggest:cents', ARGV[12])
end
if ARGV[15] ~= '' and ARGV[16] ~= '' then
  redis.call('HSET', KEYS[7 + 3 * levels], ARGV[15], ARGV[16])
  redis.call('EXPIRE', KEYS[7 + 3 * levels], ARGV[2])
end
-- [end range analytics]

if ARGV[10] ~= '' then
  redis.call('XACK', KEYS[6], ARGV[9], ARGV[10])
end
return 1
