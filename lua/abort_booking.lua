-- abort_booking: undo begin_booking after the SQL transaction failed: remove the "booked"
-- entries, restore the caller's hold exactly as it was, and free the Idempotency-Key (failed
-- requests are not replayed).
--
-- KEYS[1]  live hash of the staff member      KEYS[2]  idempotency key (may be a dummy)
-- ARGV[1]  "1" to free the idempotency key   ARGV[2]  number of appointment ids a
-- then a appointment ids, then field/value pairs of the hold to restore
--
-- Reply: the number of hold fields restored.
local a = tonumber(ARGV[2])
for i = 1, a do redis.call("HDEL", KEYS[1], "b:" .. ARGV[2 + i] .. ":0") end
local restored = 0
for i = 3 + a, #ARGV, 2 do
  redis.call("HSET", KEYS[1], ARGV[i], ARGV[i + 1])
  restored = restored + 1
end
if ARGV[1] == "1" then redis.call("DEL", KEYS[2]) end
return restored
