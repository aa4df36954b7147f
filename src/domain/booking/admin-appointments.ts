/**
 * Admin verbs over appointments: list them page by page, cancel and reschedule them without the
 * customer cut-offs. The verbs of one admin screen share a file; it is about 170 lines because
 * the page cursor's codec belongs beside the one verb that issues it.
 */
import { DomainError } from "../errors.ts";
import { ID_PATTERN, newId } from "../ids.ts";
import {
  APPOINTMENT_MESSAGES_LIMIT,
  type AppointmentMessages,
} from "../outbox/appointment-messages.ts";
import type { AuditEntry, DomainContext } from "../ports.ts";
import {
  isSupportedDate,
  parseSupportedDateTime,
  SUPPORTED_DATES_TEXT,
} from "../time/supported-range.ts";
import {
  announceAttendance,
  announceCancel,
  announceReschedule,
  recorded,
  withAudit,
} from "./announce.ts";
import { beginFromHold, holdSpent, resolveHold } from "./book-appointment.ts";
import { forgetBooked } from "./manage-appointment.ts";
import { nearbySlots } from "./nearby-slots.ts";
import { type PresentedAppointment, presentAppointment } from "./present.ts";
import { derivedManageToken } from "./recover-manage-token.ts";
import type {
  Appointment,
  AppointmentFilter,
  AppointmentStatus,
  AttendanceRefusal,
  AttendanceStatus,
} from "./types.ts";

export interface ListAppointmentsInput {
  /** UTC days, YYYY-MM-DD: appointments that start from `from` (inclusive) to `to` (exclusive). */
  from?: string;
  to?: string;
  staffId?: string;
  status?: AppointmentStatus;
  customerEmail?: string;
  customerName?: string;
  cursor?: string;
  /** 1..200. */
  limit: number;
}

/** The cursor is opaque to clients: base64url of `${startMs}:${id}` of a page's last item. */
function encodeCursor(startMs: number, id: string): string {
  return btoa(`${startMs}:${id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string): { startMs: number; id: string } {
  const bad = new DomainError("BAD_REQUEST", "query.cursor: must be a cursor from a previous page");
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw bad;
  let text: string;
  try {
    text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    throw bad;
  }
  const match = /^(\d{1,15}):(.+)$/.exec(text);
  if (!match?.[2] || !ID_PATTERN.test(match[2])) throw bad;
  return { startMs: Number(match[1]), id: match[2] };
}

function utcDayStartMs(date: string, field: "from" | "to"): number {
  if (!isSupportedDate(date)) {
    throw new DomainError(
      "BAD_REQUEST",
      `query.${field}: must be a calendar date YYYY-MM-DD ${SUPPORTED_DATES_TEXT}`,
    );
  }
  return Date.parse(`${date}T00:00:00Z`);
}

/**
 * A page of appointments by start time (then id), filtered. One row more than the page is read
 * so that the last page says so (`nextCursor: null`) instead of leading to an empty one.
 */
export async function listAppointments({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: ListAppointmentsInput;
}): Promise<{ appointments: PresentedAppointment[]; nextCursor: string | null }> {
  const filter: AppointmentFilter = { limit: input.limit + 1 };
  if (input.from !== undefined) filter.fromMs = utcDayStartMs(input.from, "from");
  if (input.to !== undefined) filter.toMs = utcDayStartMs(input.to, "to");
  if (filter.fromMs !== undefined && filter.toMs !== undefined && filter.toMs <= filter.fromMs) {
    throw new DomainError("BAD_REQUEST", "query.to: must be a later day than from (exclusive)");
  }
  if (input.staffId !== undefined) filter.staffId = input.staffId;
  if (input.status !== undefined) filter.status = input.status;
  if (input.customerEmail !== undefined) filter.customerEmail = input.customerEmail;
  if (input.customerName !== undefined) filter.customerName = input.customerName;
  if (input.cursor !== undefined) filter.after = decodeCursor(input.cursor);
  const rows = await ctx.bookings.list(filter);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > input.limit && last ? encodeCursor(last.startMs, last.id) : null;
  return { appointments: page.map(presentAppointment), nextCursor };
}

/** One appointment, whatever its status, with its intake answers. */
export async function adminGetAppointment({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}): Promise<PresentedAppointment> {
  const [appointment] = await ctx.bookings.getAppointments([input.id]);
  if (!appointment) throw appointmentNotFound();
  return presentAppointment(appointment);
}

/** Cancels a confirmed appointment at any time (no cut-off) and queues the customer's email. */
export async function adminCancelAppointment({
  ctx,
  input,
  audit,
}: {
  ctx: DomainContext;
  input: { id: string };
  /** The admin's audit entry, written in the cancel's transaction. */
  audit?: AuditEntry;
}): Promise<PresentedAppointment> {
  const nowMs = ctx.clock.nowMs();
  const announcement = recorded(withAudit(announceCancel(ctx), audit));
  const outcome = await ctx.bookings.cancel({
    id: input.id,
    nowMs,
    cutoffMs: null,
    announce: announcement.announce,
  });
  if (outcome.kind === "not-found") throw appointmentNotFound();
  if (outcome.kind !== "cancelled") throw notConfirmed();
  announcement.deliver(ctx);
  await forgetBooked(ctx, outcome.appointment, outcome.appointments, outcome.waitlisted);
  return presentAppointment(outcome.appointment);
}

/**
 * The live half of an admin move made with a hold of the new time (the app holds it while the
 * move is sent): the hold turns into the new appointment's booked entry, as a customer's move
 * does, so live state shows the time booked at once rather than free until the offer is read
 * again. Without a hold there is nothing to undo.
 */
async function bookHeldTime(
  ctx: DomainContext,
  input: { holdId?: string; holdToken?: string },
  move: { staffId: string; startMs: number; old: Appointment; appointmentId: string },
): Promise<{ undo(): Promise<void> }> {
  const none = { undo: async () => undefined };
  if (input.holdId === undefined || input.holdToken === undefined) return none;
  const hold = await resolveHold(ctx, input.holdId, input.holdToken).catch(() => {
    throw new DomainError("NOT_FOUND", "body.holdId: no such hold for this token");
  });
  const [slot, ...more] = hold.claim.slots;
  if (
    !slot ||
    more.length > 0 ||
    hold.staffId !== move.staffId ||
    hold.claim.serviceId !== move.old.serviceId ||
    slot.startMs !== move.startMs
  )
    throw new DomainError(
      "BAD_REQUEST",
      "body.holdId: the hold must be of the new time alone, for the same service and staff member",
    );
  const nowMs = ctx.clock.nowMs();
  const begin = await beginFromHold(ctx, hold, [move.appointmentId], null, nowMs, move.old.id);
  if (begin.kind === "wrong-token")
    throw new DomainError("NOT_FOUND", "body.holdId: no such hold for this token");
  if (begin.kind === "released") throw holdSpent("released");
  if (begin.kind === "held")
    throw new DomainError("SLOT_HELD", "body.holdId: another client holds this slot", {
      details: { heldUntil: new Date(begin.untilMs).toISOString() },
    });
  if (begin.kind !== "ok")
    throw new DomainError("SLOT_UNAVAILABLE", "body.start: the time was booked meanwhile");
  return {
    // Best effort, as a booking's undo: booked entries left behind lapse with the offer TTL.
    undo: () =>
      ctx.liveState
        .abortBooking({
          staffId: hold.staffId,
          idempotencyKeyHash: null,
          appointmentIds: [move.appointmentId],
          restore: begin.restore,
          nowMs: ctx.clock.nowMs(),
        })
        .catch(() => undefined),
  };
}

/**
 * Moves a confirmed appointment to `start` (optionally to another staff member) as a new
 * appointment whose `rescheduledFrom` is the old one. Admin override: working hours, closures,
 * notice and cut-offs are not checked, and live holds are not consulted. It can still never
 * double-book: the new appointment is booked and the old one cancelled in ONE MySQL transaction,
 * whose cells refuse any time another confirmed appointment covers (a client holding that time
 * then fails to book). Nothing changes unless the whole move succeeds.
 */
export async function adminRescheduleAppointment({
  ctx,
  input,
  audit,
}: {
  ctx: DomainContext;
  input: { id: string; start: string; staffId?: string; holdId?: string; holdToken?: string };
  /** The admin's audit entry, written in the move's transaction. */
  audit?: AuditEntry;
}): Promise<PresentedAppointment> {
  const start = parseSupportedDateTime(input.start);
  if (!start)
    throw new DomainError(
      "BAD_REQUEST",
      `body.start: must be a date-time with an offset, ${SUPPORTED_DATES_TEXT}`,
    );
  const [old] = await ctx.bookings.getAppointments([input.id]);
  if (!old) throw appointmentNotFound();
  if (old.status !== "confirmed") throw notConfirmed();
  const staffId = input.staffId ?? old.staffId;
  const appointmentId = newId("apt");
  const nowMs = ctx.clock.nowMs();
  const live = await bookHeldTime(ctx, input, { staffId, startMs: start.ms, old, appointmentId });
  let manageToken: string | null = null;
  const announcement = recorded(
    withAudit(
      announceReschedule(ctx, () => manageToken),
      audit,
    ),
  );
  // A move keeps the customer, language and answers as the transaction reads them.
  const outcome = await ctx.bookings
    .book({
      staffId,
      serviceId: old.serviceId,
      appointmentIds: [appointmentId],
      startsMs: [start.ms],
      idempotency: null,
      nowMs,
      announce: announcement.announce,
      replaces: {
        appointmentId: input.id,
        cutoffMs: null,
        // No credential to judge: only the email's links need the manage token, derived from
        // what the transaction reads (no read of its own).
        authorize: async (replaced) => {
          manageToken = await derivedManageToken(ctx, replaced);
          return true;
        },
      },
    })
    .catch(async (error: unknown) => {
      await live.undo();
      throw error;
    });
  if (outcome.kind !== "booked") await live.undo();
  switch (outcome.kind) {
    case "booked": {
      const [booked] = outcome.appointments;
      if (!booked) throw new Error("book() answered booked without an appointment");
      announcement.deliver(ctx);
      await forgetBooked(ctx, old, outcome.replaced, outcome.waitlisted);
      return presentAppointment(booked);
    }
    case "slot-taken": {
      const nearby = await nearbySlots(ctx, old.serviceId, staffId, start.ms, start.offsetMin);
      const message = "body.start: another appointment covers this time";
      throw new DomainError("SLOT_UNAVAILABLE", message, { details: { nearby } });
    }
    case "not-bookable":
      throw new DomainError("SLOT_UNAVAILABLE", `body.start: ${outcome.reason}`);
    case "replaced-not-found":
      throw appointmentNotFound();
    case "replaced-not-confirmed":
      // Cancelled or moved by someone else between the read above and the transaction.
      throw notConfirmed();
    default:
      throw new Error(`unexpected outcome of an admin reschedule: ${outcome.kind}`);
  }
}

/** How long after the start an attendance mark can still be changed (or undone). */
export const ATTENDANCE_CORRECTION_MS = 7 * 24 * 3_600_000;

/**
 * Whether `status` may be set on `a` now; null when it may (or when it is `a`'s status already:
 * repeating a mark is an idempotent no-op, whenever it comes). A mark needs the start to have
 * passed; changing a mark (to the other one, or back to `confirmed`) is possible until
 * ATTENDANCE_CORRECTION_MS after the start; a cancelled appointment takes none.
 */
export function attendanceRefusal(
  a: Pick<Appointment, "status" | "startMs">,
  status: AttendanceStatus,
  nowMs: number,
): AttendanceRefusal | null {
  if (a.status === status) return null;
  if (a.status === "cancelled") return "cancelled";
  if (status !== "confirmed" && nowMs < a.startMs) return "not-started";
  if (a.status !== "confirmed" && nowMs > a.startMs + ATTENDANCE_CORRECTION_MS) return "final";
  return null;
}

/**
 * Sets an appointment's attendance (`attended`, `no_show`, or back to `confirmed`), recording who
 * and when on the row and in its history, and announcing `appointment.attended` or
 * `appointment.no_show` through the outbox in the same transaction. `actor` is "admin" while the
 * admin token is the only credential.
 */
export async function adminMarkAttendance({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string; status: AttendanceStatus; actor: string };
}): Promise<PresentedAppointment> {
  const nowMs = ctx.clock.nowMs();
  // The request's audit entry rides in the announcement, written in the mark's transaction.
  const audit = ctx.pendingAudit?.written === false ? ctx.pendingAudit : undefined;
  const announcement = recorded(withAudit(announceAttendance(ctx), audit?.entry));
  const outcome = await ctx.bookings.markAttendance({
    id: input.id,
    status: input.status,
    actor: input.actor,
    changeId: newId("asc"),
    nowMs,
    decide: (a) => attendanceRefusal(a, input.status, nowMs),
    announce: announcement.announce,
  });
  if (outcome.kind === "not-found") throw appointmentNotFound();
  if (outcome.kind === "refused") {
    const { appointment, reason } = outcome;
    if (reason === "cancelled")
      throw new DomainError("CONFLICT", "id: the appointment is cancelled");
    if (reason === "not-started")
      throw new DomainError(
        "NOT_STARTED",
        `body.status: the appointment starts at ${new Date(appointment.startMs).toISOString()}; attendance can be set only after the start`,
      );
    throw new DomainError(
      "ATTENDANCE_FINAL",
      `body.status: the appointment started more than 7 days ago (${new Date(appointment.startMs).toISOString()}); its ${appointment.status} mark is final`,
    );
  }
  if (outcome.kind === "changed") {
    // Committed with the change; an unchanged mark wrote nothing and is recorded after the answer.
    if (audit) audit.written = true;
    announcement.deliver(ctx);
  }
  return presentAppointment(outcome.appointment);
}

function appointmentNotFound(): DomainError {
  return new DomainError("NOT_FOUND", "id: no such appointment");
}

function notConfirmed(): DomainError {
  return new DomainError("CONFLICT", "id: the appointment is not confirmed");
}

/** An appointment's emails and webhook deliveries; NOT_FOUND when there is no such appointment. */
export async function listAppointmentMessages({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}): Promise<AppointmentMessages> {
  const messages = await ctx.bookings.messagesOf(input.id, APPOINTMENT_MESSAGES_LIMIT);
  if (messages === null) throw new DomainError("NOT_FOUND", "id: no such appointment");
  return messages;
}
