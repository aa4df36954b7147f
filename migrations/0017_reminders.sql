-- Reminders: the business's offsets live in the settings document (`reminders`); a service may
-- override them (NULL: the business's; []: none).
--
-- Due reminders are found by appointments_by_start (a range of starts per offset), not written
-- at booking time: a booking, cancel or reschedule costs no statement for them, a cancel drops
-- them (only confirmed appointments are reminded) and a reschedule moves them (the new
-- appointment has its own start). reminders_sent holds one row per (appointment, offset) under
-- the primary key, written in the same transaction as the reminder's outbox rows: overlapping
-- cron runs, retries and a failover send each reminder at most once.
ALTER TABLE services ADD COLUMN reminders JSON NULL;

CREATE TABLE reminders_sent (
  appointment_id VARCHAR(40) NOT NULL,
  offset_min INT UNSIGNED NOT NULL,
  sent_at DATETIME(3) NOT NULL,
  PRIMARY KEY (appointment_id, offset_min)
);
