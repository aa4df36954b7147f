-- failback_live: after an outage, copy a batch of one staff member's fallback live entries
-- (holds, viewing markers, recent bookings; exchange-format values, lib/live.lua) into Redis,
-- never overwriting a different live holder.
--
-- Fencing: nothing is written unless the sync lock still holds this sync's id, so a sync whose
-- lease ran out cannot apply on top of the sync that took over. (The lock is the one key outside
-- the staff member's slot: the sync runs against a single-shard Redis or Upstash.)
--
-- KEYS[1]  the sync lock      KEYS[2..5]  live hash, blockers, markers, expiry buckets
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
--@include lib/live.lua
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return {"lost-lock"} end
local now, g = tonumber(ARGV[2]), tonumber(ARGV[3])
local S = staffKeys(2)
ensure(S, now)
sweep(S, now)

local function conflicts(owner, entries)
  for _, e in ipairs(entries) do
    for _, other in ipairs(overlapping(S, S.blk, e.cs, e.ce, now)) do
      if string.find(other.field, owner .. ":", 1, true) ~= 1 then return true end
    end
  end
  return false
end

local synced, conflicted, present = 0, 0, 0
local at = 4
for _ = 1, g do
  local owner, f = ARGV[at], tonumber(ARGV[at + 1])
  local entries, same = {}, true
  for i = 0, f - 1 do
    local e = decodeV1(ARGV[at + 2 + 2 * i], ARGV[at + 3 + 2 * i])
    entries[#entries + 1] = e
    local current = get(S, e.field)
    same = same and current ~= nil and encode(current) == encode(e) and current.cs == e.cs
  end
  at = at + 2 + 2 * f
  local first = entries[1]
  local current = get(S, first.field)
  if first.exp <= now then
    -- expired on the way: nothing to keep
  elseif same or (current and current.exp >= first.exp) then
    present = present + 1
  elseif first.kind == "h" and conflicts(owner, entries) then
    conflicted = conflicted + 1
  else
    for _, e in ipairs(entries) do put(S, e, now) end
    publish(S, entries)
    synced = synced + 1
  end
end
return {"ok", synced, conflicted, present}
