-- Idempotency records of POST /v1/appointments, and the transactional email outbox.
--
-- An idempotency record is written in the booking transaction itself, under a primary key on the
-- key's hash: a second booking with the same key cannot commit, whatever Redis says.
CREATE TABLE idempotency_keys (
  key_hash CHAR(64) NOT NULL,
  body_hash CHAR(64) NOT NULL,
  appointment_ids VARCHAR(400) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (key_hash),
  KEY idempotency_keys_by_created (created_at)
);

-- Emails are written in the same transaction as the change they announce, then delivered: in
-- development they stay here (GET /v1/admin/outbox); in production the Cron Trigger sends them
-- through the HTTP email API and stamps sent_at.
CREATE TABLE outbox_emails (
  id VARCHAR(40) NOT NULL,
  to_email VARCHAR(320) NOT NULL,
  subject VARCHAR(300) NOT NULL,
  body TEXT NOT NULL,
  kind VARCHAR(40) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  sent_at DATETIME(3) NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY outbox_emails_pending (sent_at, created_at)
);
