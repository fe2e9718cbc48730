-- Add a term to a user's watchlist, index it for the matcher when it
-- is new to everyone, and tell every instance (a notice on watch:live) to
-- reload the user's terms.
-- KEYS: 1 watchlist:<user>  2 watch:terms  3 watch:watchers:<term id>
--       4 watch:live  5.. the term's index sets (Term.indexKeys)
-- ARGV: 1 term id  2 the term as typed  3 its folded text
--       4 most terms a user has  5 user id  6 approximate length of watch:live
--       7 the term's member of the index sets: "<term id> <folded text>"
-- Returns {1, entry} when added, {0, entry} when the user watches it already
-- (the same folded text), {-1, ''} when the user has the most terms.
-- The entry is the user's JSON {"term", "created"}; created is Redis's
-- clock, the one the stream ids that order the matches are made from.
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  return {0, existing}
end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then
  return {-1, ''}
end
local now = redis.call('TIME')
local entry = cjson.encode({term = ARGV[2], created = now[1] * 1000 + math.floor(now[2] / 1000)})
redis.call('HSET', KEYS[1], ARGV[1], entry)
redis.call('SADD', KEYS[3], ARGV[5])
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[3]) == 1 then
  for i = 5, #KEYS do
    redis.call('SADD', KEYS[i], ARGV[7])
  end
end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'u', ARGV[5])
return {1, entry}
