-- failback_retract: take back live entries the failback sync copied into Redis when their
-- fallback rows vanished while it ran (the hold was released or booked through the fallback
-- meanwhile), so a released hold does not come back to life in Redis. An entry is deleted only
-- if it is still exactly what was copied.
--
-- KEYS[1]  the sync lock      KEYS[2..5]  live hash, blockers, markers, expiry buckets (lib/live.lua)
-- ARGV[1]  this sync's lock id   ARGV[2]  now (ms), then field/value pairs as they were copied
--          (exchange format)
--
-- Reply: the number of entries deleted | -1 when the lock is no longer this sync's
--@include lib/live.lua
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
local now = tonumber(ARGV[2])
local S = staffKeys(2)
ensure(S, now)
local deleted = 0
for i = 3, #ARGV, 2 do
  local copied = decodeV1(ARGV[i], ARGV[i + 1])
  local current = get(S, copied.field)
  if current and current.cs == copied.cs and encode(current) == encode(copied) then
    remove(S, current)
    deleted = deleted + 1
    publish(S, nil, {current})
  end
end
return deleted
