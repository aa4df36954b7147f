-- Catalog: business settings, services, staff, weekly schedules, date overrides and closures.
-- SQL accepted by both MySQL 8 (PlanetScale) and MariaDB 10.11. Times are UTC; wall-clock
-- schedule times are stored as 'HH:MM' strings inside JSON documents (see docs/DECISIONS.md).
-- No foreign keys: PlanetScale (Vitess) does not enforce them by default; integrity is kept by
-- the repositories, which write related rows in one transaction.

CREATE TABLE settings (
  id TINYINT UNSIGNED NOT NULL,
  document LONGTEXT NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id)
);

CREATE TABLE services (
  id VARCHAR(40) NOT NULL,
  name VARCHAR(200) NOT NULL,
  description TEXT NOT NULL,
  duration_min SMALLINT UNSIGNED NOT NULL,
  buffer_before_min SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  buffer_after_min SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  price_minor INT UNSIGNED NOT NULL,
  currency CHAR(3) NOT NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id)
);

CREATE TABLE staff (
  id VARCHAR(40) NOT NULL,
  name VARCHAR(200) NOT NULL,
  bio TEXT NOT NULL,
  email VARCHAR(320) NOT NULL,
  phone VARCHAR(40) NULL,
  time_zone VARCHAR(64) NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id)
);

CREATE TABLE staff_services (
  staff_id VARCHAR(40) NOT NULL,
  service_id VARCHAR(40) NOT NULL,
  PRIMARY KEY (staff_id, service_id),
  KEY staff_services_by_service (service_id)
);

-- One row per staff member: {"1": [["09:00","12:00"],["13:00","17:00"]], ...} keyed by ISO
-- weekday (1 = Monday … 7 = Sunday), in the staff member's local wall time.
CREATE TABLE staff_schedules (
  staff_id VARCHAR(40) NOT NULL,
  weekly LONGTEXT NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (staff_id)
);

-- A date override replaces the weekly hours of one local date; an empty list is a day off.
CREATE TABLE staff_overrides (
  staff_id VARCHAR(40) NOT NULL,
  local_date DATE NOT NULL,
  intervals LONGTEXT NOT NULL,
  note VARCHAR(200) NOT NULL DEFAULT '',
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (staff_id, local_date)
);

-- Business closures: whole local dates (in the business time zone), inclusive.
CREATE TABLE closures (
  id VARCHAR(40) NOT NULL,
  start_date DATE NOT NULL,
  end_date DATE NOT NULL,
  reason VARCHAR(200) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY closures_by_end (end_date)
);
