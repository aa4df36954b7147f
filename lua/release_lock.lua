-- release_lock: delete a lock only if it still holds this holder's id (a lease that ran out may
-- already belong to someone else).
--
-- KEYS[1]  the lock      ARGV[1]  the holder's id
--
-- Reply: 1 released | 0 not ours (or already gone)
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
