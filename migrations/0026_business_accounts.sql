-- Business accounts of the admin API and their sessions (docs/architecture/sign-in-and-security.md,
-- docs/adr/0414-business-accounts-and-roles.md). An account signs in with an emailed code, in a
-- realm of its own: its codes share auth_codes and auth_emails with the customers' under the key
-- `business:<email>`, and its sessions live here, never in `sessions`, so that neither realm's
-- token is ever looked up in the other's table. A deactivated account keeps its row, so that the
-- audit log's `account:<id>` actors stay explained; its sessions are revoked with it.
CREATE TABLE accounts (
  id VARCHAR(40) NOT NULL,
  email VARCHAR(254) NOT NULL,
  name VARCHAR(100) NOT NULL,
  role VARCHAR(16) NOT NULL,
  staff_id VARCHAR(40) NULL,
  created_by VARCHAR(64) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  deactivated_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY accounts_by_email (email),
  KEY accounts_by_created (created_at)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE business_sessions (
  token_hash CHAR(64) NOT NULL,
  account_id VARCHAR(40) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  revoked_at DATETIME(3) NULL,
  PRIMARY KEY (token_hash),
  KEY business_sessions_by_account (account_id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
