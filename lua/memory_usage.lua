-- memory_usage: Redis's own count of the bytes it uses (INFO memory, used_memory), for
-- GET /v1/debug/redis-status.
--
-- KEYS[]  none (no key is read or written)
-- ARGV[]  none
--
-- Reply: used_memory in bytes, or -1 when the server does not report it
local info = redis.call("INFO", "memory")
local used = string.match(info, "used_memory:(%d+)")
if not used then return -1 end
return tonumber(used)
