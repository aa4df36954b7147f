-- Idempotency-Key claims in Redis live in the slot of the staff member they book
-- (`{<prefix>live:<staffId>}:idem:<keyHash>`, see src/storage/redis/keys.ts), so begin_booking
-- touches one Redis Cluster slot. The failback sync needs the staff member to name the key.
-- Rows written before this migration have '' and are not copied (a claim is a 60-second lease;
-- the booking transaction's own idempotency record still makes a key book at most once).
ALTER TABLE fallback_idempotency ADD COLUMN staff_id VARCHAR(40) NOT NULL DEFAULT '' AFTER scope;
