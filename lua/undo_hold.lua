-- undo_hold: take back a hold whose request was answered with an error (its reply came too late,
-- or never), so that a hold nobody was told about does not block the slot until it expires.
--
-- Removes the hold only while it is still the very hold that request made: the same hold key and
-- token hash (a key-less request's hold key is its own, random), and, for a hold requested with an
-- Idempotency-Key (whose retries name the same hold and get its token), only while the creator
-- record still names this attempt: hold_slots deletes the record when it hands the hold to a
-- retry, and a hold a caller was told about is never undone. It also leaves a tombstone for the
-- attempt, so that its hold call, should it reach Redis only after this undo, holds nothing.
-- Idempotent: a second undo of the same attempt answers "gone".
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member (lib/live.lua)
-- KEYS[5], KEYS[6]  the held slots of the request's client and address (hold limits)
-- KEYS[7]     the tombstone of this attempt        KEYS[8]  the creator record of holdKey
-- KEYS[9]     the funnel's counters of the UTC day of now (lib/live.lua, tally; optional)
-- ARGV[1]  now (ms)   ARGV[2]  holdKey   ARGV[3]  tokenHash   ARGV[4]  attempt id
-- ARGV[5]  "1" when the request carried an Idempotency-Key   ARGV[6]  "1" when it was counted
-- ARGV[7]  how long the tombstone lasts (ms)
--
-- Reply: {"undone", n} | {"kept"} (a retry was handed the hold) | {"gone"} (nothing of it here)
--@include lib/live.lua
local now, holdKey, tokenHash, attempt = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local keyed, counting, tombstoneMs = ARGV[5], ARGV[6], ARGV[7]
local S = staffKeys(1)
S.stats = KEYS[9]

redis.call("SET", KEYS[7], "1", "PX", tombstoneMs)
ensure(S, now)
local hold = holdOf(S, holdKey, now)
if not hold or hold[1].tok ~= tokenHash then return {"gone"} end
if keyed == "1" and redis.call("GET", KEYS[8]) ~= attempt then return {"kept"} end
for _, e in ipairs(hold) do remove(S, e) end
heldDrop({KEYS[5], KEYS[6]}, counting, S, hold)
redis.call("DEL", KEYS[8])
publish(S, nil, hold)
tally(S, "holdsCreated", -1) -- nobody was told about it (release_hold: a retraction)
return {"undone", tostring(#hold)}
