-- heartbeat: keep (or drop) the caller's viewing marker on this staff member and return the
-- live entries that touch a time window, in one round trip.
--
-- KEYS[1]  live hash of the staff member (field formats in hold_slots.lua and select_slot.lua)
-- ARGV[1]  now (ms)   ARGV[2]  clientTag   ARGV[3]  "1" keep my marker alive | "0" drop it
-- ARGV[4]  window start (ms)   ARGV[5]  window end (ms)
--
-- Reply: flat rows of 6: kind ("h" held, "v" viewing, "b" booked), mine ("1"|"0"), startMs,
--        endMs, offsetMin, expiresAtMs
local now, clientTag, keep = tonumber(ARGV[1]), ARGV[2], ARGV[3] == "1"
local fromMs, toMs = tonumber(ARGV[4]), tonumber(ARGV[5])

local function split(value)
  local out, from = {}, 1
  while true do
    local at = string.find(value, "|", from, true)
    if not at then out[#out + 1] = string.sub(value, from) return out end
    out[#out + 1] = string.sub(value, from, at - 1)
    from = at + 1
  end
end

local markerField = "v:" .. clientTag
local marker = redis.call("HGET", KEYS[1], markerField)
if marker then
  local v = split(marker)
  if not keep or tonumber(v[6]) <= now then
    redis.call("HDEL", KEYS[1], markerField)
  else
    local ttl = tonumber(v[8]) * 1000
    v[6] = string.format("%.0f", now + ttl)
    redis.call("HSET", KEYS[1], markerField, table.concat(v, "|"))
    if redis.call("PTTL", KEYS[1]) < ttl then redis.call("PEXPIRE", KEYS[1], ttl) end
  end
end

local rows = {}
local entries = redis.call("HGETALL", KEYS[1])
for k = 1, #entries, 2 do
  local field, v = entries[k], split(entries[k + 1])
  if tonumber(v[6]) <= now then
    redis.call("HDEL", KEYS[1], field)
  elseif tonumber(v[3]) * 60000 < toMs and tonumber(v[4]) * 60000 > fromMs then
    rows[#rows + 1] = string.sub(field, 1, 1)
    rows[#rows + 1] = v[7] == clientTag and "1" or "0"
    rows[#rows + 1] = string.format("%.0f", tonumber(v[3]) * 60000)
    rows[#rows + 1] = string.format("%.0f", tonumber(v[4]) * 60000)
    rows[#rows + 1] = v[5]
    rows[#rows + 1] = v[6]
  end
end
return rows
