-- Politeness across workers: the answer is back; the host's hold ends and its next
-- allowed time becomes now + the delay.
-- KEYS: next-allowed time, hold; ARGV: holder, delay in ms.
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local delay = tonumber(ARGV[2])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + delay > free then
  redis.call('SET', KEYS[1], now + delay, 'PX', delay + 60000)
end
return 0
