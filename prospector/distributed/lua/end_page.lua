-- A page has been handled: offer its links (a known site is skipped: first offer
-- wins), count its request as done, then refill (release_sites.lua).
-- KEYS: frontier, candidates, released, outstanding, scheduled, idle, done;
-- ARGV: parallel, max_sites, claimed-key prefix, site, worker, number of offers, then
-- (domain, priority, payload) per offer.
-- Returns {requests left for the site, payloads released...}.
local n = tonumber(ARGV[6])
local taken = 0
for k = 0, n - 1 do
  local d = ARGV[7 + 3 * k]
  if redis.call('HEXISTS', KEYS[2], d) == 0 then
    redis.call('ZADD', KEYS[1], ARGV[8 + 3 * k], d)
    redis.call('HSET', KEYS[2], d, ARGV[9 + 3 * k])
    taken = taken + 1
  end
end
local left = 1
if ARGV[4] ~= '' then
  left = redis.call('HINCRBY', KEYS[4], ARGV[4], -1)
  redis.call('HDEL', KEYS[6], ARGV[5])
  if left <= 0 then redis.call('SADD', KEYS[7], ARGV[4]) end
end
--@include release_sites
table.insert(out, 1, left)
return out
