-- The booking funnel report: indexes for its booking-store counts, and the fallback's counters.
--
-- The funnel report (GET /v1/admin/stats, docs/adr/1205-the-booking-funnel.md) counts bookings,
-- reschedules and cancellations by UTC day from the appointments themselves: these indexes keep
-- that a range read per staff member, and the "was it replaced by a reschedule" check a lookup.
CREATE INDEX appointments_by_staff_created ON appointments (staff_id, created_at);
CREATE INDEX appointments_by_created ON appointments (created_at);
CREATE INDEX appointments_by_staff_cancelled ON appointments (staff_id, cancelled_at);
CREATE INDEX appointments_by_cancelled ON appointments (cancelled_at);
CREATE INDEX appointments_by_rescheduled_from ON appointments (rescheduled_from);

-- The live-state funnel counters while Redis is down (the MySQL fallback counts what the live
-- scripts count in Redis: lua/lib/live.lua's `tally`), one row per deployment scope, staff
-- member, UTC day and counter. Written in the transaction of the change it counts; the report
-- adds these to Redis's daily hashes, and the failback sync leaves them here (copying them
-- into Redis as well would count them twice).
CREATE TABLE funnel_counts (
  scope VARCHAR(32) NOT NULL,
  staff_id VARCHAR(40) NOT NULL,
  day DATE NOT NULL,
  name VARCHAR(32) NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (scope, staff_id, day, name),
  KEY funnel_counts_by_day (scope, day)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
