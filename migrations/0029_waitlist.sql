-- The waitlist (docs/adr/0315-waitlist-offers-hold-the-freed-time.md).
-- One row per entry: who waits, for what (service, staff member or anyone, local date and an
-- optional window of local start times), and where the entry stands. The join code is a row of
-- auth_codes under the key `waitlist:<id>` (its own realm: it signs nobody in).
--   status  pending (code not yet confirmed), waiting, booked, left, expired
--   expires_at  the end of `date` in the staff member's zone (or the business's): the entry
--               lapses then, and is no longer counted against the email's 3 active entries
CREATE TABLE waitlist_entries (
  id VARCHAR(40) NOT NULL,
  email VARCHAR(320) NOT NULL,
  name VARCHAR(200) NOT NULL,
  locale VARCHAR(8) NOT NULL,
  service_id VARCHAR(40) NOT NULL,
  staff_id VARCHAR(40) NULL,
  date DATE NOT NULL,
  from_min SMALLINT UNSIGNED NULL,
  to_min SMALLINT UNSIGNED NULL,
  status VARCHAR(16) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  confirmed_at DATETIME(3) NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY waitlist_by_email (email, status),
  KEY waitlist_by_wait (service_id, date, status, confirmed_at)
);

-- One row per offer: the primary key (entry, staff member, start) makes "this entry is offered
-- this time" happen at most once, whoever tries (a cancel, two crons at once, an isolate on the
-- fallback store); the hold itself (exclusive in the live store) makes one offer per freed time.
--   state  claimed (row won, hold being made), offered (hold made, email written), dropped (the
--          hold was refused: someone else has the time), booked
CREATE TABLE waitlist_offers (
  entry_id VARCHAR(40) NOT NULL,
  staff_id VARCHAR(40) NOT NULL,
  start_at DATETIME(3) NOT NULL,
  service_id VARCHAR(40) NOT NULL,
  state VARCHAR(16) NOT NULL,
  hold_id VARCHAR(80) NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (entry_id, staff_id, start_at),
  KEY waitlist_offers_by_state (state, expires_at)
);
