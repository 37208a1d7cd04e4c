-- Politeness across workers (prospector.distributed.politeness): take a host.
-- KEYS: next-allowed time, hold; ARGV: holder, hold in ms, poll interval in ms.
-- Returns milliseconds to wait before asking again (0: go, the host is now held by
-- ARGV[1]). The time is Redis's own: workers' clocks may differ.
if redis.call('EXISTS', KEYS[2]) == 1 then return tonumber(ARGV[3]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < free then return free - now end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 0
