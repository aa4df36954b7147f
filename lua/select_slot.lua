-- select_slot: set the caller's "viewing" marker on a slot (one marker per client and staff
-- member: a new selection replaces the previous one), refused when another client holds the
-- slot or it is booked. Markers never block anyone.
--
-- Marker field "v:<clientTag>", value cellStart|cellEnd|startMin|endMin|offsetMin|expiresAtMs|clientTag|ttlS
--
-- KEYS[1]  live hash of the staff member      KEYS[2]  offer hash of (service, staff member)
-- ARGV[1]  now (ms)   ARGV[2]  clientTag   ARGV[3]  startMs   ARGV[4]  offsetMin
-- ARGV[5..7]  candidate local dates of the slot (its date ±1)
--
-- Reply: {"ok", expiresAtMs, endMs} | {"held", untilMs} | {"booked", untilMs} | {"unavailable", reason}
local CELL, OFFER_TTL = 300000, 900000
local now, clientTag, startMs, offsetMin = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4]

local function split(value)
  local out, from = {}, 1
  while true do
    local at = string.find(value, "|", from, true)
    if not at then out[#out + 1] = string.sub(value, from) return out end
    out[#out + 1] = string.sub(value, from, at - 1)
    from = at + 1
  end
end
local function fmt(x) return string.format("%.0f", x) end

local meta = redis.call("HGET", KEYS[2], "meta")
if not meta then return {"unavailable", "not-offered"} end
meta = split(meta) -- durationMin|bufferBeforeMin|bufferAfterMin|holdTtlS|viewingTtlS|capS|noticeMin
local durationMs, beforeMs, afterMs = tonumber(meta[1]) * 60000, tonumber(meta[2]) * 60000, tonumber(meta[3]) * 60000
local viewingMs, noticeMs = tonumber(meta[5]) * 1000, tonumber(meta[7]) * 60000
if startMs < now + noticeMs then return {"unavailable", "notice"} end

local isOffered = false
for d = 5, 7 do
  local day = redis.call("HGET", KEYS[2], ARGV[d])
  if day and not isOffered then
    local published, base, bits = string.match(day, "^(%d+)|(%d+)|(%x*)$")
    local index = (startMs - tonumber(base)) / CELL
    if tonumber(published) + OFFER_TTL > now and index >= 0 and index % 1 == 0 and index < #bits * 4 then
      local nibble = tonumber(string.sub(bits, math.floor(index / 4) + 1, math.floor(index / 4) + 1), 16)
      isOffered = bit.band(nibble, bit.lshift(1, 3 - index % 4)) ~= 0
    end
  end
end
if not isOffered then return {"unavailable", "not-offered"} end

local cellStart = math.floor((startMs - beforeMs) / CELL)
local cellEnd = math.ceil((startMs + durationMs + afterMs) / CELL)
local entries = redis.call("HGETALL", KEYS[1])
for k = 1, #entries, 2 do
  local field, v = entries[k], split(entries[k + 1])
  if tonumber(v[6]) <= now then
    redis.call("HDEL", KEYS[1], field)
  elseif string.sub(field, 1, 2) ~= "v:" and v[7] ~= clientTag
    and tonumber(v[1]) < cellEnd and cellStart < tonumber(v[2]) then
    return {string.sub(field, 1, 1) == "b" and "booked" or "held", v[6]}
  end
end

local expiresAt = now + viewingMs
redis.call("HSET", KEYS[1], "v:" .. clientTag, table.concat({fmt(cellStart), fmt(cellEnd), fmt(startMs / 60000),
  fmt((startMs + durationMs) / 60000), offsetMin, fmt(expiresAt), clientTag, fmt(viewingMs / 1000)}, "|"))
if redis.call("PTTL", KEYS[1]) < viewingMs then redis.call("PEXPIRE", KEYS[1], viewingMs) end
return {"ok", fmt(expiresAt), fmt(startMs + durationMs)}
