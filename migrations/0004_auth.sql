-- Customer sign-in: one-time email codes and sessions, both stored only as hashes.
CREATE TABLE auth_codes (
  id VARCHAR(40) NOT NULL,
  email VARCHAR(320) NOT NULL,
  code_hash CHAR(64) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  used_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  KEY auth_codes_by_email (email, created_at)
);

CREATE TABLE sessions (
  token_hash CHAR(64) NOT NULL,
  email VARCHAR(320) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  revoked_at DATETIME(3) NULL,
  PRIMARY KEY (token_hash),
  KEY sessions_by_email (email)
);
