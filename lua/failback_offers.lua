-- failback_offers: after an outage, copy what availability offered while Redis was down (fields
-- as in availability_overlay.lua) into the offer hash of one (service, staff member), so holds
-- on those offers keep working. A date already published in Redis is replaced only by a newer
-- publication; "meta" is written only when the hash has none.
--
-- KEYS[1]  the sync lock      KEYS[2]  offer hash
-- ARGV[1]  this sync's lock id   ARGV[2]  time to live of the hash (ms)
-- then field/value pairs
--
-- Reply: the number of fields written | -1 when the lock is no longer this sync's
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
local written = 0
for i = 3, #ARGV, 2 do
  local field, value = ARGV[i], ARGV[i + 1]
  local current = redis.call("HGET", KEYS[2], field)
  local newer = not current
  if current and field ~= "meta" then
    newer = tonumber(string.match(value, "^(%d+)|")) > tonumber(string.match(current, "^(%d+)|"))
  end
  if newer then
    redis.call("HSET", KEYS[2], field, value)
    written = written + 1
  end
end
if redis.call("PTTL", KEYS[2]) < tonumber(ARGV[2]) then redis.call("PEXPIRE", KEYS[2], ARGV[2]) end
return written
