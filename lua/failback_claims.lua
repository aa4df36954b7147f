-- failback_claims: after an outage, copy the fallback's Idempotency-Key claims and released
-- holds (SET NX with the remaining lease) and sliding-log events (lua/sliding_log.lua: ZADD of the same member) into
-- Redis. Both are idempotent. A key's expiry is only ever lengthened: an event recorded in Redis
-- meanwhile must stay counted for its whole window.
--
-- KEYS[1]  the sync lock
-- KEYS[2 … c+1]  claim keys (Idempotency-Key claims and released holds)       KEYS[c+2 …]  rate-limit keys (one per event)
-- ARGV[1]  this sync's lock id   ARGV[2]  c (number of claims)
-- then per claim: bodyHash, ttlMs; then per event: score (ms), member, ttlMs
--
-- Reply: {claims written, events added} | {-1, -1} when the lock is no longer this sync's
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return {-1, -1} end
local c = tonumber(ARGV[2])
local claims, events = 0, 0
for i = 1, c do
  local body, ttl = ARGV[1 + 2 * i], ARGV[2 + 2 * i]
  if redis.call("SET", KEYS[1 + i], body, "PX", ttl, "NX") then claims = claims + 1 end
end
local at = 3 + 2 * c
for k = c + 2, #KEYS do
  events = events + redis.call("ZADD", KEYS[k], ARGV[at], ARGV[at + 1])
  local ttl = tonumber(ARGV[at + 2])
  if redis.call("PTTL", KEYS[k]) < ttl then redis.call("PEXPIRE", KEYS[k], ttl) end
  at = at + 3
end
return {claims, events}
