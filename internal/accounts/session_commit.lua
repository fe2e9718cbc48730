-- Write a session document and its expiry, keeping stored tokens that are
-- newer than the ones being written. Requests of one session commit their
-- whole copy of it when they end; without this, a slow request that began
-- before a refresh would put the replaced tokens back, and the next refresh
-- would present a used refresh token and revoke the login.
-- KEYS: 1 session:<id>
-- ARGV: 1 document JSON  2 expiry (Unix ms)
local fields = {'accountId', 'token', 'refresh', 'tokenExpiresOn', 'refreshExpiresOn'}
local keep = nil
local cur = redis.call('JSON.GET', KEYS[1])
if cur then
  local old, new = cjson.decode(cur), cjson.decode(ARGV[1])
  -- Times are fixed-width UTC ISO strings, so they compare as strings.
  if type(old.tokenExpiresOn) == 'string' and type(new.tokenExpiresOn) == 'string'
      and old.accountId == new.accountId and old.tokenExpiresOn > new.tokenExpiresOn then
    keep = old
  end
end
redis.call('JSON.SET', KEYS[1], '$', ARGV[1])
if keep then
  for _, f in ipairs(fields) do
    redis.call('JSON.SET', KEYS[1], '$.' .. f, cjson.encode(keep[f]))
  end
end
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
