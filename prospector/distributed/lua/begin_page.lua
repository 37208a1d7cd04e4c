-- A page of a site arrived: claim it and the URLs to follow within the page budget,
-- fold in its relevance.
-- KEYS: claimed:<site>, scheduled, outstanding, inflight:<worker>, relevance, released,
-- recovering; ARGV: site, max pages, page relevance, the page's own URL, URLs to follow...
-- Returns {site relevance, released payload or nil, refetch flag, {claimed URLs}}.
local site = ARGV[1]
redis.call('HINCRBY', KEYS[4], site, 1)
redis.call('SADD', KEYS[1], ARGV[4])
local rel = tonumber(redis.call('HGET', KEYS[5], site) or '0')
if tonumber(ARGV[3]) > rel then
  redis.call('HSET', KEYS[5], site, ARGV[3])
  rel = tonumber(ARGV[3])
end
local sched = tonumber(redis.call('HGET', KEYS[2], site) or '0')
local out = {}
for i = 5, #ARGV do
  if sched >= tonumber(ARGV[2]) then break end
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    sched = sched + 1
    table.insert(out, ARGV[i])
  end
end
if #out > 0 then
  redis.call('HINCRBY', KEYS[2], site, #out)
  redis.call('HINCRBY', KEYS[3], site, #out)
end
return {tostring(rel), redis.call('HGET', KEYS[6], site),
        redis.call('SISMEMBER', KEYS[7], site), out}
