-- abort_booking: undo begin_booking after the SQL transaction failed: remove the "booked"
-- entries, restore the caller's hold exactly as it was, and free the Idempotency-Key (failed
-- requests are not replayed).
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member (lib/live.lua)
-- KEYS[5]     idempotency key (may be a dummy)
-- KEYS[6]     the funnel's counters of the UTC day of now (lib/live.lua, tally; optional)
-- ARGV[1]  now (ms)   ARGV[2]  "1" to free the idempotency key   ARGV[3]  number of appointment ids a
-- then a appointment ids, then field/value pairs of the hold to restore (exchange format)
--
-- Reply: the number of hold fields restored.
--@include lib/live.lua
local now, a = tonumber(ARGV[1]), tonumber(ARGV[3])
local S = staffKeys(1)
S.stats = KEYS[6]

ensure(S, now)
local gone, back = {}, {}
for i = 1, a do
  local booked = get(S, "b:" .. ARGV[3 + i] .. ":0")
  if booked then
    remove(S, booked)
    gone[#gone + 1] = booked
  end
end
for i = 4 + a, #ARGV, 2 do
  local e = decodeV1(ARGV[i], ARGV[i + 1])
  if e.exp > now then
    put(S, e, now)
    back[#back + 1] = e
  end
end
publish(S, back, gone)
local restored = #back
-- begin_booking counted the hold booked (it sent it back to restore): the booking did not happen.
if #ARGV >= 4 + a then tally(S, "holdsBooked", -1) end
if ARGV[2] == "1" then redis.call("DEL", KEYS[5]) end
return restored
