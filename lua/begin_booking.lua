-- begin_booking: everything Redis does for a booking, in one round trip before the SQL
-- transaction. Claims the Idempotency-Key (or reports it seen / used with another body), checks
-- that nobody else holds or has just booked the slots, then turns the caller's hold into
-- "booked" entries (kept for the offer TTL, so holds checked against older offers are refused).
-- If the SQL transaction then fails, abort_booking.lua puts everything back.
--
-- KEYS[1]  live hash of the staff member      KEYS[2]  idempotency key (unused when ARGV[5] = "")
-- ARGV[1]  now (ms)   ARGV[2]  holdKey   ARGV[3]  tokenHash
-- ARGV[4]  client tag for the booked entries when the hold is gone (the hold's own tag otherwise)
-- ARGV[5]  bodyHash ("" = no idempotency)   ARGV[6]  idempotency lease (ms)   ARGV[7]  booked TTL (ms)
-- ARGV[8]  n, then per slot: startMs, endMs, cellStart, cellEnd, offsetMin, appointmentId
--          (the cells come from the signed hold token, so they are known even when the hold is gone)
--
-- Reply: {"ok", ownHold (1|0), field1, value1, …}   the caller's hold fields, removed (to restore)
--      | {"idempotency-seen"} | {"idempotency-conflict"} | {"wrong-token"}
--      | {"held", untilMs, ownHold} | {"booked", untilMs, ownHold}
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
  local seen = redis.call("GET", KEYS[2])
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

local slots = {}
for i = 1, n do
  local at = 9 + (i - 1) * 6
  slots[i] = {
    startMs = tonumber(ARGV[at]), endMs = tonumber(ARGV[at + 1]),
    cellStart = tonumber(ARGV[at + 2]), cellEnd = tonumber(ARGV[at + 3]),
    offsetMin = ARGV[at + 4], id = ARGV[at + 5],
  }
end

local entries = redis.call("HGETALL", KEYS[1])
for k = 1, #entries, 2 do
  local field, v = entries[k], split(entries[k + 1])
  if tonumber(v[6]) <= now then
    redis.call("HDEL", KEYS[1], field)
  elseif string.sub(field, 1, 2) ~= "v:" and string.find(field, "h:" .. holdKey .. ":", 1, true) ~= 1 then
    for _, slot in ipairs(slots) do
      if tonumber(v[1]) < slot.cellEnd and slot.cellStart < tonumber(v[2]) then
        return {string.sub(field, 1, 1) == "b" and "booked" or "held", v[6], own and "1" or "0"}
      end
    end
  end
end

if bodyHash ~= "" then redis.call("SET", KEYS[2], bodyHash, "PX", leaseMs) end
for i = 1, #ownFields, 2 do redis.call("HDEL", KEYS[1], ownFields[i]) end
for _, slot in ipairs(slots) do
  redis.call("HSET", KEYS[1], "b:" .. slot.id .. ":0", table.concat({fmt(slot.cellStart), fmt(slot.cellEnd),
    fmt(slot.startMs / 60000), fmt(slot.endMs / 60000), slot.offsetMin, fmt(now + bookedTtl), clientTag}, "|"))
end
if redis.call("PTTL", KEYS[1]) < bookedTtl then redis.call("PEXPIRE", KEYS[1], bookedTtl) end
local reply = {"ok", own and "1" or "0"}
for _, item in ipairs(ownFields) do reply[#reply + 1] = item end
return reply
