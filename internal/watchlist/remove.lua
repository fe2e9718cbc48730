-- Remove a term from a user's watchlist; the last watcher to leave takes
-- it out of the index and drops its hits. Notices every instance.
-- KEYS: 1 watchlist:<user>  2 watch:terms  3 watch:watchers:<term id>
--       4 watch:live  5 watch:hits:<term id>  6.. the term's index sets
-- ARGV: 1 term id  2 user id  3 approximate length of watch:live
--       4 the term's member of the index sets: "<term id> <folded text>"
-- Returns 1 when removed, 0 when the user did not watch it.
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('SREM', KEYS[3], ARGV[2])
if redis.call('SCARD', KEYS[3]) == 0 then
  redis.call('HDEL', KEYS[2], ARGV[1])
  for i = 6, #KEYS do
    redis.call('SREM', KEYS[i], ARGV[4])
  end
  redis.call('DEL', KEYS[5])
end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*', 'u', ARGV[2])
return 1
