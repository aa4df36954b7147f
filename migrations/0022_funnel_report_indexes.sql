-- The funnel report (GET /v1/admin/stats, docs/adr/1205-the-booking-funnel.md) counts bookings,
-- reschedules and cancellations by UTC day from the appointments themselves: these indexes keep
-- that a range read per staff member, and the "was it replaced by a reschedule" check a lookup.
CREATE INDEX appointments_by_staff_created ON appointments (staff_id, created_at);
CREATE INDEX appointments_by_created ON appointments (created_at);
CREATE INDEX appointments_by_staff_cancelled ON appointments (staff_id, cancelled_at);
CREATE INDEX appointments_by_cancelled ON appointments (cancelled_at);
CREATE INDEX appointments_by_rescheduled_from ON appointments (rescheduled_from);
