-- failback_retract: take back live fields the failback sync copied into Redis when their fallback
-- rows vanished while it ran (the hold was released or booked through the fallback meanwhile),
-- so a released hold does not come back to life in Redis. A field is deleted only if it still
-- holds exactly the value that was copied.
--
-- KEYS[1]  the sync lock      KEYS[2]  live hash of the staff member
-- ARGV[1]  this sync's lock id, then field/value pairs as they were copied
--
-- Reply: the number of fields deleted | -1 when the lock is no longer this sync's
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
local deleted = 0
for i = 2, #ARGV, 2 do
  if redis.call("HGET", KEYS[2], ARGV[i]) == ARGV[i + 1] then
    deleted = deleted + redis.call("HDEL", KEYS[2], ARGV[i])
  end
end
return deleted
