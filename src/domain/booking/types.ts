import type { BookableCheck } from "./still-bookable.ts";

export type AppointmentStatus = "confirmed" | "cancelled";

export interface Customer {
  name: string;
  email: string;
  phone: string | null;
}

export interface Appointment {
  id: string;
  staffId: string;
  serviceId: string;
  status: AppointmentStatus;
  startMs: number;
  endMs: number;
  /** Start minus the buffer before, end plus the buffer after: the time the staff member is taken. */
  occupiedStartMs: number;
  occupiedEndMs: number;
  /** The staff member's zone (or the business's), for answers with the staff member's offset. */
  timeZone: string;
  customer: Customer;
  notes: string;
  rescheduledFrom: string | null;
  createdAtMs: number;
  updatedAtMs: number;
  cancelledAtMs: number | null;
}

/** An email written in the same transaction as the change it announces (transactional outbox). */
export interface OutboxEmail {
  id: string;
  to: string;
  subject: string;
  body: string;
  kind: "confirmation" | "cancellation" | "reschedule" | "sign-in-code";
}

export interface BookInput {
  staffId: string;
  serviceId: string;
  appointmentIds: string[];
  startsMs: number[];
  customer: Customer;
  notes: string;
  manageTokenHash: string;
  idempotency: { keyHash: string; bodyHash: string } | null;
  nowMs: number;
  /** The email, built once the appointments' times are known. */
  email: (appointments: Appointment[]) => OutboxEmail;
  /**
   * Re-checked inside the transaction with the rows its catalog read returns (working time,
   * closures, notice, horizon; see still-bookable.ts). Absent for admin moves, which skip it.
   */
  bookable?: BookableCheck;
  /** Reschedule: cancel this appointment in the same transaction (its cells are freed first). */
  replaces?: {
    appointmentId: string;
    /**
     * Refuse ("too-late") when it starts sooner than this; "settings": the settings'
     * `rescheduleCutoffMin`, as the transaction reads them (no statement of its own).
     */
    cutoffMs: number | null | "settings";
  };
}

export type BookOutcome =
  | { kind: "booked"; appointments: Appointment[] }
  | { kind: "slot-taken" }
  | { kind: "idempotency-used" }
  | { kind: "not-bookable"; reason: string }
  | { kind: "replaced-not-found" }
  | { kind: "too-late"; cutoffMs: number };

export interface AppointmentFilter {
  fromMs?: number;
  toMs?: number;
  staffId?: string;
  status?: AppointmentStatus;
  customerEmail?: string;
  /** Opaque cursor from the previous page. */
  after?: { startMs: number; id: string };
  limit: number;
}
