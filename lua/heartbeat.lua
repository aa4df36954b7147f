-- heartbeat: keep (or drop) the caller's viewing marker on this staff member and return the
-- live entries of one local date, in one round trip. Reads only that date's UTC range (from the
-- lowest and highest UTC offset of the staff member's entries, lib/live.lua), never the staff
-- member's other dates, and leaves decoding and the exact date filter to the worker.
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member
-- KEYS[5]     the funnel's counters of the UTC day of now (lib/live.lua, tally; optional)
-- ARGV[1]  now (ms)   ARGV[2]  clientTag   ARGV[3]  "1" keep my marker alive | "0" drop it
-- ARGV[4]  window start (ms)   ARGV[5]  window end (ms)
-- ARGV[6]  the local date's midnight, read as UTC (ms; "" = none): only the cells that an entry
--          starting on that date, in any UTC offset the staff member's entries have, can occupy
--          are read
--
-- Reply: rawWindow (lib/live.lua): {blockers, their values, markers, their values}
--@include lib/live.lua
local now, clientTag, keep = tonumber(ARGV[1]), ARGV[2], ARGV[3] == "1"
local fromMs, toMs, dayMs = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6] or "")
local S = staffKeys(1)
S.stats = KEYS[5]

ensure(S, now)
sweep(S, now)
local marker = get(S, "v:" .. clientTag)
if marker then
  if not keep or marker.exp <= now then
    remove(S, marker)
    publish(S, nil, {marker})
  else
    marker.exp = now + marker.ttl * 1000
    put(S, marker, now)
  end
end

-- The cells to read: the window, narrowed to the date's UTC range when the offsets are known.
local cs, ce = math.floor(fromMs / CELL), math.ceil(toMs / CELL) + 1
if dayMs and S.offLo then
  cs = math.max(cs, math.floor((dayMs - S.offHi * 60000) / CELL))
  ce = math.min(ce, math.ceil((dayMs + 86400000 - S.offLo * 60000) / CELL) + 1)
end

return rawWindow(S, cs, ce)
