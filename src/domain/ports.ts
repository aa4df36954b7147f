/**
 * The narrow interfaces the domain needs from the outside world. Storage adapters implement them
 * (src/storage/*); the composition root (src/compose.ts) wires them; tests may fake them.
 */

import type { IncidentKind, IncidentState, OutboxBacklog } from "./alerts/incidents.ts";
import type { AvailabilityData } from "./availability/availability-data.ts";
import type {
  Announcement,
  Appointment,
  AppointmentFilter,
  AttendanceRefusal,
  AttendanceStatus,
  BookInput,
  BookingFacts,
  BookOutcome,
  CancelScope,
  DueReminder,
  OutboxEmail,
} from "./booking/types.ts";
import type {
  Closure,
  DateOverride,
  Service,
  ServiceInput,
  Staff,
  StaffInput,
  WeeklySchedule,
} from "./catalog/types.ts";
import type { ProbeResult } from "./health/store-status.ts";
import type { LiveReschedule } from "./live/reschedule-of.ts";
import type {
  BeginBookingOutcome,
  HoldAttempt,
  HolderTags,
  HoldOutcome,
  HoldUndo,
  LiveCells,
  LiveChange,
  LiveEntry,
  LiveEntryDump,
  LiveTicket,
  OfferDay,
  OfferMeta,
  SelectOutcome,
  SlotRef,
  WatchOutcome,
} from "./live/types.ts";
import type { AppointmentMessages } from "./outbox/appointment-messages.ts";
import type { OutboxQueue } from "./outbox/types.ts";
import type { Settings } from "./settings/settings.ts";
import type {
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEventType,
} from "./webhooks/types.ts";
import type { AuditEntry, PendingAudit } from "./audit.ts";
import type { WaitlistRepo } from "./waitlist/types.ts";

export type { AuditEntry, PendingAudit };

/** Checks a store end to end (Redis: write and read back a short-lived key; MySQL: SELECT 1). */
export interface StoreProbe {
  probe(): Promise<ProbeResult>;
}

/** Wall-clock time, injected so that domain logic is deterministic under test. */
export interface Clock {
  nowMs(): number;
}

/**
 * The catalog in the booking store. Writes that touch several rows run in one transaction;
 * `deleteService` and `deleteStaff` refuse (return "has-future-appointments") inside the same
 * transaction that would delete, so an appointment booked meanwhile is never orphaned.
 */
export interface CatalogRepo {
  // A write given an admin request's `audit` entry records it in its own transaction when it
  // changed something (src/storage/mysql/audit-repo.ts).
  getSettings(): Promise<Settings>;
  putSettings(settings: Settings, audit?: PendingAudit): Promise<void>;

  listServices(options: { activeOnly: boolean }): Promise<Service[]>;
  getService(id: string): Promise<Service | null>;
  createService(id: string, input: ServiceInput, audit?: PendingAudit): Promise<Service>;
  updateService(id: string, input: ServiceInput, audit?: PendingAudit): Promise<Service | null>;
  deleteService(
    id: string,
    audit?: PendingAudit,
  ): Promise<"deleted" | "not-found" | "has-future-appointments">;

  listStaff(options: { activeOnly: boolean; serviceId?: string }): Promise<Staff[]>;
  getStaff(id: string): Promise<Staff | null>;
  createStaff(id: string, input: StaffInput, audit?: PendingAudit): Promise<Staff>;
  updateStaff(id: string, input: StaffInput, audit?: PendingAudit): Promise<Staff | null>;
  deleteStaff(
    id: string,
    audit?: PendingAudit,
  ): Promise<"deleted" | "not-found" | "has-future-appointments">;

  getSchedule(staffId: string): Promise<WeeklySchedule | null>;
  putSchedule(staffId: string, weekly: WeeklySchedule, audit?: PendingAudit): Promise<boolean>;

  listOverrides(staffId: string, range: { from?: string; to?: string }): Promise<DateOverride[]>;
  putOverride(override: DateOverride, audit?: PendingAudit): Promise<boolean>;
  deleteOverride(staffId: string, date: string, audit?: PendingAudit): Promise<boolean>;

  listClosures(): Promise<Closure[]>;
  createClosure(closure: Closure, audit?: PendingAudit): Promise<Closure>;
  deleteClosure(id: string, audit?: PendingAudit): Promise<boolean>;
}

export interface AvailabilitySource {
  /** null when the service does not exist or is inactive. */
  load(request: {
    serviceId: string;
    staffId?: string;
    fromDate: string;
    toDate: string;
    /**
     * Reschedule: read the appointment (and the session, by its token hash) in the same
     * statement, so availability stays at one SQL round trip.
     */
    reschedule?: { appointmentId: string; sessionTokenHash: string | null; nowMs: number };
  }): Promise<AvailabilityData | null>;
}

/**
 * Live slot state: every operation is ONE atomic call (a Lua script on Redis; one statement or
 * transaction on the fallback store), so holds are exclusive and multi-slot holds all-or-nothing.
 */
export interface LiveStateStore {
  /** Publishes what availability offered and returns the live cells of each staff member. */
  overlay(input: {
    serviceId: string;
    meta: OfferMeta;
    staff: { staffId: string; days: OfferDay[] }[];
    clientTag: string | null;
    /** Publish to this reschedule's private offer scope and leave out its own booked entry. */
    reschedule?: LiveReschedule | null;
    nowMs: number;
  }): Promise<LiveCells[][]>;
  select(input: {
    serviceId: string;
    staffId: string;
    clientTag: string;
    slot: SlotRef;
    nowMs: number;
  }): Promise<SelectOutcome>;
  hold(input: {
    serviceId: string;
    staffId: string;
    clientTag: string;
    holdKey: string;
    tokenHash: string;
    /** The hash of the hold token the request presented (X-Hold-Token), or null. */
    presentedTokenHash: string | null;
    /** Counted against the hold limits; null: not counted. */
    holders?: HolderTags | null;
    slots: SlotRef[];
    /** Check this reschedule's private offer, and let its own booked entry not block. */
    reschedule?: LiveReschedule | null;
    /**
     * The request's own attempt at this hold, so that undoHold can take back what this very call
     * did should its answer be lost. `keyed`: the request carries an Idempotency-Key, so a retry
     * may be handed the same hold (and the store records which attempt made it).
     */
    attempt?: HoldAttempt | null;
    nowMs: number;
  }): Promise<HoldOutcome>;
  /**
   * Takes back the hold that `attempt` made, when its request is answered with an error (its
   * answer came too late to be trusted, or never): removed only while it is still that very hold
   * (hold key and token hash) and, for a keyed hold, while no retry with the same key has been
   * handed it. A hold call of that attempt arriving after the undo holds nothing. Idempotent.
   * "undone": removed; "kept": a retry was handed it; "gone": nothing of this attempt is held.
   */
  undoHold(input: {
    staffId: string;
    holdKey: string;
    tokenHash: string;
    attempt: HoldAttempt;
    /** The holders the hold was counted for (null: not counted). */
    holders?: HolderTags | null;
    nowMs: number;
  }): Promise<HoldUndo>;
  /**
   * Extend and release act only for the hold's holder: `tokenHash` must be the hold's, and
   * `holders` (from the signed token's claim) must name the hold's client, whose hold-limit places
   * follow the hold. Anything else answers as an unknown hold (null, false).
   */
  extend(input: {
    staffId: string;
    holdKey: string;
    tokenHash: string;
    holders?: HolderTags | null;
    nowMs: number;
  }): Promise<{ expiresAtMs: number; capped: boolean } | null>;
  release(input: {
    staffId: string;
    holdKey: string;
    tokenHash: string;
    holders?: HolderTags | null;
    nowMs: number;
  }): Promise<boolean>;
  /**
   * Keeps (or drops) the client's marker and returns the live entries overlapping
   * [fromMs, toMs); with `localDate`, only those whose start, in the entry's own UTC offset,
   * falls on that date (a store may then read that date's UTC range only).
   */
  heartbeat(input: {
    staffId: string;
    clientTag: string;
    keepViewing: boolean;
    fromMs: number;
    toMs: number;
    localDate?: string;
    nowMs: number;
  }): Promise<LiveEntry[]>;
  /**
   * Before a booking's SQL transaction: claims the idempotency key, checks that nobody else
   * holds or has just booked the slots, and turns the caller's hold into booked entries. While
   * the hold exists, the caller must be its holder as for extend ("wrong-token" otherwise).
   */
  beginBooking(input: {
    staffId: string;
    holdKey: string;
    tokenHash: string;
    holders?: HolderTags | null;
    clientTag: string;
    idempotency: { keyHash: string; bodyHash: string } | null;
    slots: {
      startMs: number;
      endMs: number;
      cellStart: number;
      cellEnd: number;
      offsetMin: number;
      appointmentId: string;
    }[];
    /** Reschedule: the booked entry of the appointment being moved does not block (or null). */
    ignoreBookedId?: string | null;
    nowMs: number;
  }): Promise<BeginBookingOutcome>;
  /** Drops the booked entries of appointments that were cancelled or moved (best effort). */
  clearBooked(input: { staffId: string; appointmentIds: string[]; nowMs: number }): Promise<void>;
  /** Undoes beginBooking after the SQL transaction failed. */
  abortBooking(input: {
    staffId: string;
    idempotencyKeyHash: string | null;
    appointmentIds: string[];
    restore: string[];
    nowMs: number;
  }): Promise<void>;
  /**
   * A live stream's read (GET /v1/live): the entries over a window, touching nobody's marker,
   * and the stream's lease under its address's limit of open streams (`most` = 0: renew only).
   * A store that cannot push (the fallback) answers "poll".
   */
  watch(input: {
    staffId: string;
    clientTag: string;
    fromMs: number;
    toMs: number;
    stream: { id: string; ipGroup: string; leaseMs: number; most: number };
    nowMs: number;
  }): Promise<WatchOutcome>;
  /** The stream ended: its place under the address's limit is free (best effort). */
  unwatch(input: { streamId: string; ipGroup: string }): Promise<void>;
  /** Keeps a live-stream ticket under its hash until its `expiresAtMs`. */
  putTicket(input: { ticketHash: string; ticket: LiveTicket; nowMs: number }): Promise<void>;
  /**
   * Takes a ticket: its record the first time it is asked for before its expiry, and null after
   * (used, expired or unknown). Two concurrent takes of one ticket: at most one gets it.
   */
  takeTicket(input: { ticketHash: string; nowMs: number }): Promise<LiveTicket | null>;
  /** Admin listing: a page of live entries, walking the store with a cursor ("0" = start/done). */
  scan(input: {
    cursor: string;
    staffId?: string;
    nowMs: number;
  }): Promise<{ cursor: string; entries: LiveEntryDump[] }>;
}

/**
 * Live push: the changes of one staff member's local date as the store publishes them (every
 * script that changes entries publishes what it changed, in the same call).
 */
export interface LivePush {
  /**
   * Subscribes, and resolves once the store confirmed the subscription: every change published
   * afterwards reaches `onChanges`, in order. Rejects when the store cannot subscribe now (down,
   * or this isolate is on the fallback). `onEnd` is called at most once, when the subscription
   * fails after it was confirmed.
   */
  subscribe(input: {
    staffId: string;
    date: string;
    clientTag: string;
    onChanges: (changes: LiveChange[]) => void;
    onEnd: (error: unknown) => void;
  }): Promise<{ close(): void }>;
}

/**
 * Appointments in MySQL, the final arbiter. `book` runs ONE transaction: the no-overlap rule is
 * enforced inside it by the database (a row per 5-minute cell under a unique key), never by a
 * check before it.
 */

export interface BookingRepo {
  book(input: BookInput): Promise<BookOutcome>;
  findIdempotencyRecord(
    keyHash: string,
  ): Promise<{ bodyHash: string; appointmentIds: string[] } | null>;
  getAppointments(ids: string[]): Promise<(Appointment & { manageTokenHash: string })[]>;
  /**
   * Cancels in one transaction (status, freed cells, and what `announce` returns: emails and
   * webhook events). `cutoffMs`: refuse if start − now < it ("settings": the business's cancel
   * cut-off, read in the same locking statement). `authorize`: the caller's credential, checked
   * on the locked row before anything is written; false answers not-found and changes nothing.
   */
  cancel(input: {
    id: string;
    nowMs: number;
    cutoffMs: number | null | "settings";
    authorize?: (appointment: Appointment & { manageTokenHash: string }) => Promise<boolean>;
    /** `more`: the other occurrences of a series cancelled with it (scope following/all). */
    announce: (a: Appointment, facts: BookingFacts, more?: Appointment[]) => Announcement;
    /**
     * `one` (default): this appointment. `following`: it and its series' later confirmed
     * occurrences; `all`: every confirmed occurrence of its series. The cut-off applies to each:
     * occurrences inside it stay and come back as `left`.
     */
    scope?: CancelScope;
  }): Promise<
    | {
        kind: "cancelled";
        /** The appointment named, or (cancelled in a series scope while it is not) the first. */
        appointment: Appointment;
        /** Every appointment cancelled, by start. */
        appointments: Appointment[];
        /** Occurrences in the scope left confirmed because they are inside the cut-off. */
        left: Appointment[];
        /** The cut-off applied (null: none). */
        cutoffMs: number | null;
        /**
         * The cancelled appointments someone may be waiting for, read in the locking statement
         * (a waiting entry for the service around its date): only these are offered.
         */
        waitlisted: string[];
      }
    | { kind: "not-found" }
    | { kind: "not-confirmed" }
    | { kind: "too-late"; cutoffMs: number; appointment: Appointment }
  >;
  /**
   * Sets an attendance status in one transaction. `decide` judges the locked row and returns a
   * refusal (nothing written) or null; the same status again is "unchanged" (nothing written,
   * nothing announced); otherwise the row, one history row and the announcement are written.
   */
  markAttendance(input: {
    id: string;
    status: AttendanceStatus;
    actor: string;
    changeId: string;
    nowMs: number;
    decide: (appointment: Appointment) => AttendanceRefusal | null;
    announce: (a: Appointment) => Announcement;
  }): Promise<
    | { kind: "not-found" }
    | { kind: "refused"; reason: AttendanceRefusal; appointment: Appointment }
    | { kind: "unchanged"; appointment: Appointment }
    | { kind: "changed"; appointment: Appointment }
  >;
  /**
   * The reminders due now, each at most once: per offset in use (the settings' `reminders` and
   * the services' own), the confirmed appointments starting in (now + offset − catch-up, now +
   * offset] (never after their start) that were booked before their reminder was due, found by
   * the start index; then one transaction locks them, skips those already sent, and writes each
   * (appointment, offset) key with what `announce` returns. At most `limit` per offset.
   */
  sendDueReminders(input: {
    nowMs: number;
    catchUpMs: number;
    limit: number;
    announce: (due: DueReminder[]) => Promise<Announcement>;
  }): Promise<{ sent: number }>;
  list(filter: AppointmentFilter): Promise<Appointment[]>;
  listOutbox(input: {
    limit: number;
    pendingOnly: boolean;
    to?: string;
  }): Promise<(OutboxEmail & { createdAtMs: number; sentAtMs: number | null })[]>;
  /**
   * The emails and webhook deliveries about one appointment, newest first, at most `limit` of
   * each, in ONE statement that also tells whether the appointment exists (null: it does not).
   */
  messagesOf(appointmentId: string, limit: number): Promise<AppointmentMessages | null>;
}

/** Delivers one email with its attachments (production: an HTTP email API). Throws when refused. */
export interface Mailer {
  send(email: OutboxEmail): Promise<void>;
}

/** Webhook endpoints, their signing secrets and their attempt log, in MySQL. */
export interface WebhookRepo {
  create(
    input: {
      id: string;
      url: string;
      events: WebhookEventType[];
      active: boolean;
      secret: string;
      nowMs: number;
    },
    audit?: PendingAudit,
  ): Promise<WebhookEndpoint>;
  list(): Promise<WebhookEndpoint[]>;
  get(id: string): Promise<WebhookEndpoint | null>;
  /** The endpoint's current signing secret (null when there is no such endpoint). */
  secretOf(id: string): Promise<string | null>;
  /** Setting `active` clears an automatic disable's reason. */
  update(
    id: string,
    patch: { url?: string; events?: WebhookEventType[]; active?: boolean },
    nowMs: number,
    audit?: PendingAudit,
  ): Promise<WebhookEndpoint | null>;
  /** Deletes the endpoint, its pending deliveries and its attempt log. */
  delete(id: string, audit?: PendingAudit): Promise<boolean>;
  rotateSecret(id: string, secret: string, nowMs: number, audit?: PendingAudit): Promise<boolean>;
  recordAttempt(
    attempt: WebhookAttempt & { endpointId: string; deliveryId: string },
  ): Promise<void>;
  markSuccess(endpointId: string, nowMs: number): Promise<void>;
  /**
   * Disables the endpoint unless it delivered something since `failingSinceMs` (a delivery that
   * failed for 3 days says little if others got through). True when it disabled it.
   */
  disableIfFailingSince(
    endpointId: string,
    failingSinceMs: number,
    reason: string,
    nowMs: number,
  ): Promise<boolean>;
  listAttempts(endpointId: string, limit: number): Promise<WebhookAttempt[]>;
}

/**
 * The deployment's system incidents in MySQL (docs/adr/1201-system-alerts.md), one row per kind,
 * scoped to the deployment (its key prefix).
 */
export interface IncidentRepo {
  /**
   * In ONE transaction: locks the row of `kind` (created first when `create`; without it a
   * missing row is read as no incident), hands its state to `step`, and when the step returns a
   * change writes the new state and, in the same transaction, what it announces (outbox rows).
   * Isolates racing on one incident take turns on the row lock, so each sees the last one's state.
   */
  transition(
    kind: IncidentKind,
    nowMs: number,
    options: { create: boolean },
    step: (state: IncidentState) => {
      next: IncidentState;
      detail: string | null;
      announcement: Announcement;
    } | null,
  ): Promise<boolean>;
  /**
   * Outbox rows still pending that were written before `beforeMs`: webhook deliveries, and emails
   * when `emails` (without a mailer the email outbox is the mailbox and nothing is ever sent).
   */
  backlog(beforeMs: number, options: { emails: boolean }): Promise<OutboxBacklog>;
}

/** Sends one signed webhook request (Standard Webhooks), bounded by a timeout. */
export interface WebhookSender {
  send(input: {
    url: string;
    secret: string;
    messageId: string;
    timestampMs: number;
    body: string;
    timeoutMs: number;
  }): Promise<{ statusCode: number }>;
}

/** The per-staff calendar-feed keys, stored as hashes. */
export interface CalendarKeyRepo {
  /** Sets (or replaces) the staff member's key hash; false when the staff member does not exist. */
  put(staffId: string, keyHash: string, nowMs: number, audit?: PendingAudit): Promise<boolean>;
  delete(staffId: string, audit?: PendingAudit): Promise<boolean>;
  find(staffId: string): Promise<string | null>;
}

/** An exact sliding-window limit over several keys at once (all or nothing), in one call. */
export interface ExactLimiter {
  take(input: {
    keys: { key: string; limit: number }[];
    windowMs: number;
    nowMs: number;
  }): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
}

/** Sign-in codes and sessions in MySQL (they survive a Redis outage), stored only as hashes. */
export interface AuthRepo {
  /**
   * Stores a new code (superseding older ones) and its email, in one transaction, unless the
   * email already had `limit.max` codes in the last `limit.windowMs`: counted in the codes table
   * under a per-email row lock, so the limit is exact whatever else runs.
   */
  createCode(input: {
    id: string;
    email: string;
    codeHash: string;
    nowMs: number;
    expiresAtMs: number;
    /**
     * null: the code is stored and counted but sent nowhere (a business sign-in for an address
     * with no active account), so that the answer and its limits do not tell the two apart.
     */
    message: OutboxEmail | null;
    limit: { max: number; windowMs: number };
  }): Promise<{ issued: true } | { issued: false; retryAfterMs: number }>;
  /**
   * Checks the email's latest code in one transaction, under the same per-email row lock: past
   * `failureCap.max` failed verifications in the last `failureCap.windowMs` it answers
   * "locked" (even for the right code); else a wrong code counts an attempt and a failure; the
   * right one is used up and a session created. "dead": none, used, expired, or out of attempts.
   */
  verifyCode(input: {
    email: string;
    /** The guess hashed with each accepted secret (current first, then the previous one). */
    codeHashes: string[];
    nowMs: number;
    maxAttempts: number;
    failureCap: { max: number; windowMs: number };
    /**
     * The session the right code creates: a customer's (in `sessions`), or with `accountId` a
     * business account's (in `business_sessions`, src/domain/auth/accounts.ts). null: none
     * (the right code is still used up).
     */
    session: { tokenHash: string; expiresAtMs: number; accountId?: string } | null;
  }): Promise<"ok" | "wrong" | "dead" | { locked: true; retryAfterMs: number }>;
  findSession(
    tokenHash: string,
    nowMs: number,
  ): Promise<{ email: string; expiresAtMs: number } | null>;
  revokeSession(tokenHash: string, nowMs: number): Promise<boolean>;
}

export type AccountRole = "owner" | "manager" | "staff";

/** A business account of the admin API (src/domain/auth/accounts.ts). */
export interface AccountRecord {
  id: string;
  email: string;
  name: string;
  role: AccountRole;
  /** The staff member a `staff` account is; null for the other roles. */
  staffId: string | null;
  /** Who created it: "admin-token", "key:<id>" or "account:<id>". */
  createdBy: string;
  createdAtMs: number;
  updatedAtMs: number;
  deactivatedAtMs: number | null;
}

/** Business accounts and their sessions (migrations/0026_business_accounts.sql). */
export interface AccountRepo {
  /** "email-taken": another account (active or not) has the email. */
  create(account: AccountRecord, audit?: PendingAudit): Promise<"created" | "email-taken">;
  find(id: string): Promise<AccountRecord | null>;
  findByEmail(email: string): Promise<AccountRecord | null>;
  /** Every account, deactivated ones too, newest first. */
  list(): Promise<AccountRecord[]>;
  /** null: no such account. A deactivated one is not changed ("deactivated"). */
  update(
    id: string,
    change: { name: string; role: AccountRole; staffId: string | null },
    nowMs: number,
    audit?: PendingAudit,
  ): Promise<AccountRecord | null | "deactivated">;
  /** Marks it deactivated (once; again changes nothing) and revokes its sessions, in one transaction. */
  deactivate(id: string, nowMs: number, audit?: PendingAudit): Promise<AccountRecord | null>;
  /** The active account of a live business session, read with its current role. */
  findSession(tokenHash: string, nowMs: number): Promise<AccountRecord | null>;
  revokeSession(tokenHash: string, nowMs: number): Promise<boolean>;
}

/**
 * The admin API's Idempotency-Key records: claimed before the operation runs, then holding its
 * answer (src/http/admin-idempotency.ts).
 */
export interface AdminIdempotencyRepo {
  claim(input: {
    keyHash: string;
    bodyHash: string;
    nowMs: number;
  }): Promise<
    | { kind: "claimed" }
    | { kind: "in-flight"; bodyHash: string }
    | { kind: "done"; bodyHash: string; status: number; response: string }
  >;
  complete(input: { keyHash: string; status: number; response: string }): Promise<void>;
  /** Frees a claim whose operation failed, so that a retry runs it. */
  forget(keyHash: string): Promise<void>;
}

/** An API key as stored: never its secret, only the secret's SHA-256 (src/domain/auth/api-keys.ts). */
export interface ApiKeyRecord {
  /** The public id, also the key's visible prefix after `ae_live_`. */
  id: string;
  name: string;
  scopes: string[];
  createdAtMs: number;
  expiresAtMs: number | null;
  revokedAtMs: number | null;
  /** Who created it: "admin-token" or "key:<id>". */
  createdBy: string;
}

export interface AuditFilter {
  actor?: string;
  operation?: string;
  targetId?: string;
  fromMs?: number;
  toMs?: number;
  /** Entries strictly older than this one (newest first). */
  before?: { atMs: number; id: string };
  limit: number;
}

/** The audit log's own writes and reads. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(filter: AuditFilter): Promise<AuditEntry[]>;
}

/** API keys (migrations/0023_api_keys.sql). Create and revoke write an admin request's audit entry in their transaction. */
export interface ApiKeyRepo {
  create(key: ApiKeyRecord & { secretHash: string }, audit?: PendingAudit): Promise<void>;
  find(id: string): Promise<(ApiKeyRecord & { secretHash: string }) | null>;
  /** Newest first. */
  list(): Promise<ApiKeyRecord[]>;
  /** The key after its revocation (already revoked: unchanged, no entry), or null when unknown. */
  revoke(id: string, nowMs: number, audit?: PendingAudit): Promise<ApiKeyRecord | null>;
}

/** Everything a domain verb may use; built once per isolate by the composition root. */
/** The funnel's counters of one day (docs/adr/1205-the-booking-funnel.md). */
export interface FunnelCounts {
  selections: number;
  holdsCreated: number;
  holdsBooked: number;
  holdsReleased: number;
  /** Holds that expired unbooked (swept by the live state's expiry index). */
  holdsExpired: number;
  bookings: number;
  cancellations: number;
  reschedules: number;
}

/** Where the funnel's counters are kept: the live store's daily counters and the booking store. */
export interface FunnelStatsSource {
  /**
   * The counts of each UTC date (YYYY-MM-DD, in order) of one staff member, or of every staff
   * member (null), and the store calls counted slow on each date, by operation.
   */
  read(input: { dates: string[]; staffId: string | null }): Promise<{
    days: { date: string; counts: FunnelCounts; slowCalls: Record<string, number> }[];
    /** False when Redis could not be read: the live counts are the MySQL fallback's alone. */
    liveComplete: boolean;
  }>;
}

export interface DomainContext {
  clock: Clock;
  liveStateProbe: StoreProbe;
  bookingStoreProbe: StoreProbe;
  catalog: CatalogRepo;
  availability: AvailabilitySource;
  liveState: LiveStateStore;
  /** null where nothing can push (route tests with fake ports): GET /v1/live answers "poll". */
  livePush: LivePush | null;
  bookings: BookingRepo;
  auth: AuthRepo;
  limiter: ExactLimiter;
  emailOutbox: OutboxQueue<OutboxEmail>;
  webhookOutbox: OutboxQueue<WebhookDelivery>;
  /** null in development: the outbox is the mailbox (GET /v1/admin/outbox). */
  mailer: Mailer | null;
  webhooks: WebhookRepo;
  webhookSender: WebhookSender;
  calendarKeys: CalendarKeyRepo;
  adminIdempotency: AdminIdempotencyRepo;
  incidents: IncidentRepo;
  /** When system alerts are raised (docs/adr/1201-system-alerts.md). */
  alerting: AlertingConfig;
  apiKeys: ApiKeyRepo;
  accounts: AccountRepo;
  audit: AuditLog;
  /**
   * An admin write's audit entry (src/http/admin-audit.ts), set for that request only: the verb
   * hands it to the repo write that makes the change, which records it in the same transaction.
   */
  pendingAudit?: PendingAudit;
  funnel: FunnelStatsSource;
  /** The waitlist's entries and offers (src/domain/waitlist/). */
  waitlist: WaitlistRepo;
  /**
   * Starts work that outlives the response, kept alive by Workers' waitUntil. Where nothing can
   * keep it alive (no execution context: `app.request` in Node tests) it is not started at all;
   * whatever it would have done is left to the Cron Trigger. Errors are the work's own concern.
   */
  defer(work: () => Promise<unknown>): void;
  /** Settings of the deployment that the domain needs. */
  deployment: {
    /** Where the booking pages live: emails link to `${publicBaseUrl}/manage?…`. No trailing slash. */
    publicBaseUrl: string;
    /** Production: webhook URLs must be https and public. Otherwise http://127.0.0.1 is allowed too. */
    production: boolean;
  };
  /**
   * Keys derived from the deployment's token secret (signing hold tokens, deriving manage
   * tokens, keying code hashes), and those of the secret it replaced, if any: `previous` only
   * ever verifies, it never signs.
   */
  secrets: SecretKeys & { previous: SecretKeys | null };
}

/** The thresholds and cool-down of system alerts (env: ALERT_*, REDIS_MEMORY_*, OUTBOX_*). */
export interface AlertingConfig {
  /** After an alert of one kind, another of that kind waits this long (a flapping Redis). */
  cooldownMs: number;
  /** Redis's memory limit (the plan's or maxmemory), in bytes. */
  redisMemoryLimitBytes: number;
  /** Share of the limit, in percent, above which memory is high. */
  redisMemoryAlertPercent: number;
  /** A delivery pending (failing or not yet tried) this long is a backlog. */
  outboxBacklogAfterMs: number;
}

/** The keys of one token secret, one per purpose. */
export interface SecretKeys {
  holdTokenKey: string;
  manageTokenKey: string;
  codeKey: string;
}
