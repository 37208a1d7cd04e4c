-- Shared by refill.lua and end_page.lua (not a script of its own): release up to the
-- room left under `parallel` active sites and the site budget, and start each released
-- site (its home URL claimed, its request counted) in the same step, so that no other
-- worker sees a released site as inactive. Leaves the payloads in `out`.
-- KEYS[1..5]: frontier, candidates, released, outstanding, scheduled;
-- ARGV[1..3]: parallel, max_sites, claimed-key prefix.
local out = {}
local active = 0
for _, v in ipairs(redis.call('HVALS', KEYS[4])) do
  if tonumber(v) > 0 then active = active + 1 end
end
local count = redis.call('HLEN', KEYS[3])
while active < tonumber(ARGV[1]) and count < tonumber(ARGV[2]) do
  local top = redis.call('ZPOPMAX', KEYS[1])
  if #top == 0 then break end
  local payload = redis.call('HGET', KEYS[2], top[1])
  redis.call('HSET', KEYS[3], top[1], payload)
  local url = cjson.decode(payload)['c']['url']
  redis.call('SADD', ARGV[3] .. top[1], url)
  redis.call('HINCRBY', KEYS[5], top[1], 1)
  redis.call('HINCRBY', KEYS[4], top[1], 1)
  count = count + 1
  active = active + 1
  table.insert(out, payload)
end
