-- Idempotency records of the admin API's POSTs (an Idempotency-Key is optional there): a retried
-- create answers the first answer instead of creating again. One row per key (by its hash, scoped
-- to the method and path), claimed before the operation runs (status 0 = in flight), then holding
-- the answer's status and body. An operation that failed with 5xx frees its row.
CREATE TABLE admin_idempotency (
  key_hash CHAR(64) NOT NULL,
  body_hash CHAR(64) NOT NULL,
  status SMALLINT NOT NULL,
  response MEDIUMTEXT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (key_hash),
  KEY admin_idempotency_by_created (created_at)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
