-- Create a user unless the name is claimed: the claim and the document are
-- written together, so of two registrations of one name exactly one wins.
-- KEYS: 1 username:<folded>  2 user:<id>
-- ARGV: 1 user id  2 user document JSON
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('JSON.SET', KEYS[2], '$', ARGV[2])
redis.call('SET', KEYS[1], ARGV[1])
return 1
