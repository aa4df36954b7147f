-- release_hold: delete exactly the fields of one hold, only for its holder.
--
-- KEYS[1]  live hash of the staff member (see hold_slots.lua for the field format)
-- ARGV[1]  now (ms)   ARGV[2]  holdKey   ARGV[3]  tokenHash
--
-- Reply: {"ok", n} | {"not-found"}
local now, holdKey, tokenHash = tonumber(ARGV[1]), ARGV[2], ARGV[3]

local function split(value)
  local out, from = {}, 1
  while true do
    local at = string.find(value, "|", from, true)
    if not at then out[#out + 1] = string.sub(value, from) return out end
    out[#out + 1] = string.sub(value, from, at - 1)
    from = at + 1
  end
end

local first = redis.call("HGET", KEYS[1], "h:" .. holdKey .. ":0")
if not first then return {"not-found"} end
local fields = split(first)
if fields[8] ~= tokenHash or tonumber(fields[6]) <= now then return {"not-found"} end

local n = tonumber(fields[11])
for i = 0, n - 1 do redis.call("HDEL", KEYS[1], "h:" .. holdKey .. ":" .. i) end
return {"ok", tostring(n)}
