import type { AuditEntry } from "../audit.ts";
import type { AvailabilityData } from "../availability/availability-data.ts";
import type { Locale } from "../settings/settings.ts";
import type { AnswersCheck, Question, StoredAnswer } from "../catalog/questions.ts";
import type { WebhookEvent } from "../webhooks/types.ts";

/**
 * `confirmed` holds the time; `cancelled` released it; after the start an admin can mark a
 * confirmed appointment `attended` or `no_show` (both keep the time, which is past anyway).
 */
export type AppointmentStatus = "confirmed" | "cancelled" | "attended" | "no_show";

/** The statuses an admin sets after the start (and `confirmed`, to undo a mark). */
export type AttendanceStatus = "confirmed" | "attended" | "no_show";

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
  /** The customer's language: their emails (and later reminders) are written in it. */
  locale: Locale;
  /** The intake answers, each with its question as asked (never in emails or the staff feed). */
  answers: StoredAnswer[];
  rescheduledFrom: string | null;
  /** The recurring series it was booked in (its occurrences share it); a move keeps it. */
  seriesId: string | null;
  createdAtMs: number;
  updatedAtMs: number;
  cancelledAtMs: number | null;
  /**
   * The calendar event (RFC 5545): the UID stays the same across reschedules (the new appointment
   * inherits it) and the SEQUENCE grows with each one.
   */
  calendar: { uid: string; sequence: number };
  /** The latest attendance change (`attended`, `no_show`, or back to `confirmed`); null if none. */
  attendanceChangedAtMs: number | null;
  /** Who made it: "admin" today; a staff account's id once there are staff accounts. */
  attendanceChangedBy: string | null;
}

/** A file sent with an email (the calendar file of a booking); `content` is text. */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/** An email written in the same transaction as the change it announces (transactional outbox). */
export interface OutboxEmail {
  id: string;
  to: string;
  subject: string;
  /** The plain-text part. */
  body: string;
  /** The HTML part (null for rows written before emails had one). */
  html: string | null;
  attachments: EmailAttachment[];
  /**
   * The appointment it is about (the first one when it covers several): stored with the row so
   * the business app can list an appointment's emails. Absent: about no appointment.
   */
  appointmentId?: string | null;
  kind:
    | "confirmation"
    | "cancellation"
    | "reschedule"
    | "reminder"
    | "sign-in-code"
    | "system-alert"
    | "waitlist-code"
    | "waitlist-offer";
}

/** What the booking store reads about a booking inside its transaction, for its emails. */
export interface BookingFacts {
  businessName: string;
  serviceName: string;
  staffName: string;
  priceMinor: number;
  currency: string;
}

/** What a change announces, written to the outbox in the change's own transaction. */
export interface Announcement {
  emails: OutboxEmail[];
  events: WebhookEvent[];
  /** The admin's audit entry, written in the same transaction (src/http/admin-audit.ts). */
  audit?: AuditEntry;
}

export interface BookInput {
  staffId: string;
  serviceId: string;
  appointmentIds: string[];
  startsMs: number[];
  customer: Customer;
  notes: string;
  /**
   * The customer's language for the appointments and their emails; null: the business's
   * `defaultLocale`, as the transaction reads the settings (no statement of its own).
   */
  locale: Locale | null;
  /**
   * The intake answers to store, given the service's questions as the transaction reads them
   * (no statement of its own); a refusal books nothing ("bad-answers"). A move keeps the
   * answers as they were asked.
   */
  answers: (questions: Question[]) => AnswersCheck;
  manageTokenHash: string;
  /**
   * The Idempotency-Key's record, and `holdHash`: a second record under the hold token's own
   * key, so that the hold books at most once and a retry with any key finds its booking.
   */
  idempotency: { keyHash: string; bodyHash: string; holdHash?: string } | null;
  nowMs: number;
  /** The emails and webhook events, built once the appointments and their facts are known. */
  announce: (appointments: Appointment[], facts: BookingFacts) => Announcement;
  /**
   * Re-checked inside the transaction with the rows its catalog read returns (working time,
   * closures, notice, horizon; see still-bookable.ts). Absent for admin moves, which skip it.
   */
  bookable?: BookableCheck;
  /** Links the appointments of a series hold (a reschedule keeps the replaced one's). */
  seriesId?: string | null;
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
  | { kind: "too-late"; cutoffMs: number }
  /** The settings' `noShowLimit`: the customer's email has too many recent no-shows. */
  | { kind: "no-show-limit"; count: number; limit: { count: number; days: number } }
  | { kind: "bad-answers"; field: string; message: string };

/**
 * Why an attendance change is refused: the appointment is cancelled, has not started (a mark
 * needs the start to have passed), or its mark is final (more than 7 days after the start).
 */
export type AttendanceRefusal = "cancelled" | "not-started" | "final";

/** A reminder the Cron Trigger is about to send, read with its appointment locked. */
export interface DueReminder {
  appointment: Appointment;
  /** Elapsed minutes before the start. */
  offsetMin: number;
  facts: BookingFacts;
  /**
   * The id the manage token may be derived from (the oldest appointment sharing its hash: the
   * booking's first), and the hash to check it against; a mismatch means no token in the links.
   */
  manageToken: { originId: string; hash: string };
}

export interface AppointmentFilter {
  fromMs?: number;
  toMs?: number;
  staffId?: string;
  status?: AppointmentStatus;
  /** Matched case-insensitively (the column's collation). */
  customerEmail?: string;
  /** Opaque cursor from the previous page. */
  after?: { startMs: number; id: string };
  limit: number;
}

/** What the booking transaction needs: which local dates' overrides to read, and the check (still-bookable.ts). */
export interface BookableCheck {
  /** Local dates (sorted) whose overrides the transaction reads; closures are read around them. */
  dates: string[];
  /** null when every slot is still bookable, else the reason (after "holdId: "). */
  check(data: AvailabilityData): string | null;
}
