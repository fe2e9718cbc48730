-- Create a user unless the name, or a name that looks like it, is claimed:
-- the claims and the document are written together, so of two
-- registrations of one name exactly one wins.
-- KEYS: 1 username:<folded>  2 user:<id>  3 username-skeleton:<skeleton>
-- ARGV: 1 user id  2 user document JSON
-- Returns 1 when created, 0 when the name is taken, -1 when a look-alike is.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  return -1
end
redis.call('JSON.SET', KEYS[2], '$', ARGV[2])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[3], ARGV[1])
return 1
