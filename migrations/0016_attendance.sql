-- Attendance: after its start an appointment can be marked `attended` or `no_show` (and set back
-- to `confirmed` within 7 days). The appointment row keeps the latest change (who, when); every
-- change is also kept as a row of appointment_status_changes, written in the same transaction.
--
-- The email index serves the admin list's customer filter and the no-show count the booking
-- transaction reads for the optional no-show limit: equality on email and status, a range on the
-- start. The collation is case-insensitive, so one customer's emails in any case share its keys.
ALTER TABLE appointments
  ADD COLUMN attendance_changed_at DATETIME(3) NULL,
  ADD COLUMN attendance_changed_by VARCHAR(100) NULL,
  ADD KEY appointments_by_email_status (customer_email, status, start_at);

CREATE TABLE appointment_status_changes (
  id VARCHAR(40) NOT NULL,
  appointment_id VARCHAR(40) NOT NULL,
  from_status VARCHAR(16) NOT NULL,
  to_status VARCHAR(16) NOT NULL,
  actor VARCHAR(100) NOT NULL,
  changed_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY appointment_status_changes_by_appointment (appointment_id, changed_at)
);
