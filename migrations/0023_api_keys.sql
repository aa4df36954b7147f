-- Scoped API keys of the admin API (docs/architecture/sign-in-and-security.md). The secret is
-- never stored: only its SHA-256 (a 256-bit random secret needs no slow hash). `id` is the public
-- part of the key (`ae_live_<id>_<secret>`), shown in lists and used to revoke it. A revoked key
-- keeps its row, so that the audit log's actor stays explained.
CREATE TABLE api_keys (
  id VARCHAR(32) NOT NULL,
  name VARCHAR(100) NOT NULL,
  secret_hash CHAR(64) NOT NULL,
  scopes JSON NOT NULL,
  created_by VARCHAR(64) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NULL,
  revoked_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  KEY api_keys_by_created (created_at)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
