-- Read the whole buckets of a range in one atomic step, so that its
-- counts and its artists agree (internal/analytics/stats.go). It writes
-- nothing: the union of the artists' sorted sets is summed here, in Lua,
-- rather than stored by ZUNIONSTORE, which would write a key to the AOF and
-- the replicas for every request.
-- KEYS: n bucket hashes, then their n :artists sorted sets, then stats:countries
-- ARGV: 1 n  2 how many top artists  3... artist, cents pairs of the
--       purchases of the range's partial ten minutes (read from the documents)
-- Returns {the buckets' counters summed (field, value, ...), with the
-- biggest purchase's id and cents; the country names (HGETALL); the number
-- of distinct artists; the top artists and their cents (artist, cents, ...)}.
local n, k = tonumber(ARGV[1]), tonumber(ARGV[2])

-- Sum the hashes: every field is an integer count or cents, but the biggest
-- purchase, which is compared (the most cents, the smallest id among equals).
local counters, fields = {}, {}
local biggest, most = nil, nil
for i = 1, n do
  local h = redis.call('HGETALL', KEYS[i])
  local id, cents = nil, nil
  for j = 1, #h, 2 do
    local f, v = h[j], h[j + 1]
    if f == 'biggest' then
      id = v
    elseif f == 'biggest:cents' then
      cents = tonumber(v)
    else
      if counters[f] == nil then
        counters[f] = 0
        fields[#fields + 1] = f
      end
      counters[f] = counters[f] + tonumber(v)
    end
  end
  if id and (most == nil or cents > most or (cents == most and before(id, biggest))) then
    biggest, most = id, cents
  end
end
local summed = {}
for _, f in ipairs(fields) do
  summed[#summed + 1] = f
  summed[#summed + 1] = counters[f]
end
if biggest then
  summed[#summed + 1] = 'biggest'
  summed[#summed + 1] = biggest
  summed[#summed + 1] = 'biggest:cents'
  summed[#summed + 1] = most
end

local sums, distinct = {}, 0
local function add(artist, cents)
  local sum = sums[artist]
  if sum == nil then
    distinct = distinct + 1
    sum = 0
  end
  sums[artist] = sum + cents
end
local scores = union(n + 1, 2 * n)
for i = 1, #scores, 2 do
  add(scores[i], tonumber(scores[i + 1]))
end
for i = 3, #ARGV, 2 do
  add(ARGV[i], tonumber(ARGV[i + 1]))
end

-- The k highest sums, the smaller name first among equal sums.
local best = {}
for artist, cents in pairs(sums) do
  keep(best, k, {artist, cents})
end
local top = {}
for _, t in ipairs(best) do
  top[#top + 1] = t[1]
  top[#top + 1] = t[2]
end
return {summed, redis.call('HGETALL', KEYS[2 * n + 1]), distinct, top}
