-- failback_held: after an outage, count the holds the failback sync copied into Redis against
-- their holders' hold limits, as lua/hold_slots.lua counts a hold it makes (lib/live.lua: one
-- member per held slot in each holder's sorted set, scored by the slot's expiry). Without this,
-- a client that held its limit on the fallback could hold as much again once Redis is back.
--
-- A held slot counts only while its entry is live in Redis, and with the expiry Redis has for it
-- (extended there since the copy, or never copied because it lost its cells to a Redis holder:
-- not counted). ZADD of the same member, so a repeat changes nothing.
--
-- Fencing: nothing is written unless the sync lock still holds this sync's id. (The counters
-- are outside the staff member's slot, as for hold_slots: single-shard Redis or Upstash.)
--
-- KEYS[1]  the sync lock      KEYS[2..5]  live hash, blockers, markers, expiry buckets
-- KEYS[6…]  one holder's counter per held slot (a client's or an address's)
-- ARGV[1]  this sync's lock id   ARGV[2]  now (ms), then per KEYS[6…]: holdKey, slot index
--
-- Reply: the number of held slots counted | -1 when the lock is no longer this sync's
--@include lib/live.lua
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
local now = tonumber(ARGV[2])
local S = staffKeys(2)
ensure(S, now)
local counted = 0
for k = 6, #KEYS do
  local holdKey, i = ARGV[3 + 2 * (k - 6)], ARGV[4 + 2 * (k - 6)]
  local e = get(S, "h:" .. holdKey .. ":" .. i)
  if e and e.exp > now then
    redis.call("ZADD", KEYS[k], e.exp, holderMember(S, holdKey, i))
    keepFor(KEYS[k], lifeEnd(e) - now)
    counted = counted + 1
  end
end
return counted
