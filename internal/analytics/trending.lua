-- Trending artists (internal/analytics/trending.go): each artist's sales in
-- the current window against their average over the windows before it.
-- KEYS: nc :artists sorted sets of the current window's whole buckets,
--       then nb of the baseline's, then stats:scratch
-- ARGV: 1 nc  2 nb  3 how many artists to return  4 the baseline's length,
--       in windows  5 m, then m artist, cents pairs of the current window's
--       partial ten minutes, then the pairs of the baseline's
-- Returns artist, cents in the window, cents in the whole baseline, for the
-- artists whose rise (window − baseline / windows) is highest and above 0,
-- the smaller name first among equal rises.
local nc, nb, k = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local windows, m = tonumber(ARGV[4]), tonumber(ARGV[5])
local scratch = KEYS[nc + nb + 1]
local first = 6 + 2 * m
local earlierEdge = {}
for i = first, #ARGV, 2 do
  earlierEdge[ARGV[i]] = tonumber(ARGV[i + 1])
end

-- The window's sales per artist, summed into the scratch key (ZUNIONSTORE,
-- then the partial ten minutes), so that they can be read from the top.
-- The key is deleted before the script ends, and neither it nor its
-- deletion is replicated or written to the AOF (REPL_NONE).
redis.set_repl(redis.REPL_NONE)
redis.call('DEL', scratch)
if nc > 0 then
  local args = {'ZUNIONSTORE', scratch, nc}
  for i = 1, nc do
    args[#args + 1] = KEYS[i]
  end
  redis.call(unpack(args))
end
for i = 6, first - 1, 2 do
  redis.call('ZINCRBY', scratch, ARGV[i + 1], ARGV[i])
end

-- Walk the window's artists from the best-selling down, 200 at a time,
-- with their baseline (ZMSCORE of each of its sets). A rise is at most the
-- window's sales, so the walk stops once those fall below the k-th rise:
-- a few hundred artists, not every one that sold in the window.
local top, from = {}, 0
while true do
  local rows = redis.call('ZREVRANGE', scratch, from, from + 199, 'WITHSCORES')
  if #rows == 0 or (#top == k and tonumber(rows[2]) < top[k][2]) then
    break
  end
  local names, now, earlier = {}, {}, {}
  for j = 1, #rows, 2 do
    names[#names + 1] = rows[j]
    now[#now + 1] = tonumber(rows[j + 1])
    earlier[#earlier + 1] = earlierEdge[rows[j]] or 0
  end
  for i = nc + 1, nc + nb do
    local scores = redis.call('ZMSCORE', KEYS[i], unpack(names))
    for j = 1, #names do
      if scores[j] then
        earlier[j] = earlier[j] + tonumber(scores[j])
      end
    end
  end
  for j, artist in ipairs(names) do
    local rise = now[j] - earlier[j] / windows
    if rise > 0 then
      keep(top, k, {artist, rise, earlier[j], now[j]})
    end
  end
  from = from + 200
end
redis.call('DEL', scratch)

local out = {}
for _, row in ipairs(top) do
  out[#out + 1] = row[1]
  out[#out + 1] = row[4]
  out[#out + 1] = row[3]
end
return out
