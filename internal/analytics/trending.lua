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
local scores = union(1, nc)
for i = 1, #scores, 2 do
  add(scores[i], tonumber(scores[i + 1]))
end
local first = 6 + 2 * m
for i = 6, first - 1, 2 do
  add(ARGV[i], tonumber(ARGV[i + 1]))
end

-- The baseline, only for the current window's artists: ZMSCORE of each of
-- its sets, in chunks (Lua's unpack has a limit).
local earlier = {}
for i = nc + 1, nc + nb do
  for from = 1, #names, 500 do
    local chunk = {}
    for j = from, math.min(from + 499, #names) do
      chunk[#chunk + 1] = names[j]
    end
    local scores = redis.call('ZMSCORE', KEYS[i], unpack(chunk))
    for j = 1, #chunk do
      if scores[j] then
        earlier[chunk[j]] = (earlier[chunk[j]] or 0) + tonumber(scores[j])
      end
    end
  end
end
for i = first, #ARGV, 2 do
  if now[ARGV[i]] then
    earlier[ARGV[i]] = (earlier[ARGV[i]] or 0) + tonumber(ARGV[i + 1])
  end
end

-- The k highest rises above 0.
local top = {}
for _, artist in ipairs(names) do
  local base = earlier[artist] or 0
  local rise = now[artist] - base / windows
  if rise > 0 then
    keep(top, k, {artist, rise, base})
  end
end
local out = {}
for _, row in ipairs(top) do
  out[#out + 1] = row[1]
  out[#out + 1] = now[row[1]]
  out[#out + 1] = row[3]
end
return out
