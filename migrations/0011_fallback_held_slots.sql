-- Hold limits while Redis is down (issue 14 item 5): one row per live held slot and holder (a
-- client's tag, or an address's), the fallback's copy of Redis's `<prefix>held:c|i:<tag>` sets.
-- A hold counts a holder's rows under a row lock of that holder's key in fallback_rate_keys, so
-- two concurrent holds never both take the last place. Release and booking delete a hold's rows.
CREATE TABLE fallback_held (
  scope VARCHAR(32) NOT NULL,
  holder VARCHAR(80) NOT NULL,
  staff_id VARCHAR(40) NOT NULL,
  hold_key VARCHAR(32) NOT NULL,
  slot INT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  PRIMARY KEY (holder, staff_id, hold_key, slot),
  KEY fallback_held_by_hold (staff_id, hold_key),
  KEY fallback_held_by_expiry (expires_at_ms)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
