-- Integrations (issue 17): one leased outbox for emails and webhooks, webhook endpoints and their
-- attempt log, staff calendar-feed keys, and what a calendar file needs from an appointment.
--
-- One outbox mechanism: outbox_emails and webhook_deliveries carry the same delivery columns
-- (attempts, next_attempt_at, lease_token, lease_until, sent_at, given_up_at, last_error), and
-- one adapter (src/storage/mysql/outbox-queue.ts) claims, settles and retries rows of either.
-- A runner claims due rows with ONE UPDATE that sets its own lease token; InnoDB re-checks the
-- lease on the latest committed row under the row lock, so two runners never lease one row.

ALTER TABLE outbox_emails
  ADD COLUMN html MEDIUMTEXT NULL,
  ADD COLUMN attachments MEDIUMTEXT NULL,
  ADD COLUMN next_attempt_at DATETIME(3) NULL,
  ADD COLUMN lease_token CHAR(32) NULL,
  ADD COLUMN lease_until DATETIME(3) NULL,
  ADD COLUMN given_up_at DATETIME(3) NULL,
  ADD COLUMN last_error VARCHAR(300) NULL,
  ADD KEY outbox_emails_due (sent_at, given_up_at, next_attempt_at);

-- The signing secret is kept as is: Standard Webhooks signs with it (HMAC), so it cannot be a hash.
CREATE TABLE webhook_endpoints (
  id VARCHAR(40) NOT NULL,
  url VARCHAR(2000) NOT NULL,
  events VARCHAR(200) NOT NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  secret VARCHAR(100) NOT NULL,
  disabled_reason VARCHAR(300) NULL,
  last_success_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id)
);

-- One row per (event, endpoint): written in the transaction of the change (INSERT … SELECT over
-- the subscribed endpoints), delivered right away, retried by the Cron Trigger for 3 days.
CREATE TABLE webhook_deliveries (
  id VARCHAR(100) NOT NULL,
  event_id VARCHAR(40) NOT NULL,
  endpoint_id VARCHAR(40) NOT NULL,
  event_type VARCHAR(40) NOT NULL,
  payload MEDIUMTEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NULL,
  lease_token CHAR(32) NULL,
  lease_until DATETIME(3) NULL,
  sent_at DATETIME(3) NULL,
  given_up_at DATETIME(3) NULL,
  last_error VARCHAR(300) NULL,
  PRIMARY KEY (id),
  KEY webhook_deliveries_due (sent_at, given_up_at, next_attempt_at),
  KEY webhook_deliveries_by_event (event_id),
  KEY webhook_deliveries_by_endpoint (endpoint_id, created_at)
);

-- Every attempt of every delivery: GET /v1/admin/webhooks/{id}/deliveries.
CREATE TABLE webhook_attempts (
  id VARCHAR(40) NOT NULL,
  endpoint_id VARCHAR(40) NOT NULL,
  delivery_id VARCHAR(100) NOT NULL,
  event_id VARCHAR(40) NOT NULL,
  event_type VARCHAR(40) NOT NULL,
  attempt INT UNSIGNED NOT NULL,
  status_code SMALLINT UNSIGNED NULL,
  duration_ms INT UNSIGNED NOT NULL,
  error VARCHAR(300) NULL,
  attempted_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY webhook_attempts_by_endpoint (endpoint_id, attempted_at)
);

-- The per-staff secret of GET /v1/staff/{id}/calendar.ics?key=…, stored as its SHA-256 only.
CREATE TABLE staff_calendar_keys (
  staff_id VARCHAR(40) NOT NULL,
  key_hash CHAR(64) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (staff_id)
);

-- A calendar event's UID stays the same across reschedules (the new appointment inherits it) and
-- its SEQUENCE grows; the manage-token index finds the appointment a token was derived from.
ALTER TABLE appointments
  ADD COLUMN ical_uid VARCHAR(40) NULL,
  ADD COLUMN ical_sequence INT UNSIGNED NOT NULL DEFAULT 0,
  ADD KEY appointments_by_manage_token (manage_token_hash);
