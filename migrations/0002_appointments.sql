-- Customers, appointments and the cells that make overlapping bookings impossible.
--
-- The no-overlap rule is enforced by MySQL itself: a confirmed appointment owns one row in
-- appointment_cells per 5-minute UTC cell of its occupied time (buffers included), under the
-- primary key (staff_id, cell_start). Two appointments that overlap for one staff member would
-- need the same row, so the second INSERT fails with errno 1062 inside the booking transaction.
-- Cancelling deletes the cells in the same transaction that sets the status.

CREATE TABLE customers (
  id VARCHAR(40) NOT NULL,
  email VARCHAR(320) NOT NULL,
  name VARCHAR(200) NOT NULL,
  phone VARCHAR(40) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY customers_by_email (email)
);

CREATE TABLE appointments (
  id VARCHAR(40) NOT NULL,
  staff_id VARCHAR(40) NOT NULL,
  service_id VARCHAR(40) NOT NULL,
  customer_id VARCHAR(40) NOT NULL,
  status VARCHAR(16) NOT NULL,
  start_at DATETIME(3) NOT NULL,
  end_at DATETIME(3) NOT NULL,
  occupied_start DATETIME(3) NOT NULL,
  occupied_end DATETIME(3) NOT NULL,
  customer_name VARCHAR(200) NOT NULL,
  customer_email VARCHAR(320) NOT NULL,
  customer_phone VARCHAR(40) NULL,
  notes TEXT NOT NULL,
  manage_token_hash CHAR(64) NOT NULL,
  rescheduled_from VARCHAR(40) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  cancelled_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  KEY appointments_by_staff_time (staff_id, occupied_start),
  KEY appointments_by_service_time (service_id, start_at),
  KEY appointments_by_customer (customer_id, start_at),
  KEY appointments_by_start (start_at)
);

CREATE TABLE appointment_cells (
  staff_id VARCHAR(40) NOT NULL,
  cell_start DATETIME NOT NULL,
  appointment_id VARCHAR(40) NOT NULL,
  PRIMARY KEY (staff_id, cell_start),
  KEY appointment_cells_by_appointment (appointment_id)
);
