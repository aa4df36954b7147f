-- availability_overlay: publish what availability offered for one staff member (so that select
-- and hold can check a slot without SQL) and read that staff member's live entries over the
-- requested dates. Availability pipelines one call per staff member in one round trip, so every
-- call touches one staff member's keys (one Cluster slot).
--
-- Offer hash per (service, staff member): field "meta" (the nine numbers of lib/live.lua's offerOf)
-- and per local date the field "<date>" = "<publishedMs>|<baseMs>|<hex bitmap>", bit i set when a
-- slot starting at baseMs + i × 5 min is offered (available, not booked) on that date, and the
-- field "o:<date>" = "<publishedMs>|<offsets>", the staff member's UTC offsets over the date
-- (lib/live.lua, offerOf).
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member (lib/live.lua)
-- KEYS[5]     offer hash of (service, staff member)
-- KEYS[6]     the funnel's counters of the UTC day of now (lib/live.lua, tally; optional)
-- ARGV[1]  now (ms)   ARGV[2]  offer TTL (ms)   ARGV[3]  meta   ARGV[4]  clientTag ("" = none)
-- ARGV[5]  first cell   ARGV[6]  end cell (exclusive) of the window to read
-- ARGV[7]  the number of dates d, then d × (date, "<baseMs>|<hex bitmap>", offsets)
--          (src/domain/live/stored-offer.ts, encodeOfferDay and encodeOfferOffsets)
--
-- Reply: rawWindow (lib/live.lua): {blockers, their values, markers, their values}
--@include lib/live.lua
local now, offerTtl, metaValue, clientTag = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]
local S = staffKeys(1)
S.stats = KEYS[6]

local d = tonumber(ARGV[7])
local fields = {"meta", metaValue}
for i = 0, d - 1 do
  local date = ARGV[8 + 3 * i]
  -- Each date carries its publish time: a date not republished within the offer TTL is stale
  -- even while the hash lives on because other dates were read.
  fields[#fields + 1] = date
  fields[#fields + 1] = ARGV[1] .. "|" .. ARGV[9 + 3 * i]
  fields[#fields + 1] = "o:" .. date
  fields[#fields + 1] = ARGV[1] .. "|" .. ARGV[10 + 3 * i]
end
redis.call("HSET", KEYS[5], unpack(fields))
redis.call("PEXPIRE", KEYS[5], offerTtl)

ensure(S, now)
sweep(S, now)
return rawWindow(S, tonumber(ARGV[5]), tonumber(ARGV[6]))
