-- Issue 14 item 8: a customer rescheduling an appointment gets offers of its own, published
-- under a private scope "<serviceId>:r:<22-character tag>" (src/domain/live/reschedule-of.ts)
-- in the column that names the service; 40 characters no longer fit it.
ALTER TABLE fallback_offers MODIFY service_id VARCHAR(80) NOT NULL;
