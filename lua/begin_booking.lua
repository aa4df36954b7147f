-- begin_booking: everything Redis does for a booking, in one round trip before the SQL
-- transaction. Claims the Idempotency-Key (or reports it seen / used with another body), checks
-- that nobody else holds or has just booked the slots, then turns the caller's hold into
-- "booked" entries (kept for the offer TTL, so holds checked against older offers are refused).
-- If the SQL transaction then fails, abort_booking.lua puts everything back.
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member (lib/live.lua)
-- KEYS[5]     idempotency key, in the staff member's slot (unused when ARGV[5] = "")
-- KEYS[6]     the released-hold key of the caller's hold (release_hold.lua)
-- KEYS[7], KEYS[8]  the held slots of the hold's client and address (hold limits)
-- KEYS[9]     the funnel's counters of the UTC day of now (lib/live.lua, tally; optional)
-- ARGV[1]  now (ms)   ARGV[2]  holdKey   ARGV[3]  tokenHash
-- ARGV[4]  client tag for the booked entries when the hold is gone (the hold's own tag otherwise)
-- ARGV[5]  bodyHash ("" = no idempotency)   ARGV[6]  idempotency lease (ms)   ARGV[7]  booked TTL (ms)
-- ARGV[8]  the client tag of the holders the token names ("" = none)   ARGV[9]  n, then per slot: startMs, endMs, cellStart, cellEnd, offsetMin, appointmentId
--          (the cells come from the signed hold token, so they are known even when the hold is gone)
--          then: the appointment a reschedule moves ("" = none): its own booked entry does not block
--
-- Reply: {"ok", ownHold (1|0), field1, value1, …}   the caller's hold entries, removed, in the
--        self-contained exchange format (lib/live.lua), for abort_booking to restore
--      | {"idempotency-seen"} | {"idempotency-conflict"} | {"wrong-token"} | {"released"}
--      | {"held", untilMs, ownHold} | {"booked", untilMs, ownHold}
--@include lib/live.lua
local now, holdKey, tokenHash, clientTag = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local bodyHash, leaseMs, bookedTtl = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local holder, n = ARGV[8], tonumber(ARGV[9])
local S = staffKeys(1)
S.stats = KEYS[9]

if bodyHash ~= "" then
  local seen = redis.call("GET", KEYS[5])
  if seen then return {seen == bodyHash and "idempotency-seen" or "idempotency-conflict"} end
end

-- A released hold's token books nothing, even while its slots are free.
if redis.call("EXISTS", KEYS[6]) == 1 then return {"released"} end

-- The caller's own hold, if it still exists: its token must match, and the holders the token's
-- signed claim names must be the hold's (their places are freed below, as in release_hold).
ensure(S, now)
sweep(S, now)
local hold = holdOf(S, holdKey, now)
if hold then
  if hold[1].tok ~= tokenHash or holder == "" or hold[1].tag ~= holder then return {"wrong-token"} end
  clientTag = hold[1].tag
end

local slots = {}
for i = 1, n do
  local at = 10 + (i - 1) * 6
  slots[i] = {
    startMs = tonumber(ARGV[at]), endMs = tonumber(ARGV[at + 1]),
    cs = tonumber(ARGV[at + 2]), ce = tonumber(ARGV[at + 3]),
    offsetMin = ARGV[at + 4], id = ARGV[at + 5],
  }
end

local ownPrefix = "h:" .. holdKey .. ":"
local moved = "b:" .. (ARGV[10 + 6 * n] or "") .. ":0" -- "b::0" names no entry
for _, slot in ipairs(slots) do
  for _, e in ipairs(overlapping(S, S.blk, slot.cs, slot.ce, now)) do
    if string.find(e.field, ownPrefix, 1, true) ~= 1 and e.field ~= moved then
      return {e.kind == "b" and "booked" or "held", fmt(e.exp), hold and "1" or "0"}
    end
  end
end

if bodyHash ~= "" then redis.call("SET", KEYS[5], bodyHash, "PX", leaseMs) end
local reply = {"ok", hold and "1" or "0"}
if hold then heldDrop({KEYS[7], KEYS[8]}, "1", S, hold) end
for _, e in ipairs(hold or {}) do
  remove(S, e)
  reply[#reply + 1] = e.field
  reply[#reply + 1] = encodeV1(e)
end
local booked = {}
for i, slot in ipairs(slots) do
  booked[i] = {field = "b:" .. slot.id .. ":0", kind = "b", cs = slot.cs, ce = slot.ce, startMin = slot.startMs / 60000,
    endMin = slot.endMs / 60000, off = slot.offsetMin, exp = now + bookedTtl, tag = clientTag}
  put(S, booked[i], now)
end
publish(S, booked, hold)
if hold then tally(S, "holdsBooked", 1) end
return reply
