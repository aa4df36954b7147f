-- hold_slots: claim one or several slots of one staff member, all or nothing.
--
-- Each held slot is one entry "h:<holdKey>:<i>" (layout and value in lib/live.lua). A slot
-- occupies the 5-minute UTC cells [cellStart, cellEnd) of its time with buffers, so two slots
-- conflict exactly when they share a cell. Markers never block; bookings and other clients'
-- holds do. Only the blockers that can overlap a requested slot are read.
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member
-- KEYS[5]     offer hash of (service, staff member): "meta" and one field per local date
-- KEYS[6], KEYS[7]  the held slots of the client and of its address (hold limits; lib/live.lua)
-- KEYS[8]     the released-hold key of holdKey (release_hold.lua)
-- KEYS[9]     the tombstone of this request's attempt (undo_hold.lua)
-- KEYS[10]    the creator record of holdKey (undo_hold.lua)
-- KEYS[11]    the funnel's counters of the UTC day of now (lib/live.lua, tally; optional)
-- ARGV[1]  now (ms)            ARGV[2]  holdKey (random)     ARGV[3]  tokenHash
-- ARGV[4]  clientTag           ARGV[5]  n (number of slots)
-- ARGV[6]  hash of the hold token the request presented ("" = none)
-- ARGV[7]  "1" to count and enforce the hold limits, "0" not to
-- then per slot: startMs and three candidate local dates (its UTC date ±1: the staff member's
-- date of the slot is one of them, whatever offset the caller wrote it in)
-- then: the appointment being rescheduled ("" = none): its own booked entry does not block
-- then: the request's attempt id ("" = none), and "1" when it carries an Idempotency-Key
--
-- Reply: {"ok", holdKey, expiresAtMs, capAtMs, then per requested slot: endMs, cellStart, cellEnd,
--        offsetMin, endOffsetMin}   (the staff member's UTC offsets at its start and its end, from
--        the offer; the held entries carry the one at the start)
--      | {"existing", holdKey, expiresAtMs, capAtMs, …the same per slot…}   (the request
--        presented this hold's token and asks for exactly its slots: the same hold, unchanged)
--      | {"held", untilMs[, "mine"]} | {"booked", untilMs}   ("mine": only a hold of this very
--        client, presented without its token, is in the way)
--      | {"limit", "client"|"ip", untilMs}   (the holder has its limit of live held slots; untilMs:
--        the earliest of them to end)
--      | {"unavailable", index, reason} | {"overlap", i, j}
--      | {"released"}   (holdKey names a hold its holder released: a keyed hold's key is spent)
--      | {"undone"}     (this attempt was undone before its call got here: it holds nothing)
--@include lib/live.lua
local now = tonumber(ARGV[1])
local holdKey, tokenHash, clientTag = ARGV[2], ARGV[3], ARGV[4]
local n, presented, counting = tonumber(ARGV[5]), ARGV[6], ARGV[7]
local ignoredBooking = "b:" .. (ARGV[8 + 4 * n] or "") .. ":0" -- "b::0" names no entry
local attempt, keyed = ARGV[9 + 4 * n] or "", ARGV[10 + 4 * n]
local S = staffKeys(1)
S.stats = KEYS[11]

-- The request was answered with an error and its hold undone before this call arrived (it was
-- held up on the way): granting it now would make the very hold nobody was told about.
if attempt ~= "" and redis.call("EXISTS", KEYS[9]) == 1 then return {"undone"} end

-- A hold key comes back only from an Idempotency-Key (random keys are never repeated). Granted
-- again after its release, the hold could never be booked (begin_booking refuses a released
-- hold's token) while it kept the slot from everyone else: it answers first, whatever the slot.
if redis.call("EXISTS", KEYS[8]) == 1 then return {"released"} end

local dates = {}
for i = 1, n do
  local at = 8 + (i - 1) * 4
  for k = 1, 3 do dates[#dates + 1] = ARGV[at + k] end
end
local meta = offerOf(KEYS[5], dates)
if not meta then return {"unavailable", "0", "not-offered"} end

local slots = {}
for i = 1, n do
  local at = 8 + (i - 1) * 4
  local startMs = tonumber(ARGV[at])
  if startMs < now + meta.noticeMs then return {"unavailable", tostring(i - 1), "notice"} end
  local offsets = offered(meta, startMs, {ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]}, now)
  if not offsets then return {"unavailable", tostring(i - 1), "not-offered"} end
  local slot = {
    startMs = startMs, endMs = startMs + meta.durationMs,
    offsetMin = offsetAt(offsets, startMs), endOffsetMin = offsetAt(offsets, startMs + meta.durationMs),
    cs = math.floor((startMs - meta.beforeMs) / CELL), ce = math.ceil((startMs + meta.durationMs + meta.afterMs) / CELL),
  }
  for j, other in ipairs(slots) do
    if slot.cs < other.ce and other.cs < slot.ce then return {"overlap", tostring(j - 1), tostring(i - 1)} end
  end
  slots[i] = slot
end

-- Conflicts. The hold whose token the request presents, asked for with exactly its slots, is
-- returned, not refused: the holder retrying. A clientId proves nothing (it travels in requests).
ensure(S, now)
sweep(S, now)
local sameHold, blockedUntil, blockedKind = nil, 0, nil
-- ownKey: the one hold of this client (by its tag) that blocks, while no other blocker does;
-- false once anything else blocks. Its holder repeating without its token is told to send it.
local ownKey = nil
local mine = {}
for _, slot in ipairs(slots) do
  for _, e in ipairs(overlapping(S, S.blk, slot.cs, slot.ce, now)) do
    local key = e.kind == "h" and string.match(e.field, "^h:([^:]+):") or nil
    if key and presented ~= "" and e.tok == presented and (sameHold == nil or sameHold == key) then
      sameHold = key
      mine[fmt(e.startMin) .. "|" .. fmt(e.cs) .. "|" .. fmt(e.ce)] = e
      if e.exp > blockedUntil then blockedUntil = e.exp end -- counted if another blocker is met
    elseif e.field == ignoredBooking then -- the appointment being moved: not a blocker
    elseif e.kind == "b" then
      blockedKind = "booked" -- a booking outranks any hold in the answer
      ownKey = false
    else
      if blockedKind ~= "booked" then blockedKind = "held" end
      if e.exp > blockedUntil then blockedUntil = e.exp end
      if e.tag == clientTag and key and (ownKey == nil or ownKey == key) then ownKey = key else ownKey = false end
    end
  end
end
if blockedKind == "held" and ownKey and presented == "" then return {"held", fmt(blockedUntil), "mine"} end
if blockedKind then return {blockedKind, fmt(blockedUntil)} end

if sameHold then
  -- Exactly the same slots with the same cells (another service or duration at the same start
  -- is a new hold, refused here like any other while this one covers it).
  local hold = holdOf(S, sameHold, now)
  local same = hold ~= nil and #hold == n
  local reply = {"existing", sameHold, hold and fmt(hold[1].exp) or "0", hold and fmt(hold[1].capAt) or "0"}
  for _, slot in ipairs(slots) do
    -- In the order of this request, which may differ from the order the hold was made in.
    local e = mine[fmt(slot.startMs / 60000) .. "|" .. fmt(slot.cs) .. "|" .. fmt(slot.ce)]
    same = same and e ~= nil
    if e then
      reply[#reply + 1] = fmt(e.endMin * 60000)
      reply[#reply + 1] = fmt(e.cs)
      reply[#reply + 1] = fmt(e.ce)
      reply[#reply + 1] = fmt(slot.offsetMin)
      reply[#reply + 1] = fmt(slot.endOffsetMin)
    end
  end
  if not same then return {"held", hold and fmt(hold[1].exp) or "0"} end
  -- Handed to a retry with the same Idempotency-Key (the same hold key): no undo of the attempt
  -- that made it may take it back any more.
  if sameHold == holdKey then redis.call("DEL", KEYS[10]) end
  return reply
end

-- Hold limits: a client, and an address, hold at most so many live slots at once; a series
-- counts as one, and a client holds at most one series at a time.
if counting == "1" then
  local series = isSeries(holdKey)
  for _, limit in ipairs({{KEYS[6], meta.maxPerClient, "client"}, {KEYS[7], meta.maxPerIp, "ip"}}) do
    redis.call("ZREMRANGEBYSCORE", limit[1], "-inf", now)
    if redis.call("ZCARD", limit[1]) + (series and 1 or n) > limit[2] then
      local first = redis.call("ZRANGE", limit[1], 0, 0, "WITHSCORES")
      return {"limit", limit[3], first[2] or fmt(now + meta.ttlMs)}
    end
  end
  if series then
    -- The client's set holds at most its limit of members (a handful): read whole.
    local held = redis.call("ZRANGE", KEYS[6], 0, -1, "WITHSCORES")
    for i = 1, #held, 2 do
      if string.match(held[i], "|s[^|]*|%d+$") then return {"limit", "series", held[i + 1]} end
    end
  end
end

local expiresAt = now + meta.ttlMs
local reply = {"ok", holdKey, fmt(expiresAt), fmt(now + meta.capMs)}
local hold = {}
for i, slot in ipairs(slots) do
  hold[i] = {field = "h:" .. holdKey .. ":" .. (i - 1), kind = "h", cs = slot.cs, ce = slot.ce,
    startMin = slot.startMs / 60000, endMin = slot.endMs / 60000, off = fmt(slot.offsetMin), exp = expiresAt,
    tag = clientTag, tok = tokenHash, capAt = now + meta.capMs, ttl = meta.ttlMs / 1000, n = n}
  put(S, hold[i], now)
  reply[#reply + 1] = fmt(slot.endMs)
  reply[#reply + 1] = fmt(slot.cs)
  reply[#reply + 1] = fmt(slot.ce)
  reply[#reply + 1] = fmt(slot.offsetMin)
  reply[#reply + 1] = fmt(slot.endOffsetMin)
end
-- The entries just written (not read back): the hold limits count each slot.
heldSet({KEYS[6], KEYS[7]}, counting, S, hold, now)
-- A keyed hold can be handed to a retry: the record says which attempt made it (undo_hold.lua).
if attempt ~= "" and keyed == "1" then redis.call("SET", KEYS[10], attempt, "PX", fmt(meta.capMs)) end
publish(S, hold)
tally(S, "holdsCreated", 1)
return reply
