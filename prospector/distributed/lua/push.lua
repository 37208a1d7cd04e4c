-- A seed or search result offered to the frontier: a better offer for a queued site
-- re-ranks it; a site already released is left alone.
-- KEYS: frontier, candidates, released; ARGV: domain, priority, payload.
-- Returns 1 when the offer was taken.
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return 0 end
local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if cur and tonumber(cur) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
