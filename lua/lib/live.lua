-- lib/live.lua: the live-state layout, shared by every live script. scripts/codegen-lua.ts puts
-- this file in place of the line "--@include lib/live.lua" of a script (so the scripts that use it
-- run under redis-cli --eval as `npm run codegen -- --print NAME` prints them).
--
-- Contract: a script that includes this file passes a staff member's four keys in order,
-- KEYS[1..4] (or KEYS[at..at+3], see staffKeys), and ARGV[1] = now (ms); replies are its own.
--
-- A staff member's live state is four keys in one Cluster slot (src/storage/redis/keys.ts):
--   live  hash     field -> value (below); field "~" = the head (span, keys' expiry, offsets; see
--                  loadHead), whose presence says the hash is in this layout
--   blk   zset     holds ("h:<holdKey>:<i>") and recent bookings ("b:<appointmentId>:0") by start cell
--   mrk   zset     viewing markers ("v:<clientTag>") by start cell
--   exp   zset     expiry buckets: member = one UTC day of start cells, score = the latest expiry of
--                  any entry ever put in that day (ZADD GT), so a bucket whose score has passed holds
--                  only expired entries and is swept whole, without a scan
-- Two entries conflict when they share a 5-minute cell, so an entry overlapping [cs, ce) starts in
-- [cs - span, ce): that range of blk (or mrk) is all a script reads, whatever else the staff
-- member has.
--
-- Values in Redis leave out what the indexes hold (the start cell is the zset score):
--   hold     cellSpan|startOff|durationMin|offsetMin|expiresAtMs|clientTag|tokenHash|capLeftMs|ttlS|n
--   marker   cellSpan|startOff|durationMin|offsetMin|expiresAtMs|clientTag|ttlS
--   booked   cellSpan|startOff|durationMin|offsetMin|expiresAtMs|clientTag
-- (startOff = startMin - 5 * cellStart; capLeftMs = capAtMs - expiresAtMs), about 70 bytes for a
-- hold. The exchange format ("v1": the MySQL fallback's rows, the failback sync's copies, a booking's
-- restore list) is self-contained:
--   cellStart|cellEnd|startMin|endMin|offsetMin|expiresAtMs|clientTag[|tokenHash|capAtMs|ttlS|n | |ttlS]
local CELL, BUCKET_CELLS, SWEEP_MAX = 300000, 288, 200

local function split(value)
  local out, from = {}, 1
  while true do
    local at = string.find(value, "|", from, true)
    if not at then out[#out + 1] = string.sub(value, from) return out end
    out[#out + 1] = string.sub(value, from, at - 1)
    from = at + 1
  end
end
local function fmt(x) return string.format("%.0f", x) end

-- The four keys of a staff member, from KEYS[at].
local function staffKeys(at)
  return {live = KEYS[at], blk = KEYS[at + 1], mrk = KEYS[at + 2], exp = KEYS[at + 3]}
end

local function indexOf(S, kind) if kind == "v" then return S.mrk end return S.blk end

-- An entry: field, kind ("h"|"v"|"b"), cs, ce, startMin, endMin, off, exp, tag, and for holds tok,
-- capAt, ttl, n; for markers ttl.
local function decode(field, value, cs)
  -- One pattern match, not a split: string work is most of what these scripts cost.
  local span, startOff, duration, off, exp, tag, rest =
    string.match(value, "^(%d+)|(%d+)|(%d+)|([^|]*)|(%d+)|([^|]*)|?(.*)$")
  local kind = string.sub(field, 1, 1)
  local startMin = cs * 5 + tonumber(startOff)
  local e = {field = field, kind = kind, cs = cs, ce = cs + tonumber(span), startMin = startMin,
    endMin = startMin + tonumber(duration), off = off, exp = tonumber(exp), tag = tag}
  if kind == "h" then
    local tok, capLeft, ttl, n = string.match(rest, "^([^|]*)|(%d+)|(%d+)|(%d+)$")
    e.tok, e.capAt, e.ttl, e.n = tok, e.exp + tonumber(capLeft), tonumber(ttl), tonumber(n)
  elseif kind == "v" then
    e.ttl = tonumber(rest)
  end
  return e
end

local function encode(e)
  local parts = {fmt(e.ce - e.cs), fmt(e.startMin - e.cs * 5), fmt(e.endMin - e.startMin), e.off, fmt(e.exp), e.tag}
  if e.kind == "h" then
    parts[7], parts[8], parts[9], parts[10] = e.tok, fmt(e.capAt - e.exp), fmt(e.ttl), fmt(e.n)
  elseif e.kind == "v" then
    parts[7] = fmt(e.ttl)
  end
  return table.concat(parts, "|")
end

local function decodeV1(field, value)
  local cs, ce, startMin, endMin, off, exp, tag, rest =
    string.match(value, "^(%d+)|(%d+)|(%d+)|(%d+)|([^|]*)|(%d+)|([^|]*)|?(.*)$")
  local kind = string.sub(field, 1, 1)
  local e = {field = field, kind = kind, cs = tonumber(cs), ce = tonumber(ce), startMin = tonumber(startMin),
    endMin = tonumber(endMin), off = off, exp = tonumber(exp), tag = tag}
  if kind == "h" then
    local tok, capAt, ttl, n = string.match(rest, "^([^|]*)|(%d+)|(%d+)|(%d+)$")
    e.tok, e.capAt, e.ttl, e.n = tok, tonumber(capAt), tonumber(ttl), tonumber(n)
  elseif kind == "v" then
    e.ttl = tonumber(rest)
  end
  return e
end

local function encodeV1(e)
  local parts = {fmt(e.cs), fmt(e.ce), fmt(e.startMin), fmt(e.endMin), e.off, fmt(e.exp), e.tag}
  if e.kind == "h" then
    parts[8], parts[9], parts[10], parts[11] = e.tok, fmt(e.capAt), fmt(e.ttl), fmt(e.n)
  elseif e.kind == "v" then
    parts[8] = fmt(e.ttl)
  end
  return table.concat(parts, "|")
end

-- Every key lives at least `ms` longer: abandoned keys vanish by their TTL. (The hold-limit
-- counters; a staff member's own keys share one expiry, see put.)
local function keepFor(key, ms)
  if redis.call("PTTL", key) < ms then redis.call("PEXPIRE", key, ms) end -- -1 (no TTL) too
end

-- When the keys may vanish after an entry: a hold may be extended to its cap.
local function lifeEnd(e)
  if e.kind == "h" then return math.max(e.capAt, e.exp) end
  return e.exp
end

-- The head field "~" = span|keysExpireAtMs|lowestOffsetMin|highestOffsetMin:
--   span     the longest span (cells) of any entry (what an overlap query looks back)
--   expire   when the staff member's four keys expire (PEXPIREAT): at least the lifeEnd of every
--            entry, plus slack, so most writes leave the TTLs alone
--   offsets  the lowest and highest UTC offset of any entry, so that a local date's entries are
--            read from that date's UTC range only (heartbeat)
-- A head written before the expiry and offsets existed has the span only ("12"): they are then
-- unknown (0 and nil), so the next put sets the expiry and the offsets.
local EXPIRE_SLACK = 600000

local function loadHead(S, value)
  local parts = split(value)
  S.span, S.expireAt = tonumber(parts[1]), tonumber(parts[2] or "0")
  S.offLo, S.offHi = tonumber(parts[3] or ""), tonumber(parts[4] or "")
end

local function saveHead(S)
  redis.call("HSET", S.live, "~", fmt(S.span) .. "|" .. fmt(S.expireAt) .. "|" .. (S.offLo and fmt(S.offLo) or "")
    .. "|" .. (S.offHi and fmt(S.offHi) or ""))
end

-- A key that a write just created (a new member in a set that did not exist) has no TTL yet.
local function expireNew(key, at)
  if redis.call("PTTL", key) == -1 then redis.call("PEXPIREAT", key, at) end
end

-- After writing `entries`: raises the head (span, offsets) and, when an entry outlives the keys'
-- expiry, that expiry for all four keys; otherwise gives an expiry to the keys the writes
-- created (`created`: key -> true when a write added a member to it).
local function settle(S, entries, created)
  local changed, lastLife = false, 0
  for _, e in ipairs(entries) do
    local off = tonumber(e.off)
    if e.ce - e.cs > S.span then S.span, changed = e.ce - e.cs, true end
    if S.offLo == nil or off < S.offLo then S.offLo, changed = off, true end
    if S.offHi == nil or off > S.offHi then S.offHi, changed = off, true end
    if lifeEnd(e) > lastLife then lastLife = lifeEnd(e) end
  end
  if lastLife > S.expireAt then
    S.expireAt, changed = lastLife + EXPIRE_SLACK, true
    -- A key that does not exist yet gets its expiry when a write creates it (expireNew).
    for _, key in ipairs({S.live, S.blk, S.mrk, S.exp}) do redis.call("PEXPIREAT", key, S.expireAt) end
  else
    for key in pairs(created) do expireNew(key, S.expireAt) end
  end
  if changed then saveHead(S) end
end

-- Writes an entry and its index entries, raises the bucket's expiry, then settles (ensure must
-- have run).
local function put(S, e, now)
  local index = indexOf(S, e.kind)
  redis.call("HSET", S.live, e.field, encode(e))
  local created = {}
  if redis.call("ZADD", index, e.cs, e.field) == 1 then created[index] = true end
  if redis.call("ZADD", S.exp, "GT", e.exp, math.floor(e.cs / BUCKET_CELLS)) == 1 then created[S.exp] = true end -- GT still adds
  settle(S, {e}, created)
end

-- Writes many entries (with distinct fields) as put does, in a few calls: one HSET, one ZADD per
-- index and one for their buckets, per 500 entries.
local function putAll(S, entries, now)
  local values, starts, buckets = {}, {[S.blk] = {}, [S.mrk] = {}}, {}
  for _, e in ipairs(entries) do
    values[#values + 1] = e.field
    values[#values + 1] = encode(e)
    local index = starts[indexOf(S, e.kind)]
    index[#index + 1] = e.cs
    index[#index + 1] = e.field
    local bucket = math.floor(e.cs / BUCKET_CELLS)
    if (buckets[bucket] or 0) < e.exp then buckets[bucket] = e.exp end
  end
  local latest = {}
  for bucket, exp in pairs(buckets) do
    latest[#latest + 1] = exp
    latest[#latest + 1] = bucket
  end
  local created = {}
  for from = 1, #values, 1000 do
    redis.call("HSET", S.live, unpack(values, from, math.min(from + 999, #values)))
  end
  for key, flat in pairs({[S.blk] = starts[S.blk], [S.mrk] = starts[S.mrk], [S.exp] = latest}) do
    for from = 1, #flat, 1000 do
      local args = {unpack(flat, from, math.min(from + 999, #flat))}
      local added = key == S.exp and redis.call("ZADD", key, "GT", unpack(args)) or redis.call("ZADD", key, unpack(args))
      if added > 0 then created[key] = true end
    end
  end
  settle(S, entries, created)
end

local function remove(S, e)
  redis.call("HDEL", S.live, e.field)
  redis.call("ZREM", indexOf(S, e.kind), e.field)
end

-- The entry stored under `field`, or nil (a field without an index entry is a leftover: nil).
local function get(S, field)
  local value = redis.call("HGET", S.live, field)
  if not value then return nil end
  local cs = redis.call("ZSCORE", indexOf(S, string.sub(field, 1, 1)), field)
  if not cs then return nil end
  return decode(field, value, tonumber(cs))
end

-- Reads the head ("~"), or starts an empty one: the first put writes it. Every script runs this
-- before anything else on the staff member's keys.
local function ensure(S, now)
  local head = redis.call("HGET", S.live, "~")
  if head then loadHead(S, head) return end
  S.span, S.expireAt = 0, 0
end

-- The funnel counters (defined at the end, with the other funnel notes).
local tally, isHoldHead

-- Removes what has expired, through the expiry index only: at most one bucket and SWEEP_MAX
-- entries a call, so a call's cost is bounded whatever lapsed since the last one. A hold swept
-- here was never booked nor released (both remove it): the funnel counts it expired.
local function sweep(S, now)
  local due = redis.call("ZRANGEBYSCORE", S.exp, "-inf", now, "LIMIT", 0, 1)
  if #due == 0 then return end
  local lo = tonumber(due[1]) * BUCKET_CELLS
  local hi = lo + BUCKET_CELLS - 1
  local left = SWEEP_MAX
  for _, index in ipairs({S.blk, S.mrk}) do
    local fields = redis.call("ZRANGEBYSCORE", index, lo, hi, "LIMIT", 0, left)
    if #fields > 0 then
      local expired = 0
      for _, field in ipairs(fields) do if isHoldHead(field) then expired = expired + 1 end end
      tally(S, "holdsExpired", expired)
      redis.call("HDEL", S.live, unpack(fields))
      redis.call("ZREM", index, unpack(fields))
      left = left - #fields
    end
  end
  if left > 0 then redis.call("ZREM", S.exp, due[1]) end
end

-- The values of `fields` in the live hash (nil where none), read in chunks: unpack has a limit.
local function hmget(S, fields)
  local values = {}
  for from = 1, #fields, 1000 do
    local chunk = redis.call("HMGET", S.live, unpack(fields, from, math.min(from + 999, #fields)))
    for k = 1, #chunk do values[from + k - 1] = chunk[k] end
  end
  return values
end

-- The live entries of one index that overlap cells [cs, ce); expired ones met on the way go.
local function overlapping(S, index, cs, ce, now)
  local flat = redis.call("ZRANGEBYSCORE", index, cs - S.span, "(" .. fmt(ce), "WITHSCORES")
  local out = {}
  if #flat == 0 then return out end
  local fields = {}
  for k = 1, #flat, 2 do fields[#fields + 1] = flat[k] end
  local values = hmget(S, fields)
  for k = 1, #fields do
    if not values[k] then
      redis.call("ZREM", index, fields[k])
    else
      local e = decode(fields[k], values[k], tonumber(flat[2 * k]))
      if e.exp <= now then
        remove(S, e)
        if isHoldHead(e.field) then tally(S, "holdsExpired", 1) end
      elseif e.ce > cs then out[#out + 1] = e end
    end
  end
  return out
end

-- The entries that can overlap cells [cs, ce), undecoded, for the worker to decode and filter
-- (JavaScript parses them many times faster than Lua): {blockers, their values, markers, their
-- values}, where an index part is flat field, start-cell pairs (ZRANGEBYSCORE WITHSCORES) and a
-- value is false where the field is gone (a leftover). Expired entries are left to sweep.
local function rawWindow(S, cs, ce)
  local out = {}
  for _, index in ipairs({S.blk, S.mrk}) do
    local flat = redis.call("ZRANGEBYSCORE", index, cs - S.span, "(" .. fmt(ce), "WITHSCORES")
    local fields = {}
    for k = 1, #flat, 2 do fields[#fields + 1] = flat[k] end
    out[#out + 1] = flat
    out[#out + 1] = hmget(S, fields)
  end
  return out
end

-- Hold limits: per holder (a client, an address) a sorted set of its live held slots by expiry,
-- members "<live hash>|<holdKey>|<i>". The keys come from the caller: a new hold's from the
-- request (counting off, "0", for a caller that names none); extend, release and booking take
-- them from the signed hold token, and refuse a token that does not name the hold's client.
local function holderMember(S, key, i) return S.live .. "|" .. key .. "|" .. i end

-- A series hold's key starts with "s" (no other key does: src/domain/live/tokens.ts): it counts
-- as one hold, its first slot's member standing for it.
local function isSeries(key) return string.sub(key, 1, 1) == "s" end

local function heldSet(keys, counting, S, hold, now)
  if counting ~= "1" then return end
  for _, counter in ipairs(keys) do
    for _, e in ipairs(hold) do
      local key, i = string.match(e.field, "^h:([^:]+):(%d+)$")
      if i == "0" or not isSeries(key) then redis.call("ZADD", counter, e.exp, holderMember(S, key, i)) end
    end
    keepFor(counter, hold[1].capAt - now)
  end
end

local function heldDrop(keys, counting, S, hold)
  if counting ~= "1" then return end
  for _, counter in ipairs(keys) do
    for _, e in ipairs(hold) do
      redis.call("ZREM", counter, holderMember(S, string.match(e.field, "^h:([^:]+):"), string.match(e.field, ":(%d+)$")))
    end
  end
end

-- The fields of hold `key` (n of them, "h:<key>:0" first), or nil when it is gone or expired.
local function holdOf(S, key, now)
  local first = get(S, "h:" .. key .. ":0")
  if not first or first.exp <= now then return nil end
  local slots = {first}
  for i = 1, first.n - 1 do
    local slot = get(S, "h:" .. key .. ":" .. i)
    if not slot then return nil end
    slots[#slots + 1] = slot
  end
  return slots
end

-- Offers (lua/availability_overlay.lua writes them): field "meta" = durationMin|bufferBeforeMin|
-- bufferAfterMin|holdTtlS|viewingTtlS|capS|noticeMin|maxHeldSlotsPerClient|maxHeldSlotsPerIp
-- (src/domain/live/stored-offer.ts writes it), and per local date two fields:
--   <date>      "<publishedMs>|<baseMs>|<hex bitmap>": the starts offered from baseMs
--   o:<date>    "<publishedMs>|<offsetMin>[|<fromMs>|<offsetMin>]…": the staff member's UTC
--               offset from baseMs on, then from each change on (a field of its own, so that the
--               previous version's scripts read the date field as they did)
-- An offer date older than the offer TTL is stale; one without its offsets of the same
-- publication, or in any other form, offers nothing.
local OFFER_TTL = 900000

-- The offer's meta and the given local dates with their offsets, in one read: nil when nothing
-- is offered, else meta with `days` and `offsets` (date -> value).
local function offerOf(offerKey, dates)
  local fields = {"meta"}
  for _, date in ipairs(dates) do fields[#fields + 1] = date end
  for _, date in ipairs(dates) do fields[#fields + 1] = "o:" .. date end
  local values = redis.call("HMGET", offerKey, unpack(fields))
  if not values[1] then return nil end
  local duration, before, after, ttl, viewing, cap, notice, perClient, perIp =
    string.match(values[1], "^(%d+)|(%d+)|(%d+)|(%d+)|(%d+)|(%d+)|(%d+)|(%d+)|(%d+)$")
  if not perIp then return nil end
  local meta = {durationMs = duration * 60000, beforeMs = before * 60000, afterMs = after * 60000,
    ttlMs = ttl * 1000, viewingMs = viewing * 1000, capMs = cap * 1000, noticeMs = notice * 60000,
    maxPerClient = tonumber(perClient), maxPerIp = tonumber(perIp), days = {}, offsets = {}}
  for i, date in ipairs(dates) do
    if values[i + 1] then meta.days[date] = values[i + 1] end
    if values[#dates + i + 1] then meta.offsets[date] = values[#dates + i + 1] end
  end
  return meta
end

-- The offsets of the candidate local date that offers a slot starting at startMs (its o:<date>
-- value after the publish time), or nil when none does.
local function offered(meta, startMs, dates, now)
  for _, date in ipairs(dates) do
    local day, offsets = meta.days[date], meta.offsets[date]
    local published, base, bits, at, first, changes
    if day and offsets then
      published, base, bits = string.match(day, "^(%d+)|(%d+)|(%x*)$")
      at, first, changes = string.match(offsets, "^(%d+)|(%-?%d+)(.*)$")
    end
    if published and published == at and string.gsub(changes, "|%d+|%-?%d+", "") == "" then
      local index = (startMs - tonumber(base)) / CELL
      if tonumber(published) + OFFER_TTL > now and index >= 0 and index % 1 == 0 and index < #bits * 4 then
        local nibble = tonumber(string.sub(bits, math.floor(index / 4) + 1, math.floor(index / 4) + 1), 16)
        if bit.band(nibble, bit.lshift(1, 3 - index % 4)) ~= 0 then return first .. changes end
      end
    end
  end
  return nil
end

-- The staff member's UTC offset (minutes) at instant ms, from the offsets offered() returned:
-- the last one from at or before it (offerOffsetAt in src/domain/live/stored-offer.ts).
local function offsetAt(offsets, ms)
  local off = string.match(offsets, "^(%-?%d+)")
  for from, change in string.gmatch(offsets, "|(%d+)|(%-?%d+)") do
    if ms >= tonumber(from) then off = change end
  end
  return tonumber(off)
end

-- Push (src/storage/redis/live-push.ts, docs/architecture/live-push.md): a script that changes
-- entries publishes them in the same call, one PUBLISH per local date they touch (the date of an
-- entry's start in its own offset, the date the heartbeat files it under), on the channel
-- "<live hash key>@<date>" (RedisKeys.liveChannel). The message is ";"-separated items:
--   +<field>|<startMin>|<endMin>|<offsetMin>|<expiresAtMs>|<clientTag>   the entry as it now is
--   -<field>                                                              the entry is gone
-- Expiries publish nothing: the subscriber knows every expiry from its reads and the messages.
local function localDate(minutes) -- days since 1970-01-01 to a civil date (H. Hinnant)
  local z = math.floor(minutes / 1440) + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400 + (m <= 2 and 1 or 0)
  return string.format("%04d-%02d-%02d", y, m, doy - math.floor((153 * mp + 2) / 5) + 1)
end

local function publish(S, added, removed)
  local byDate, dates = {}, {}
  local function file(e, item)
    local date = localDate(e.startMin + tonumber(e.off))
    if not byDate[date] then byDate[date] = {} dates[#dates + 1] = date end
    byDate[date][#byDate[date] + 1] = item
  end
  for _, e in ipairs(removed or {}) do file(e, "-" .. e.field) end
  for _, e in ipairs(added or {}) do
    file(e, "+" .. table.concat({e.field, fmt(e.startMin), fmt(e.endMin), e.off, fmt(e.exp), e.tag}, "|"))
  end
  for _, date in ipairs(dates) do redis.call("PUBLISH", S.live .. "@" .. date, table.concat(byDate[date], ";")) end
end

-- The funnel (docs/adr/1205-the-booking-funnel.md): per staff member and UTC day, a hash of
-- counters in the staff member's slot (RedisKeys.stats), written in the call that makes the
-- change and kept STATS_KEEP_S. A script that counts passes the hash of the UTC day of its `now`
-- as S.stats (a KEYS entry after its own); without it (direct calls, the bench) nothing is
-- counted. A hold counts once, by its first field "h:<holdKey>:0".
local STATS_KEEP_S = 400 * 86400
isHoldHead = function(field) return string.match(field, "^h:[^:]+:0$") ~= nil end
tally = function(S, field, by)
  if by == 0 or not S.stats then return end
  redis.call("HINCRBY", S.stats, field, by)
  redis.call("EXPIRE", S.stats, STATS_KEEP_S)
end
