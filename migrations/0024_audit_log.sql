-- The audit log of admin writes (src/http/admin-audit.ts): who, what, on which target, when, from
-- which address, under which request id. `change` is the request body with secrets redacted.
-- Listed newest first by (at, id); the indexes serve the list's filters.
CREATE TABLE audit_log (
  id VARCHAR(32) NOT NULL,
  at DATETIME(3) NOT NULL,
  actor VARCHAR(64) NOT NULL,
  operation VARCHAR(100) NOT NULL,
  method VARCHAR(10) NOT NULL,
  path VARCHAR(300) NOT NULL,
  target_id VARCHAR(64) NULL,
  `change` JSON NULL,
  status SMALLINT NOT NULL,
  address VARCHAR(64) NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  PRIMARY KEY (id),
  KEY audit_log_by_at (at, id),
  KEY audit_log_by_actor (actor, at),
  KEY audit_log_by_target (target_id, at)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
