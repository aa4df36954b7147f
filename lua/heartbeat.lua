-- heartbeat: keep (or drop) the caller's viewing marker on this staff member and return the
-- live entries that touch a time window, in one round trip. Reads only the entries that can
-- overlap the window (lib/live.lua), never the staff member's other dates.
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member
-- ARGV[1]  now (ms)   ARGV[2]  clientTag   ARGV[3]  "1" keep my marker alive | "0" drop it
-- ARGV[4]  window start (ms)   ARGV[5]  window end (ms)
--
-- Reply: flat rows of 6: kind ("h" held, "v" viewing, "b" booked), mine ("1"|"0"), startMs,
--        endMs, offsetMin, expiresAtMs
--@include lib/live.lua
local now, clientTag, keep = tonumber(ARGV[1]), ARGV[2], ARGV[3] == "1"
local fromMs, toMs = tonumber(ARGV[4]), tonumber(ARGV[5])
local S = staffKeys(1)

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

local rows = {}
for _, e in ipairs(window(S, math.floor(fromMs / CELL), math.ceil(toMs / CELL) + 1, now)) do
  if e.startMin * 60000 < toMs and e.endMin * 60000 > fromMs then
    rows[#rows + 1] = e.kind
    rows[#rows + 1] = e.tag == clientTag and "1" or "0"
    rows[#rows + 1] = fmt(e.startMin * 60000)
    rows[#rows + 1] = fmt(e.endMin * 60000)
    rows[#rows + 1] = e.off
    rows[#rows + 1] = fmt(e.exp)
  end
end
return rows
