-- Recurring series: the appointments booked together from one series hold share a series id, so
-- that a cancel with scope `following` or `all` finds the others (by series, then start).
ALTER TABLE appointments ADD COLUMN series_id VARCHAR(40) NULL;
CREATE INDEX appointments_by_series ON appointments (series_id, start_at);
