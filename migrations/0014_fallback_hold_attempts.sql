-- Hold attempts while Redis is down, so that a hold whose request was answered with an error can
-- be taken back (undoHold): one row per name, either
--   "by:<holdKey>"      the attempt that made a hold requested with an Idempotency-Key, until a
--                       retry with the same key is handed that hold (only that attempt may undo it);
--   "undo:<attemptId>"  an undone attempt: its hold call, should it arrive later, holds nothing.
-- Redis keeps the same as `{<prefix>live:<staffId>}:by:<holdKey>` and `…:undo:<attemptId>` with
-- TTLs (lua/undo_hold.lua). Not synced at failback: they matter for seconds, and an undo that
-- finds no record keeps the hold (the safe side).
CREATE TABLE fallback_hold_attempts (
  scope VARCHAR(32) NOT NULL,
  staff_id VARCHAR(40) NOT NULL,
  name VARCHAR(40) NOT NULL,
  attempt_id VARCHAR(32) NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  PRIMARY KEY (staff_id, name),
  KEY fallback_hold_attempts_by_expiry (expires_at_ms)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
