-- The artists of a range (internal/analytics/artists.go): how many there
-- are, and the k who earned most, exactly.
-- KEYS: n :artists sorted sets of the range's whole buckets, their n
--       :distinct-artists HyperLogLogs, then stats:scratch
-- ARGV: 1 n  2 k  3... artist, cents pairs of the purchases of the range's
--       partial ten minutes (read from the documents)
-- Returns {the number of distinct artists (a HyperLogLog estimate), the top
-- k's artist, cents, ...}.
local n, k = tonumber(ARGV[1]), tonumber(ARGV[2])
local edge, edges = {}, {}
for i = 3, #ARGV, 2 do
  edge[ARGV[i]] = tonumber(ARGV[i + 1])
  edges[#edges + 1] = ARGV[i]
end
table.sort(edges, function(a, b) return edge[a] > edge[b] end)

-- Distinct artists: the buckets' HyperLogLogs merged with the partial ten
-- minutes' artists into a scratch key, counted, and deleted. None of it is
-- replicated or written to the AOF (REPL_NONE): the key is gone when the
-- script ends, so replicas lose nothing.
redis.set_repl(redis.REPL_NONE)
local scratch = KEYS[2 * n + 1]
local merge = {'PFMERGE', scratch}
for i = n + 1, 2 * n do
  merge[#merge + 1] = KEYS[i]
end
redis.call(unpack(merge))
for from = 1, #edges, 500 do
  redis.call('PFADD', scratch, unpack(edges, from, math.min(from + 499, #edges)))
end
local distinct = redis.call('PFCOUNT', scratch)
redis.call('DEL', scratch)

-- The top k by Fagin's threshold algorithm, over the buckets' sets (and the
-- partial ten minutes' artists) read from the top down, 8 deep, then 32
-- more, then 128...: each artist seen is summed over every set (ZMSCORE),
-- and the reading stops when the k-th best sum beats the most an artist
-- not yet seen can have, the sum of the last scores read. Sales are
-- concentrated on few artists, so a month of tens of thousands of artists
-- takes a round or two, where summing every set would read them all; the
-- first round is shallow because each artist seen costs a lookup in every
-- set.
local best, seen, depth, batch = {}, {}, 0, 8
while true do
  local fresh, bound, more = {}, 0, false
  local function see(artist)
    if not seen[artist] then
      seen[artist] = true
      fresh[#fresh + 1] = artist
    end
  end
  for i = 1, n do
    local rows = redis.call('ZREVRANGE', KEYS[i], depth, depth + batch - 1, 'WITHSCORES')
    for j = 1, #rows, 2 do
      see(rows[j])
    end
    if #rows == 2 * batch then
      more, bound = true, bound + tonumber(rows[#rows])
    end
  end
  for j = depth + 1, math.min(depth + batch, #edges) do
    see(edges[j])
  end
  if #edges > depth + batch then
    more, bound = true, bound + edge[edges[depth + batch]]
  end
  local sums = {}
  for j, artist in ipairs(fresh) do
    sums[j] = edge[artist] or 0
  end
  for i = 1, n do
    for from = 1, #fresh, 500 do
      local to = math.min(from + 499, #fresh)
      local scores = redis.call('ZMSCORE', KEYS[i], unpack(fresh, from, to))
      for j = from, to do
        if scores[j - from + 1] then
          sums[j] = sums[j] + tonumber(scores[j - from + 1])
        end
      end
    end
  end
  for j, artist in ipairs(fresh) do
    keep(best, k, {artist, sums[j]})
  end
  -- Strictly beats: an artist not seen with an equal sum and a smaller name
  -- would come first.
  if not more or (#best == k and best[k][2] > bound) then
    break
  end
  depth, batch = depth + batch, 4 * batch
end
local top = {}
for _, t in ipairs(best) do
  top[#top + 1] = t[1]
  top[#top + 1] = t[2]
end
return {distinct, top}
