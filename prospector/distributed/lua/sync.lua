-- The scheduler's one round trip: queue the requests enqueued since the last one (each
-- checked against the duplicate filter unless told not to: a redirect is never dropped
-- as a duplicate nor recorded, as in a single process, where no filter drops one:
-- prospector/crawl/settings.py, DUPEFILTER_CLASS), then take up to ARGV[1]
-- best requests; a worker that takes work is no longer idle.
-- KEYS: dupefilter, queue, idle; ARGV: count to take, worker, number of requests, then
-- (fingerprint, score, encoded request, check 1/0) per request.
-- Returns {indexes of the duplicates dropped, requests taken}.
local n = tonumber(ARGV[3])
local dropped = {}
for k = 0, n - 1 do
  local at = 4 + 4 * k
  if ARGV[at + 3] == '1' and redis.call('SADD', KEYS[1], ARGV[at]) == 0 then
    table.insert(dropped, k)
  else
    redis.call('ZADD', KEYS[2], ARGV[at + 1], ARGV[at + 2])
  end
end
local out = {}
if tonumber(ARGV[1]) > 0 then
  local got = redis.call('ZPOPMIN', KEYS[2], ARGV[1])
  for i = 1, #got, 2 do table.insert(out, got[i]) end
  if #out > 0 then redis.call('HDEL', KEYS[3], ARGV[2]) end
end
return {dropped, out}
