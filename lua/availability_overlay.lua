-- availability_overlay: publish what availability offered (so that select and hold can check a
-- slot without SQL) and read the live state of every staff member involved, in one round trip.
--
-- Offer hash per (service, staff member): field "meta" =
--   durationMin|bufferBeforeMin|bufferAfterMin|holdTtlS|viewingTtlS|capS|noticeMin
-- and one field per local date = "<publishedMs>|<baseMs>|<hex bitmap>", bit i set when a slot starting at
-- baseMs + i × 5 min is offered (available, not booked) on that date.
--
-- KEYS[1]  live hash of staff member 1    KEYS[2]  offer hash of (service, staff member 1)
-- and so on in pairs: KEYS[2i-1] live hash, KEYS[2i] offer hash of staff member i (i = 1 … n)
-- ARGV[1]  now (ms)   ARGV[2]  offer TTL (ms)   ARGV[3]  meta   ARGV[4]  clientTag ("" = none)
-- then per staff member: the number of dates d, then d × (date, baseMs, bitmap)
--
-- Reply: flat rows of 6: staff index (0-based), kind ("h"|"v"|"b"), mine ("1"|"0"),
--        cellStart, cellEnd, expiresAtMs
local now, offerTtl, meta, clientTag = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]

local function split(value)
  local out, from = {}, 1
  while true do
    local at = string.find(value, "|", from, true)
    if not at then out[#out + 1] = string.sub(value, from) return out end
    out[#out + 1] = string.sub(value, from, at - 1)
    from = at + 1
  end
end

local rows, at = {}, 5
for s = 1, #KEYS / 2 do
  local live, offer = KEYS[2 * s - 1], KEYS[2 * s]
  local d = tonumber(ARGV[at])
  local fields = {"meta", meta}
  for i = 0, d - 1 do
    fields[#fields + 1] = ARGV[at + 1 + 3 * i]
    -- Each date carries its publish time: a date not republished within the offer TTL is stale
    -- even while the hash lives on because other dates were read.
    fields[#fields + 1] = ARGV[1] .. "|" .. ARGV[at + 2 + 3 * i] .. "|" .. ARGV[at + 3 + 3 * i]
  end
  redis.call("HSET", offer, unpack(fields))
  redis.call("PEXPIRE", offer, offerTtl)
  at = at + 1 + 3 * d

  local entries = redis.call("HGETALL", live)
  for k = 1, #entries, 2 do
    local field, v = entries[k], split(entries[k + 1])
    if tonumber(v[6]) <= now then
      redis.call("HDEL", live, field)
    else
      rows[#rows + 1] = tostring(s - 1)
      rows[#rows + 1] = string.sub(field, 1, 1)
      rows[#rows + 1] = (clientTag ~= "" and v[7] == clientTag) and "1" or "0"
      rows[#rows + 1] = v[1]
      rows[#rows + 1] = v[2]
      rows[#rows + 1] = v[6]
    end
  end
end
return rows
