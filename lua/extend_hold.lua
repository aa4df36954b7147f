-- extend_hold: push a hold's expiry to now + its TTL, never past its cap (created + cap).
-- Only the holder may: the token's hash must match.
--
-- KEYS[1]  live hash of the staff member (see hold_slots.lua for the field format)
-- ARGV[1]  now (ms)   ARGV[2]  holdKey   ARGV[3]  tokenHash
--
-- Reply: {"ok", expiresAtMs, capped (0|1)} | {"not-found"}
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
local v = split(first)
if v[8] ~= tokenHash or tonumber(v[6]) <= now then return {"not-found"} end

local capAt, ttl, n = tonumber(v[9]), tonumber(v[10]) * 1000, tonumber(v[11])
local expiresAt = math.min(now + ttl, capAt)
if expiresAt < tonumber(v[6]) then expiresAt = tonumber(v[6]) end
local expires = string.format("%.0f", expiresAt)
for i = 0, n - 1 do
  local field = "h:" .. holdKey .. ":" .. i
  local slot = split(redis.call("HGET", KEYS[1], field))
  slot[6] = expires
  redis.call("HSET", KEYS[1], field, table.concat(slot, "|"))
end
return {"ok", expires, expiresAt >= capAt and "1" or "0"}
