-- Live-stream tickets while Redis is down: a one-use ticket lets an EventSource (which cannot send
-- headers) open GET /v1/live as its client without the client id in the URL. One row per ticket,
-- keyed by the ticket's hash (the ticket itself is never stored), with the client's tag, the staff
-- member and date it opens, and its end (60 s after issue). Taking a ticket deletes its row; only
-- the DELETE that removes it may use it. Redis keeps the same as `<prefix>ticket:<hash>` with a
-- TTL; tickets are not synced at failback (they live a minute).
CREATE TABLE fallback_live_tickets (
  scope VARCHAR(32) NOT NULL,
  ticket_hash VARCHAR(32) NOT NULL,
  staff_id VARCHAR(40) NOT NULL,
  local_date CHAR(10) NOT NULL,
  client_tag VARCHAR(16) NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  PRIMARY KEY (scope, ticket_hash),
  KEY fallback_live_tickets_by_expiry (expires_at_ms)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
