-- health_probe: write a short-lived health key and read it back, in one round trip.
--
-- KEYS[1]  the health key
-- ARGV[1]  a random nonce written by this probe
-- ARGV[2]  time to live of the key, in milliseconds
--
-- Reply: the value read back (equal to ARGV[1] when Redis stores and serves data correctly).
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
return redis.call("GET", KEYS[1])
