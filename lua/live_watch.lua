-- live_watch: GET /v1/live's read of one staff member's live entries over a time window (its
-- snapshot, and its re-reads at an expiry or a periodic check), which touches nobody's marker, and
-- the stream's place under the per-address limit of open streams, in one round trip.
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member (lib/live.lua)
-- KEYS[5]     the open streams of the caller's address: zset stream id -> lease end (ms)
-- KEYS[6]     the funnel's counters of the UTC day of now (lib/live.lua, tally; optional)
-- ARGV[1]  now (ms)   ARGV[2]  clientTag (unused here: the worker marks its own entries)
-- ARGV[3]  window start (ms)   ARGV[4]  window end (ms)
-- ARGV[5]  stream id   ARGV[6]  lease (ms)
-- ARGV[7]  most streams an address may keep open ("0": a stream already admitted renews its lease)
--
-- A stream that stops renewing (its isolate died) drops out when its lease ends.
--
-- Reply: {"limit", untilMs}   (the address has its maximum open: the earliest lease to end)
--      | {"ok", then rawWindow's four parts (lib/live.lua): the worker decodes and filters them}
--@include lib/live.lua
local now = tonumber(ARGV[1])
local fromMs, toMs = tonumber(ARGV[3]), tonumber(ARGV[4])
local stream, leaseMs, most = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local S = staffKeys(1)
S.stats = KEYS[6]

redis.call("ZREMRANGEBYSCORE", KEYS[5], "-inf", now)
if most > 0 and not redis.call("ZSCORE", KEYS[5], stream) and redis.call("ZCARD", KEYS[5]) >= most then
  local first = redis.call("ZRANGE", KEYS[5], 0, 0, "WITHSCORES")
  return {"limit", first[2]}
end
redis.call("ZADD", KEYS[5], now + leaseMs, stream)
keepFor(KEYS[5], leaseMs)

ensure(S, now)
sweep(S, now)
local window = rawWindow(S, math.floor(fromMs / CELL), math.ceil(toMs / CELL) + 1)
return {"ok", window[1], window[2], window[3], window[4]}
