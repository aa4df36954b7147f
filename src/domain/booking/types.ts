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

/** What a booking and a move share. */
interface BookCommon {
  staffId: string;
  serviceId: string;
  appointmentIds: string[];
  startsMs: number[];
  /**
   * The Idempotency-Key's record, and `holdHash`: a second record under the hold token's own
   * key, so that the hold books at most once and a retry with any key finds its booking.
   */
  idempotency: { keyHash: string; bodyHash: string; holdHash?: string } | null;
  nowMs: number;
  /**
   * Re-checked inside the transaction with the rows its catalog read returns (working time,
   * closures, notice, horizon; see still-bookable.ts). Absent for admin moves, which skip it.
   */
  bookable?: BookableCheck;
}

/** A new booking: who books, and what the booking carries. */
export interface NewBooking extends BookCommon {
  replaces?: undefined;
  customer: Customer;
  notes: string;
  /**
   * The customer's language for the appointments and their emails; null: the business's
   * `defaultLocale`, as the transaction reads the settings (no statement of its own).
   */
  locale: Locale | null;
  /**
   * The intake answers to store, given the service's questions as the transaction reads them
   * (no statement of its own); a refusal books nothing ("bad-answers").
   */
  answers: (questions: Question[]) => AnswersCheck;
  manageTokenHash: string;
  /** Links the appointments of a series hold. */
  seriesId?: string | null;
  /** The emails and webhook events, built once the appointments and their facts are known. */
  announce: (appointments: Appointment[], facts: BookingFacts) => Announcement;
}

/** An appointment a move replaces, as the move's transaction reads it. */
export type ReplacedAppointment = Appointment & {
  manageTokenHash: string;
  /** The oldest appointment sharing its manage token hash: the id its manage token derives from. */
  manageTokenOriginId: string | null;
};

/**
 * A move: the appointments it replaces are cancelled in the same transaction (their cells freed
 * first, so the new times may overlap them). The new appointments keep the replaced one's
 * customer, notes, language, answers, manage token and series, as the transaction reads them.
 */
export interface Move extends BookCommon {
  replaces: {
    appointmentId: string;
    /**
     * Refuse ("too-late") when one replaced starts sooner than this; "settings": the settings'
     * `rescheduleCutoffMin`, as the transaction reads them (no statement of its own).
     */
    cutoffMs: number | null | "settings";
    /**
     * `one` (default): this appointment. `following` / `all`: with its series' later (or all)
     * confirmed occurrences, mapped in order onto the new times (same count, else
     * "wrong-count"). Without a series, every scope is `one`.
     */
    scope?: CancelScope;
    /**
     * The caller's credential, judged on the named row as the transaction reads it, before
     * anything is written: false answers "replaced-not-found" and changes nothing.
     */
    authorize?: (replaced: ReplacedAppointment) => Promise<boolean>;
  };
  /** `previous`: the replaced appointments, by start (the new ones map onto them in order). */
  announce: (
    appointments: Appointment[],
    facts: BookingFacts,
    previous: Appointment[],
  ) => Announcement;
}

export type BookInput = NewBooking | Move;

/** Which occurrences of a series a cancel or a move takes. */
export type CancelScope = "one" | "following" | "all";

export type BookOutcome =
  | {
      kind: "booked";
      appointments: Appointment[];
      /** A move's replaced appointments, now cancelled (by start); empty for a new booking. */
      replaced: Appointment[];
      /**
       * The replaced appointments someone may be waiting for (a waiting entry for the service
       * around its date), read in the same statement: only these are offered to the waitlist.
       */
      waitlisted: string[];
    }
  | { kind: "slot-taken" }
  | { kind: "idempotency-used" }
  | { kind: "not-bookable"; reason: string }
  /** The replaced appointment does not exist, or the credential is not its own. */
  | { kind: "replaced-not-found" }
  | { kind: "replaced-not-confirmed" }
  /** A series scope whose occurrences are not as many as the new times. */
  | { kind: "wrong-count"; occurrences: number; times: number }
  /** A replaced appointment (the first such) starts inside the cut-off. */
  | { kind: "too-late"; cutoffMs: number; appointment: Appointment }
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
  /** A part of the customer's name, matched case-insensitively (the column's collation). */
  customerName?: string;
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
