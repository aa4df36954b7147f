-- failback_live: after an outage, copy a batch of one staff member's fallback live entries
-- (holds, viewing markers, recent bookings; exchange-format values, lib/live.lua) into Redis,
-- never overwriting a different live holder.
--
-- Fencing: nothing is written unless the sync lock still holds this sync's id, so a sync whose
-- lease ran out cannot apply on top of the sync that took over. (The lock is the one key outside
-- the staff member's slot: the sync runs against a single-shard Redis or Upstash.)
--
-- KEYS[1]  the sync lock      KEYS[2..5]  live hash, blockers, markers, expiry buckets
-- KEYS[6]     the funnel's counters of the UTC day of now (lib/live.lua, tally; optional)
-- ARGV[1]  this sync's lock id   ARGV[2]  now (ms)   ARGV[3]  number of entries g
-- then per entry: owner ("h:<holdKey>" | "v:<clientTag>" | "b:<appointmentId>"), its field
-- count f, then f × (field, value)
--
-- An entry is copied whole or not at all. A hold that shares a cell with a live hold or booking
-- of someone else is a conflict and is not copied. When it met a hold, its owner is named in the
-- reply and the sync leaves it in the fallback store for a later sync (the booking store decides
-- between the two holders, and it has decided for the fallback hold: a Redis hold meeting its
-- cells is refused and taken back, or stood on Redis alone while MySQL was out of reach). When
-- it met only bookings, the time is booked (by its own holder through Redis, typically) and it
-- goes as before. A booking is
-- always copied: MySQL has already decided it. An entry Redis already has with an expiry at
-- least as late (as is, or extended or re-tokened in Redis since an earlier copy) is "present"
-- and left alone: a fallback copy never rolls Redis back.
--
-- Reply: {"ok", synced, conflicts, present, <owner of each hold that met a hold>...}
--        | {"lost-lock"}
--@include lib/live.lua
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return {"lost-lock"} end
local now, g = tonumber(ARGV[2]), tonumber(ARGV[3])
local S = staffKeys(2)
S.stats = KEYS[6]
ensure(S, now)
sweep(S, now)

-- The batch, decoded, and what Redis has under its fields, in one read.
local groups, fields = {}, {}
local at = 4
for _ = 1, g do
  local owner, f = ARGV[at], tonumber(ARGV[at + 1])
  local entries = {}
  for i = 0, f - 1 do
    entries[#entries + 1] = decodeV1(ARGV[at + 2 + 2 * i], ARGV[at + 3 + 2 * i])
    fields[#fields + 1] = ARGV[at + 2 + 2 * i]
  end
  groups[#groups + 1] = {owner = owner, entries = entries}
  at = at + 2 + 2 * f
end
local current = hmget(S, fields)

-- Cells of the holds and bookings this call copies (they are written together at the end), so a
-- later entry of the batch sees them as a live hold in Redis would be seen.
local claimed = {}

-- What a hold meets of someone else's: "hold" (any hold shares a cell), else "booking" (only
-- bookings do), else nil.
local function conflicts(owner, entries)
  local met = nil
  for _, e in ipairs(entries) do
    for cell = e.cs, e.ce - 1 do
      local other = claimed[cell]
      if other and other ~= owner then
        if string.sub(other, 1, 2) ~= "b:" then return "hold" end
        met = "booking"
      end
    end
    for _, other in ipairs(overlapping(S, S.blk, e.cs, e.ce, now)) do
      if string.find(other.field, owner .. ":", 1, true) ~= 1 then
        if string.sub(other.field, 1, 1) ~= "b" then return "hold" end
        met = "booking"
      end
    end
  end
  return met
end

local synced, conflicted, present = 0, 0, 0
local copies, k, conflictOwners = {}, 0, {}
for _, group in ipairs(groups) do
  local first, same, firstNow = group.entries[1], true, nil
  for i, e in ipairs(group.entries) do
    k = k + 1
    local value = current[k]
    -- Redis has this field: as it is now, with its start cell from the index.
    local cs = value and redis.call("ZSCORE", indexOf(S, e.kind), e.field)
    local now_ = cs and decode(e.field, value, tonumber(cs))
    if i == 1 then firstNow = now_ end
    same = same and now_ and value == encode(e) and now_.cs == e.cs
  end
  local met = first.kind == "h" and first.exp > now and conflicts(group.owner, group.entries)
  if first.exp <= now then
    -- expired on the way: nothing to keep
  elseif same or (firstNow and firstNow.exp >= first.exp) then
    present = present + 1
  elseif met then
    conflicted = conflicted + 1
    if met == "hold" then conflictOwners[#conflictOwners + 1] = group.owner end
  else
    for _, e in ipairs(group.entries) do
      copies[#copies + 1] = e
      if e.kind ~= "v" then
        for cell = e.cs, e.ce - 1 do claimed[cell] = group.owner end
      end
    end
    synced = synced + 1
  end
end
putAll(S, copies, now)
publish(S, copies)
local reply = {"ok", synced, conflicted, present}
for _, owner in ipairs(conflictOwners) do reply[#reply + 1] = owner end
return reply
