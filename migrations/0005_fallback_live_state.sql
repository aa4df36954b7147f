-- The live-state fallback store: what lives in Redis, kept in MySQL while Redis is down
-- (SPEC.md section 4). Every row carries its expiry instant; a row whose expiry has passed is
-- dead (reads skip it, writes may replace it) until the Cron Trigger deletes it. The failback
-- sync copies the live rows into Redis and deletes what it copied.
--
-- `scope` is the REDIS_KEY_PREFIX of the deployment that wrote the row: a deployment's sync
-- copies only its own rows, into its own keys (ids are unique in the shared catalog, so keys
-- need no scope). Tables are binary-collated: fields, client tags and rate keys are compared
-- byte for byte, as Redis compares them (base64url tags differ by case).

-- Viewing markers, holds and recent bookings, one row per field of the Redis live hash
-- (lua/hold_slots.lua documents the fields): `field` and `value` are byte for byte what Redis
-- would hold, so the failback sync copies them without translation. The other columns are the
-- value's parts that SQL filters on.
CREATE TABLE fallback_live (
  scope VARCHAR(32) NOT NULL,
  staff_id VARCHAR(40) NOT NULL,
  field VARCHAR(100) NOT NULL,
  value VARCHAR(400) NOT NULL,
  kind CHAR(1) NOT NULL,
  client_tag VARCHAR(64) NOT NULL,
  cell_start BIGINT NOT NULL,
  cell_end BIGINT NOT NULL,
  start_ms BIGINT NOT NULL,
  end_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  PRIMARY KEY (staff_id, field),
  KEY fallback_live_by_scope (scope, staff_id),
  KEY fallback_live_by_expiry (expires_at_ms)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Exclusivity of holds and recent bookings: one row per 5-minute cell they occupy, under
-- PRIMARY KEY (staff_id, cell). Two holders of one cell would need the same row, so the second
-- INSERT fails with errno 1062 and its transaction writes nothing. `owner` is the live field's
-- prefix ("h:<holdKey>" or "b:<appointmentId>"); markers never own cells.
CREATE TABLE fallback_cells (
  staff_id VARCHAR(40) NOT NULL,
  cell BIGINT NOT NULL,
  owner VARCHAR(100) NOT NULL,
  client_tag VARCHAR(64) NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  PRIMARY KEY (staff_id, cell),
  KEY fallback_cells_by_owner (staff_id, owner),
  KEY fallback_cells_by_expiry (expires_at_ms)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- What availability offered, per (service, staff member): field "meta" or a local date, value as
-- in the Redis offer hash (lua/availability_overlay.lua).
CREATE TABLE fallback_offers (
  scope VARCHAR(32) NOT NULL,
  service_id VARCHAR(40) NOT NULL,
  staff_id VARCHAR(40) NOT NULL,
  field VARCHAR(16) NOT NULL,
  value VARCHAR(400) NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  PRIMARY KEY (service_id, staff_id, field),
  KEY fallback_offers_by_scope (scope),
  KEY fallback_offers_by_expiry (expires_at_ms)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Claimed Idempotency-Keys of bookings in flight (the 60-second lease Redis keeps).
CREATE TABLE fallback_idempotency (
  scope VARCHAR(32) NOT NULL,
  key_hash CHAR(64) NOT NULL,
  body_hash CHAR(64) NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  PRIMARY KEY (key_hash),
  KEY fallback_idempotency_by_scope (scope),
  KEY fallback_idempotency_by_expiry (expires_at_ms)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Sliding-log rate limits (lua/sliding_log.lua): one row per accepted event and key. A key's row
-- in fallback_rate_keys is locked (SELECT … FOR UPDATE) while its events are counted, so two
-- requests never both take the last place in a window.
CREATE TABLE fallback_rate_keys (
  rl_key VARCHAR(200) NOT NULL,
  PRIMARY KEY (rl_key)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE fallback_rate_events (
  scope VARCHAR(32) NOT NULL,
  rl_key VARCHAR(200) NOT NULL,
  event_ms BIGINT NOT NULL,
  event_id VARCHAR(80) NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  PRIMARY KEY (rl_key, event_ms, event_id),
  KEY fallback_rate_events_by_scope (scope),
  KEY fallback_rate_events_by_expiry (expires_at_ms)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
