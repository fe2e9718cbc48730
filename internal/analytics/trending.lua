#!lua flags=no-writes
-- Trending artists (internal/analytics/trending.go): each artist of the
-- current window, its sales there against its average over the previous
-- windows of the same length. Writes nothing.
-- KEYS: nc :artists sorted sets of the current window's whole buckets,
--       then nb of the baseline's
-- ARGV: 1 nc  2 nb  3 how many artists to return  4 the baseline's length,
--       in windows  5 m, then m artist, cents pairs of the current window's
--       partial ten minutes, then the pairs of the baseline's
-- Returns artist, cents in the window, cents in the whole baseline, for the
-- artists whose rise (window − baseline / windows) is highest and above 0,
-- the smaller name first among equal rises.
local nc, nb, k = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local windows, m = tonumber(ARGV[4]), tonumber(ARGV[5])

local now, names = {}, {}
local function add(artist, cents)
  if now[artist] == nil then
    now[artist] = 0
    names[#names + 1] = artist
  end
  now[artist] = now[artist] + cents
end
if nc > 0 then
  local union = {'ZUNION', nc}
  for i = 1, nc do
    union[#union + 1] = KEYS[i]
  end
  union[#union + 1] = 'WITHSCORES'
  local scores = redis.call(unpack(union))
  for i = 1, #scores, 2 do
    add(scores[i], tonumber(scores[i + 1]))
  end
end
local first = 6 + 2 * m
for i = 6, first - 1, 2 do
  add(ARGV[i], tonumber(ARGV[i + 1]))
end

-- The baseline, only for the current window's artists: ZMSCORE of each of
-- its sets, in chunks (Lua's unpack has a limit).
local before = {}
for i = nc + 1, nc + nb do
  for from = 1, #names, 500 do
    local chunk = {}
    for j = from, math.min(from + 499, #names) do
      chunk[#chunk + 1] = names[j]
    end
    local scores = redis.call('ZMSCORE', KEYS[i], unpack(chunk))
    for j = 1, #chunk do
      if scores[j] then
        before[chunk[j]] = (before[chunk[j]] or 0) + tonumber(scores[j])
      end
    end
  end
end
for i = first, #ARGV, 2 do
  if now[ARGV[i]] then
    before[ARGV[i]] = (before[ARGV[i]] or 0) + tonumber(ARGV[i + 1])
  end
end

-- Byte order, whatever the server's locale (Lua's < on strings follows it).
local function less(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = a:byte(i), b:byte(i)
    if x ~= y then
      return x < y
    end
  end
  return #a < #b
end
local top = {}
local function better(a, b)
  return a[2] > b[2] or (a[2] == b[2] and less(a[1], b[1]))
end
for _, artist in ipairs(names) do
  local base = before[artist] or 0
  local rise = now[artist] - base / windows
  local row = {artist, rise, base}
  if rise > 0 and (#top < k or better(row, top[#top])) then
    local at = #top + 1
    while at > 1 and better(row, top[at - 1]) do
      at = at - 1
    end
    table.insert(top, at, row)
    top[k + 1] = nil
  end
end
local out = {}
for _, row in ipairs(top) do
  out[#out + 1] = row[1]
  out[#out + 1] = now[row[1]]
  out[#out + 1] = row[3]
end
return out
