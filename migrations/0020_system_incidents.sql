-- System alerts (docs/adr/1201-system-alerts.md): one row per deployment (its Redis key prefix,
-- as the fallback tables scope theirs) and kind of incident: "redis" (down/up), "redis_memory",
-- "sync_conflicts", "outbox_backlog". Every isolate that sees a failure locks this row in one
-- transaction and writes the alert's outbox rows only when the row says nobody has alerted this
-- incident yet, so many isolates failing over at once send one alert. MySQL is up when Redis is
-- down, so the row lives here.
--   open           1 while the incident lasts (a failover seen, memory above its threshold …)
--   incident_id    the open (or last) incident, named in its events
--   opened_at      when it opened
--   alerted        1 when the open incident's alert was written (its recovery then alerts too)
--   last_alert_at  the last alert of this kind: a new one waits for the cool-down
--   detail         what the last alert said (JSON), for the log and a late alert
CREATE TABLE system_incidents (
  scope VARCHAR(32) NOT NULL,
  kind VARCHAR(32) NOT NULL,
  open TINYINT(1) NOT NULL DEFAULT 0,
  incident_id VARCHAR(40) NULL,
  opened_at DATETIME(3) NULL,
  alerted TINYINT(1) NOT NULL DEFAULT 0,
  last_alert_at DATETIME(3) NULL,
  detail TEXT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (scope, kind)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
