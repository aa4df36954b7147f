-- Released holds, remembered until their cap (creation + extension cap) while Redis is down, so
-- that a released hold's token cannot book (its claim would still be valid until the cap).
-- Redis keeps the same as `{<prefix>live:<staffId>}:rel:<holdKey>` with a TTL; the failback sync
-- copies these rows there.
CREATE TABLE fallback_released (
  scope VARCHAR(32) NOT NULL,
  staff_id VARCHAR(40) NOT NULL,
  hold_key VARCHAR(32) NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  PRIMARY KEY (staff_id, hold_key),
  KEY fallback_released_by_scope (scope),
  KEY fallback_released_by_expiry (expires_at_ms)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
