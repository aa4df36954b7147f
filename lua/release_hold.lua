-- release_hold: delete exactly the entries of one hold, only for its holder, and remember the
-- release until the hold's cap, so that its token (a claim valid until the cap) books nothing
-- and its Idempotency-Key (a keyed hold's key names the same hold again) holds nothing.
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member (lib/live.lua)
-- KEYS[5]     the released-hold key of this hold
-- KEYS[6], KEYS[7]  the held slots of the hold's client and address (hold limits)
-- KEYS[8]     the funnel's counters of the UTC day of now (lib/live.lua, tally; optional)
-- ARGV[1]  now (ms)   ARGV[2]  holdKey   ARGV[3]  tokenHash
-- ARGV[4]  the client tag of the holders the token names ("" = none)
-- ARGV[5]  "1": a retraction, not a release: the hold was never answered to its holder (the
--          booking store refused it), so nothing is remembered and a keyed retry may hold again
--
-- Reply: {"ok", n} | {"not-found"}
--@include lib/live.lua
local now, holdKey, tokenHash, holder = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local S = staffKeys(1)
S.stats = KEYS[8]

ensure(S, now)
local hold = holdOf(S, holdKey, now)
-- As in extend_hold: only the holders the hold was made for, whose places are freed with it.
if not hold or hold[1].tok ~= tokenHash or holder == "" or hold[1].tag ~= holder then
  return {"not-found"}
end
for _, e in ipairs(hold) do remove(S, e) end
heldDrop({KEYS[6], KEYS[7]}, "1", S, hold)
publish(S, nil, hold)
-- A retraction takes back a hold nobody was told about: it was never created, for the funnel.
tally(S, ARGV[5] == "1" and "holdsCreated" or "holdsReleased", ARGV[5] == "1" and -1 or 1)
if ARGV[5] ~= "1" and hold[1].capAt > now then redis.call("SET", KEYS[5], "1", "PX", fmt(hold[1].capAt - now)) end
return {"ok", tostring(#hold)}
