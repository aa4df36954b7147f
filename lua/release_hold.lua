-- release_hold: delete exactly the entries of one hold, only for its holder, and remember the
-- release until the hold's cap, so that its token (a claim valid until the cap) books nothing.
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member (lib/live.lua)
-- KEYS[5]     the released-hold key of this hold
-- KEYS[6], KEYS[7]  the held slots of the hold's client and address (hold limits)
-- ARGV[1]  now (ms)   ARGV[2]  holdKey   ARGV[3]  tokenHash   ARGV[4]  "1" = count holders
--
-- Reply: {"ok", n} | {"not-found"}
--@include lib/live.lua
local now, holdKey, tokenHash = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local S = staffKeys(1)

ensure(S, now)
local hold = holdOf(S, holdKey, now)
if not hold or hold[1].tok ~= tokenHash then return {"not-found"} end
for _, e in ipairs(hold) do remove(S, e) end
heldDrop({KEYS[6], KEYS[7]}, ARGV[4], S, hold)
publish(S, nil, hold)
if hold[1].capAt > now then redis.call("SET", KEYS[5], "1", "PX", fmt(hold[1].capAt - now)) end
return {"ok", tostring(#hold)}
