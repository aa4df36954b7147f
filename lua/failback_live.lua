-- failback_live: after an outage, copy one staff member's fallback live entries (holds, viewing
-- markers, recent bookings; fields as in hold_slots.lua) into its Redis live hash, never
-- overwriting a different live holder.
--
-- Fencing: nothing is written unless the sync lock still holds this sync's id, so a sync whose
-- lease ran out cannot apply on top of the sync that took over.
--
-- KEYS[1]  the sync lock      KEYS[2]  live hash of the staff member
-- ARGV[1]  this sync's lock id   ARGV[2]  now (ms)   ARGV[3]  number of entries g
-- then per entry: owner ("h:<holdKey>" | "v:<clientTag>" | "b:<appointmentId>"), its field
-- count f, then f × (field, value)
--
-- An entry is copied whole or not at all. A hold that shares a cell with a live hold or booking
-- of someone else is a conflict and is not copied (the booking store decides between the two
-- holders). A booking is always copied: MySQL has already decided it. An entry Redis already has
-- with an expiry at least as late (as is, or extended or re-tokened in Redis since an earlier
-- copy) is "present" and left alone: a fallback copy never rolls Redis back.
--
-- Reply: {"ok", synced, conflicts, present} | {"lost-lock"}
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return {"lost-lock"} end
local live, now, g = KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3])

local function split(value)
  local out, from = {}, 1
  while true do
    local at = string.find(value, "|", from, true)
    if not at then out[#out + 1] = string.sub(value, from) return out end
    out[#out + 1] = string.sub(value, from, at - 1)
    from = at + 1
  end
end

local existing = nil -- the hash's live entries, read once and only when a hold needs checking
local function liveEntries()
  if existing then return existing end
  existing = {}
  local flat = redis.call("HGETALL", live)
  for k = 1, #flat, 2 do
    local v = split(flat[k + 1])
    if tonumber(v[6]) > now and string.sub(flat[k], 1, 2) ~= "v:" then
      existing[#existing + 1] = {field = flat[k], cellStart = tonumber(v[1]), cellEnd = tonumber(v[2])}
    end
  end
  return existing
end

local function conflicts(owner, values)
  for _, entry in ipairs(liveEntries()) do
    if string.find(entry.field, owner .. ":", 1, true) ~= 1 then
      for _, v in ipairs(values) do
        if entry.cellStart < tonumber(v[2]) and tonumber(v[1]) < entry.cellEnd then return true end
      end
    end
  end
  return false
end

local synced, conflicted, present, keepMs = 0, 0, 0, 0
local at = 4
for _ = 1, g do
  local owner, f = ARGV[at], tonumber(ARGV[at + 1])
  local fields, values, same = {}, {}, true
  for i = 0, f - 1 do
    local field, value = ARGV[at + 2 + 2 * i], ARGV[at + 3 + 2 * i]
    fields[#fields + 1] = field
    fields[#fields + 1] = value
    values[#values + 1] = split(value)
    same = same and redis.call("HGET", live, field) == value
  end
  at = at + 2 + 2 * f
  local kind = string.sub(owner, 1, 1)
  local expiresAt = tonumber(values[1][6])
  local copy = false
  if expiresAt <= now then
    copy = false -- expired on the way: nothing to keep
  elseif same then
    present = present + 1
  elseif (function()
      local current = redis.call("HGET", live, fields[1])
      return current and tonumber(split(current)[6]) >= expiresAt
    end)() then
    present = present + 1
  elseif kind == "h" and conflicts(owner, values) then
    conflicted = conflicted + 1
  else
    copy = true
  end
  if copy then
    redis.call("HSET", live, unpack(fields))
    synced = synced + 1
    -- The hash must outlive the entry: to its cap for a hold (it may be extended), else its expiry.
    local untilMs = kind == "h" and tonumber(values[1][9]) or expiresAt
    if untilMs - now > keepMs then keepMs = untilMs - now end
  end
end
if keepMs > 0 and redis.call("PTTL", live) < keepMs then redis.call("PEXPIRE", live, keepMs) end
return {"ok", synced, conflicted, present}
