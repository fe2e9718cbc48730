-- Write a session document and its expiry, keeping stored tokens that are
-- newer than the ones being written. Requests of one session commit their
-- whole copy of it when they end; without this, a slow request that began
-- before a refresh would put the replaced tokens back, and the next refresh
-- would present a used refresh token and revoke the login. The newer
-- lastSeen is kept too.
-- KEYS: 1 session:<id>  2 (optional) logins:<user id>
-- ARGV: 1 document JSON  2 expiry (Unix ms)  3 session id  4 account id
local fields = {'accountId', 'token', 'refresh', 'tokenExpiresOn', 'refreshExpiresOn'}
local keep, seen = nil, nil
local cur = redis.call('JSON.GET', KEYS[1])
if cur then
  local old, new = cjson.decode(cur), cjson.decode(ARGV[1])
  -- Times are fixed-width UTC ISO strings, so they compare as strings.
  if type(old.tokenExpiresOn) == 'string' and type(new.tokenExpiresOn) == 'string'
      and old.accountId == new.accountId and old.tokenExpiresOn > new.tokenExpiresOn then
    keep = old
  end
  if type(old.lastSeen) == 'string' and type(new.lastSeen) == 'string' and old.lastSeen > new.lastSeen then
    seen = old.lastSeen
  end
end
redis.call('JSON.SET', KEYS[1], '$', ARGV[1])
if keep then
  for _, f in ipairs(fields) do
    redis.call('JSON.SET', KEYS[1], '$.' .. f, cjson.encode(keep[f]))
  end
end
if seen then
  redis.call('JSON.SET', KEYS[1], '$.lastSeen', cjson.encode(seen))
end
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
-- The user's list of logins learns which session holds the login, unless
-- the login has ended meanwhile.
if KEYS[2] and redis.call('HEXISTS', KEYS[2], ARGV[4]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[4], ARGV[3])
end
return 1
