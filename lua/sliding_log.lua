-- sliding_log: an exact rate limit over a rolling window, for several keys at once (e.g. one
-- email and one IP), all or nothing. Each key is a sorted set of the instants of its accepted
-- events; events older than the window are dropped first, so "at most N in any window" holds
-- exactly, including across what a fixed window would call a boundary.
--
-- KEYS[1] … KEYS[n]  the limited keys (sorted sets of accepted events), n ≥ 1
-- ARGV[1]  now (ms)   ARGV[2]  window (ms)   ARGV[3]  a unique event id
-- ARGV[4…] the limit of each key, in the order of KEYS
--
-- Reply: {1, 0} accepted (recorded on every key) | {0, retryAfterMs} refused (nothing recorded)
local now, window, event = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local retryAfter = 0
for i, key in ipairs(KEYS) do
  redis.call("ZREMRANGEBYSCORE", key, "-inf", now - window)
  if redis.call("ZCARD", key) >= tonumber(ARGV[3 + i]) then
    local oldest = redis.call("ZRANGE", key, 0, 0, "WITHSCORES")
    local wait = tonumber(oldest[2]) + window - now
    if wait > retryAfter then retryAfter = wait end
  end
end
if retryAfter > 0 then return {0, retryAfter} end
for _, key in ipairs(KEYS) do
  redis.call("ZADD", key, now, event)
  redis.call("PEXPIRE", key, window)
end
return {1, 0}
