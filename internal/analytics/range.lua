#!lua flags=no-writes
-- Read the whole hours and days of a range in one atomic step, so that its
-- counts and its artists agree (internal/analytics/stats.go). It writes
-- nothing: the union of the artists' sorted sets is summed here, in Lua,
-- rather than stored by ZUNIONSTORE, which would write a key to the AOF and
-- the replicas for every request.
-- KEYS: n bucket hashes, then their n :artists sorted sets, then stats:countries
-- ARGV: 1 n  2 how many top artists  3... artist, cents pairs of the
--       purchases of the range's partial hours (read from the documents)
-- Returns: the n hashes (HGETALL), the country names (HGETALL), the number
-- of distinct artists, then the top artists and their cents, flat.
local n, k = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for i = 1, n do
  out[i] = redis.call('HGETALL', KEYS[i])
end
out[n + 1] = redis.call('HGETALL', KEYS[2 * n + 1])

local sums, distinct = {}, 0
local function add(artist, cents)
  local sum = sums[artist]
  if sum == nil then
    distinct = distinct + 1
    sum = 0
  end
  sums[artist] = sum + cents
end
if n > 0 then
  local union = {'ZUNION', n}
  for i = n + 1, 2 * n do
    union[#union + 1] = KEYS[i]
  end
  union[#union + 1] = 'WITHSCORES'
  local scores = redis.call(unpack(union))
  for i = 1, #scores, 2 do
    add(scores[i], tonumber(scores[i + 1]))
  end
end
for i = 3, #ARGV, 2 do
  add(ARGV[i], tonumber(ARGV[i + 1]))
end

-- Byte order, whatever the server's locale (Lua's < on strings follows it).
local function before(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = a:byte(i), b:byte(i)
    if x ~= y then
      return x < y
    end
  end
  return #a < #b
end
-- The k highest sums, the smaller name first among equal sums.
local top = {}
for artist, cents in pairs(sums) do
  local last = top[#top]
  if #top < k or cents > last[2] or (cents == last[2] and before(artist, last[1])) then
    local at = #top + 1
    while at > 1 and (cents > top[at - 1][2] or (cents == top[at - 1][2] and before(artist, top[at - 1][1]))) do
      at = at - 1
    end
    table.insert(top, at, {artist, cents})
    top[k + 1] = nil
  end
end
out[n + 2] = distinct
for _, t in ipairs(top) do
  out[#out + 1] = t[1]
  out[#out + 1] = t[2]
end
return out
