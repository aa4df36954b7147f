-- Which appointment an outbox row is about, so the business app can show an appointment's
-- emails and webhook deliveries (GET /v1/admin/appointments/{id}/messages) without reading the
-- bodies or payloads. Written by the same INSERT that writes the row (no extra statement in the
-- booking, cancel and reschedule transactions). NULL for rows about no appointment (sign-in
-- codes, system alerts, waitlist mails) and for every row written before this column existed.
ALTER TABLE outbox_emails
  ADD COLUMN appointment_id VARCHAR(40) NULL,
  ADD KEY outbox_emails_by_appointment (appointment_id, created_at);

ALTER TABLE webhook_deliveries
  ADD COLUMN appointment_id VARCHAR(40) NULL,
  ADD KEY webhook_deliveries_by_appointment (appointment_id, created_at);
