-- Sum the counters of a range's whole buckets in one atomic step
-- (internal/analytics/stats.go). It writes nothing.
-- KEYS: n bucket hashes, then stats:countries
-- ARGV: 1 n
-- Returns {the counters summed (field, value, ...), with the biggest
-- purchase's id and cents; the country names (HGETALL)}.
local n = tonumber(ARGV[1])

-- Every field is an integer count or cents, but the biggest purchase, which
-- is compared (the most cents, the smallest id among equals).
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
return {summed, redis.call('HGETALL', KEYS[n + 1])}
