-- hold_slots: claim one or several slots of one staff member, all or nothing.
--
-- Live state of a staff member is one hash (KEYS[1]); each held slot is one field
-- "h:<holdKey>:<i>" whose value is
--   cellStart|cellEnd|startMin|endMin|offsetMin|expiresAtMs|clientTag|tokenHash|capAtMs|ttlS|n
-- (startMin and endMin in minutes since the epoch, and the TTL in seconds, keep a hold under 200
-- bytes of Redis memory.)
-- Cells are 5-minute UTC cells; a slot occupies [cellStart, cellEnd) including its buffers, so two
-- slots conflict exactly when they share a cell. Markers ("v:") never block; bookings ("b:")
-- and other clients' holds do. Expired fields are deleted as they are met.
--
-- KEYS[1]  live hash of the staff member
-- KEYS[2]  offer hash of (service, staff member): "meta" and one field per local date
-- ARGV[1]  now (ms)            ARGV[2]  holdKey (random)     ARGV[3]  tokenHash
-- ARGV[4]  clientTag           ARGV[5]  n (number of slots)
-- then per slot: startMs, offsetMin, and three candidate local dates (the slot's date ±1)
--
-- Reply: {"ok", holdKey, expiresAtMs, then per requested slot: endMs, cellStart, cellEnd}
--      | {"existing", holdKey, expiresAtMs, …the same per slot…}   (same client, same slots:
--        same hold, token rotated)
--      | {"held", untilMs} | {"booked", untilMs}
--      | {"unavailable", index, reason} | {"overlap", i, j}
local CELL, OFFER_TTL = 300000, 900000
local now = tonumber(ARGV[1])
local holdKey, tokenHash, clientTag = ARGV[2], ARGV[3], ARGV[4]
local n = tonumber(ARGV[5])

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

-- The offer: what availability offered for this service and staff member, and the settings.
local meta = redis.call("HGET", KEYS[2], "meta")
if not meta then return {"unavailable", "0", "not-offered"} end
meta = split(meta) -- durationMin|bufferBeforeMin|bufferAfterMin|holdTtlS|viewingTtlS|capS|noticeMin
local durationMs, beforeMs, afterMs = tonumber(meta[1]) * 60000, tonumber(meta[2]) * 60000, tonumber(meta[3]) * 60000
local ttlMs, capMs, noticeMs = tonumber(meta[4]) * 1000, tonumber(meta[6]) * 1000, tonumber(meta[7]) * 60000

local function offered(startMs, dates)
  for _, date in ipairs(dates) do
    local day = redis.call("HGET", KEYS[2], date)
    if day then
      local published, base, bits = string.match(day, "^(%d+)|(%d+)|(%x*)$")
      local index = (startMs - tonumber(base)) / CELL
      if tonumber(published) + OFFER_TTL > now and index >= 0 and index % 1 == 0 and index < #bits * 4 then
        local nibble = tonumber(string.sub(bits, math.floor(index / 4) + 1, math.floor(index / 4) + 1), 16)
        if bit.band(nibble, bit.lshift(1, 3 - index % 4)) ~= 0 then return true end
      end
    end
  end
  return false
end

local slots = {}
for i = 1, n do
  local at = 6 + (i - 1) * 5
  local startMs = tonumber(ARGV[at])
  if startMs < now + noticeMs then return {"unavailable", tostring(i - 1), "notice"} end
  if not offered(startMs, {ARGV[at + 2], ARGV[at + 3], ARGV[at + 4]}) then
    return {"unavailable", tostring(i - 1), "not-offered"}
  end
  local slot = {
    startMs = startMs, endMs = startMs + durationMs, offsetMin = ARGV[at + 1],
    cellStart = math.floor((startMs - beforeMs) / CELL), cellEnd = math.ceil((startMs + durationMs + afterMs) / CELL),
  }
  for j, other in ipairs(slots) do
    if slot.cellStart < other.cellEnd and other.cellStart < slot.cellEnd then
      return {"overlap", tostring(j - 1), tostring(i - 1)}
    end
  end
  slots[i] = slot
end

-- Conflicts. A hold of the same client on exactly the same slots is returned, not refused.
local entries = redis.call("HGETALL", KEYS[1])
local sameHold, blocked, blockedUntil, blockedKind = nil, false, 0, nil
local mineStarts = {}
for k = 1, #entries, 2 do
  local field, v = entries[k], split(entries[k + 1])
  local expiresAt = tonumber(v[6])
  if expiresAt <= now then
    redis.call("HDEL", KEYS[1], field)
  elseif string.sub(field, 1, 2) ~= "v:" then
    local cs, ce = tonumber(v[1]), tonumber(v[2])
    for _, slot in ipairs(slots) do
      if cs < slot.cellEnd and slot.cellStart < ce then
        local key = string.match(field, "^h:([^:]+):")
        if key and v[7] == clientTag and (sameHold == nil or sameHold == key) then
          sameHold = key
          mineStarts[v[3]] = true
        elseif string.sub(field, 1, 1) == "b" then
          blocked, blockedKind = true, "booked" -- a booking outranks any hold in the answer
        else
          blocked = true
          if blockedKind ~= "booked" then blockedKind = "held" end
          if expiresAt > blockedUntil then blockedUntil = expiresAt end
        end
      end
    end
  end
end
if blocked then return {blockedKind, fmt(blockedUntil)} end

if sameHold then
  -- Same client again (a retry that lost its token): same hold, same expiry, new token.
  local first = split(redis.call("HGET", KEYS[1], "h:" .. sameHold .. ":0") or "")
  local count = tonumber(first[11] or "0")
  local same = count == n
  for _, slot in ipairs(slots) do same = same and mineStarts[fmt(slot.startMs / 60000)] == true end
  if not same then return {"held", first[6]} end
  local byStart = {}
  for i = 0, count - 1 do
    local f = "h:" .. sameHold .. ":" .. i
    local v = split(redis.call("HGET", KEYS[1], f))
    v[8] = tokenHash
    redis.call("HSET", KEYS[1], f, table.concat(v, "|"))
    byStart[v[3]] = v
  end
  -- Answer in the order of this request, which may differ from the order the hold was made in.
  local reply = {"existing", sameHold, first[6]}
  for _, slot in ipairs(slots) do
    local v = byStart[fmt(slot.startMs / 60000)]
    reply[#reply + 1] = fmt(tonumber(v[4]) * 60000)
    reply[#reply + 1] = v[1]
    reply[#reply + 1] = v[2]
  end
  return reply
end

local expiresAt = now + ttlMs
local reply = {"ok", holdKey, fmt(expiresAt)}
for i, slot in ipairs(slots) do
  local value = table.concat({fmt(slot.cellStart), fmt(slot.cellEnd), fmt(slot.startMs / 60000), fmt(slot.endMs / 60000),
    slot.offsetMin, fmt(expiresAt), clientTag, tokenHash, fmt(now + capMs), fmt(ttlMs / 1000), tostring(n)}, "|")
  redis.call("HSET", KEYS[1], "h:" .. holdKey .. ":" .. (i - 1), value)
  reply[#reply + 1] = fmt(slot.endMs)
  reply[#reply + 1] = fmt(slot.cellStart)
  reply[#reply + 1] = fmt(slot.cellEnd)
end
-- The hash lives as long as its longest-lived entry could (a hold extended to its cap).
if redis.call("PTTL", KEYS[1]) < capMs then redis.call("PEXPIRE", KEYS[1], capMs) end
return reply
