-- extend_hold: push a hold's expiry to now + its TTL, never past its cap (created + cap).
-- Only the holder may: the token's hash must match, and the holders its signed claim names must
-- be the hold's, so the hold-limit places it takes are moved with it. Touches only the hold's own
-- entries and those places.
--
-- KEYS[1..4]  live hash, blockers, markers, expiry buckets of the staff member (lib/live.lua)
-- KEYS[5], KEYS[6]  the held slots of the hold's client and address (hold limits)
-- ARGV[1]  now (ms)   ARGV[2]  holdKey   ARGV[3]  tokenHash
-- ARGV[4]  the client tag of the holders the token names ("" = none)
--
-- Reply: {"ok", expiresAtMs, capped (0|1)} | {"not-found"}
--@include lib/live.lua
local now, holdKey, tokenHash, holder = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local S = staffKeys(1)

ensure(S, now)
local hold = holdOf(S, holdKey, now)
-- The line that keeps the hold limits whole: a caller naming no holders (or others) would move
-- the hold's expiry but not its places, which would then lapse under a hold that lives on.
if not hold or hold[1].tok ~= tokenHash or holder == "" or hold[1].tag ~= holder then
  return {"not-found"}
end

local first = hold[1]
local expiresAt = math.max(math.min(now + first.ttl * 1000, first.capAt), first.exp)
for _, e in ipairs(hold) do
  e.exp = expiresAt
  put(S, e, now)
end
heldSet({KEYS[5], KEYS[6]}, "1", S, hold, now)
publish(S, hold)
return {"ok", fmt(expiresAt), expiresAt >= first.capAt and "1" or "0"}
