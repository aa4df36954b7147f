-- begin_booking: everything Redis does for a booking, in one round trip before the SQL
-- transaction. Claims the Idempotency-Key (or reports it seen / used with another body), checks
-- that nobody else holds or has just booked the slots, then turns the caller's hold into
-- "booked" entries (kept for the offer TTL, so holds checked against older offers are refused).
-- If the SQL transaction then fails, abort_booking.lua puts everything back.
--
-- KEYS[1]  live hash of the staff member      KEYS[2]  offer hash of (service, staff member)
-- KEYS[3]  idempotency key ("" in ARGV[5] = none)
-- ARGV[1]  now (ms)   ARGV[2]  holdKey   ARGV[3]  tokenHash
-- ARGV[4]  client tag for the booked entries when the hold is gone (the hold's own tag otherwise)
-- ARGV[5]  bodyHash ("" = no idempotency)   ARGV[6]  idempotency lease (ms)   ARGV[7]  booked TTL (ms)
-- ARGV[8]  n, then per slot: startMs, offsetMin, appointmentId
--
-- Reply: {"ok", ownHold (1|0), field1, value1, …}   the caller's hold fields, removed (to restore)
--      | {"idempotency-seen"} | {"idempotency-conflict"} | {"wrong-token"}
--      | {"held", untilMs, ownHold} | {"booked", untilMs, ownHold}
local CELL = 300000
local now, holdKey, tokenHash, clientTag = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local bodyHash, leaseMs, bookedTtl, n = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])

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

if bodyHash ~= "" then
  local seen = redis.call("GET", KEYS[3])
  if seen then return {seen == bodyHash and "idempotency-seen" or "idempotency-conflict"} end
end

-- The caller's own hold, if it still exists: its token must match.
local own, ownFields = false, {}
local first = redis.call("HGET", KEYS[1], "h:" .. holdKey .. ":0")
if first then
  local v = split(first)
  if tonumber(v[6]) > now then
    if v[8] ~= tokenHash then return {"wrong-token"} end
    own = true
    clientTag = v[7]
    for i = 0, tonumber(v[11]) - 1 do
      local field = "h:" .. holdKey .. ":" .. i
      ownFields[#ownFields + 1] = field
      ownFields[#ownFields + 1] = redis.call("HGET", KEYS[1], field)
    end
  end
end

-- The slots' cells: from the hold if present, else from the offer's duration and buffers. With
-- neither (Redis lost both), no cells are known and MySQL alone decides.
local meta = redis.call("HGET", KEYS[2], "meta")
local slots = {}
for i = 1, n do
  local at = 9 + (i - 1) * 3
  local startMs = tonumber(ARGV[at])
  local slot = {startMs = startMs, offsetMin = ARGV[at + 1], id = ARGV[at + 2]}
  if own then
    local v = split(ownFields[2 * i] or first)
    slot.cellStart, slot.cellEnd, slot.endMin = tonumber(v[1]), tonumber(v[2]), v[4]
  elseif meta then
    local m = split(meta)
    local endMs = startMs + tonumber(m[1]) * 60000
    slot.cellStart = math.floor((startMs - tonumber(m[2]) * 60000) / CELL)
    slot.cellEnd = math.ceil((endMs + tonumber(m[3]) * 60000) / CELL)
    slot.endMin = fmt(endMs / 60000)
  end
  slots[i] = slot
end

local entries = redis.call("HGETALL", KEYS[1])
for k = 1, #entries, 2 do
  local field, v = entries[k], split(entries[k + 1])
  if tonumber(v[6]) <= now then
    redis.call("HDEL", KEYS[1], field)
  elseif string.sub(field, 1, 2) ~= "v:" and string.find(field, "h:" .. holdKey .. ":", 1, true) ~= 1 then
    for _, slot in ipairs(slots) do
      if slot.cellStart and tonumber(v[1]) < slot.cellEnd and slot.cellStart < tonumber(v[2]) then
        return {string.sub(field, 1, 1) == "b" and "booked" or "held", v[6], own and "1" or "0"}
      end
    end
  end
end

if bodyHash ~= "" then redis.call("SET", KEYS[3], bodyHash, "PX", leaseMs) end
for i = 1, #ownFields, 2 do redis.call("HDEL", KEYS[1], ownFields[i]) end
for i, slot in ipairs(slots) do
  if slot.cellStart then
    redis.call("HSET", KEYS[1], "b:" .. slot.id .. ":0", table.concat({fmt(slot.cellStart), fmt(slot.cellEnd),
      fmt(slot.startMs / 60000), slot.endMin, slot.offsetMin, fmt(now + bookedTtl), clientTag}, "|"))
  end
end
if redis.call("PTTL", KEYS[1]) < bookedTtl then redis.call("PEXPIRE", KEYS[1], bookedTtl) end
local reply = {"ok", own and "1" or "0"}
for _, item in ipairs(ownFields) do reply[#reply + 1] = item end
return reply
