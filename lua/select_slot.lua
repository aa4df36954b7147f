-- select_slot: set the caller's "viewing" marker on a slot (one marker per client and staff
-- member: a new selection replaces the previous one, on any date), refused when another client
-- holds the slot or it is booked. Markers never block anyone. Reads only the blockers that can
-- overlap the slot (lib/live.lua).
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member
-- KEYS[5]     offer hash of (service, staff member)
-- KEYS[6]     the funnel's counters of the UTC day of now (lib/live.lua, tally; optional)
-- ARGV[1]  now (ms)   ARGV[2]  clientTag   ARGV[3]  startMs
-- ARGV[4..6]  candidate local dates of the slot (its UTC date ±1, as hold_slots.lua)
--
-- Reply: {"ok", expiresAtMs, endMs, offsetMin, endOffsetMin} (the staff member's UTC offsets at
-- the slot's start and end, from the offer; the marker carries the one at the start)
--      | {"held", untilMs} | {"booked", untilMs} | {"unavailable", reason}
--@include lib/live.lua
local now, clientTag, startMs = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local S = staffKeys(1)
S.stats = KEYS[6]

local dates = {ARGV[4], ARGV[5], ARGV[6]}
local meta = offerOf(KEYS[5], dates)
if not meta then return {"unavailable", "not-offered"} end
if startMs < now + meta.noticeMs then return {"unavailable", "notice"} end
local offsets = offered(meta, startMs, dates, now)
if not offsets then return {"unavailable", "not-offered"} end
local offsetMin = offsetAt(offsets, startMs)

ensure(S, now)
sweep(S, now)
local cs = math.floor((startMs - meta.beforeMs) / CELL)
local ce = math.ceil((startMs + meta.durationMs + meta.afterMs) / CELL)
for _, e in ipairs(overlapping(S, S.blk, cs, ce, now)) do
  if e.tag ~= clientTag then return {e.kind == "b" and "booked" or "held", fmt(e.exp)} end
end

-- The client's marker field is the same on every date: writing it replaces the old one (read
-- first only so that its date's streams hear it go).
local field = "v:" .. clientTag
local old = get(S, field)
local expiresAt = now + meta.viewingMs
local marker = {field = field, kind = "v", cs = cs, ce = ce, startMin = startMs / 60000,
  endMin = (startMs + meta.durationMs) / 60000, off = fmt(offsetMin), exp = expiresAt, tag = clientTag,
  ttl = meta.viewingMs / 1000}
put(S, marker, now)
publish(S, {marker}, {old})
tally(S, "selections", 1)
return {"ok", fmt(expiresAt), fmt(startMs + meta.durationMs), fmt(offsetMin),
  fmt(offsetAt(offsets, startMs + meta.durationMs))}
