/**
 * Appointments in MySQL: the booking and cancel transactions (with
 * the catalog read that also feeds the bookability re-check, and the outbox writes of each
 * change) and the reads that rebuild their answers belong together.
 *
 * The no-overlap rule lives in the database: every confirmed appointment owns one row in
 * appointment_cells per 5-minute cell of its occupied time, under PRIMARY KEY (staff_id,
 * cell_start). Two overlapping appointments of one staff member would need the same row, so the
 * second INSERT fails with errno 1062 inside its own transaction and nothing of it is written.
 */

import type { Client, Transaction } from "@planetscale/database";
import type { AvailabilityData } from "../../domain/availability/availability-data.ts";
import type { Interval } from "../../domain/availability/types.ts";
import { decodeAnswers, decodeQuestions } from "../../domain/catalog/questions.ts";
import type {
  Appointment,
  AppointmentFilter,
  BookInput,
  BookingFacts,
  BookOutcome,
} from "../../domain/booking/types.ts";
import { CELL_MS } from "../../domain/live/types.ts";
import type { BookingRepo } from "../../domain/ports.ts";
import { DEFAULT_SETTINGS, Settings } from "../../domain/settings/settings.ts";
import { addDays } from "../../domain/time/zoned-time.ts";
import { retryConflicts } from "./conflict-retry.ts";
import { toOutboxEmail, writeAnnouncement } from "./outbox-tables.ts";
import { decodeIntervals, decodeWeekly } from "./schedule-codec.ts";
import {
  fromSqlDate,
  fromSqlDateTime,
  isDuplicateKey,
  parseJsonColumn,
  toBool,
  toInt,
  toSqlDateTime,
} from "./sql-values.ts";

type Row = Record<string, unknown>;

const APPOINTMENT_COLUMNS = `a.id, a.staff_id, a.service_id, a.status, a.start_at, a.end_at, a.occupied_start, a.occupied_end,
  a.customer_name, a.customer_email, a.customer_phone, a.notes, a.answers, a.manage_token_hash, a.rescheduled_from,
  a.created_at, a.updated_at, a.cancelled_at, a.ical_uid, a.ical_sequence,
  COALESCE(st.time_zone, JSON_UNQUOTE(JSON_EXTRACT((SELECT document FROM settings WHERE id = 1), '$.timeZone')), 'UTC') AS time_zone
`;
const APPOINTMENT_FROM = "FROM appointments a LEFT JOIN staff st ON st.id = a.staff_id";
const APPOINTMENT_SELECT = `SELECT ${APPOINTMENT_COLUMNS} ${APPOINTMENT_FROM}`;

function toAppointment(row: Row): Appointment & { manageTokenHash: string } {
  return {
    id: String(row.id),
    staffId: String(row.staff_id),
    serviceId: String(row.service_id),
    status: row.status === "cancelled" ? "cancelled" : "confirmed",
    startMs: fromSqlDateTime(row.start_at),
    endMs: fromSqlDateTime(row.end_at),
    occupiedStartMs: fromSqlDateTime(row.occupied_start),
    occupiedEndMs: fromSqlDateTime(row.occupied_end),
    timeZone: String(row.time_zone),
    customer: {
      name: String(row.customer_name),
      email: String(row.customer_email),
      phone: row.customer_phone === null ? null : String(row.customer_phone),
    },
    notes: String(row.notes),
    answers: decodeAnswers(row.answers),
    rescheduledFrom: row.rescheduled_from === null ? null : String(row.rescheduled_from),
    createdAtMs: fromSqlDateTime(row.created_at),
    updatedAtMs: fromSqlDateTime(row.updated_at),
    cancelledAtMs: row.cancelled_at === null ? null : fromSqlDateTime(row.cancelled_at),
    calendar: {
      uid:
        row.ical_uid === null || row.ical_uid === undefined ? String(row.id) : String(row.ical_uid),
      sequence: toInt(row.ical_sequence ?? 0),
    },
    manageTokenHash: String(row.manage_token_hash),
  };
}

/** The business's name from the settings document, in SQL (for the emails of a change). */
const BUSINESS_NAME_SQL =
  "COALESCE(JSON_UNQUOTE(JSON_EXTRACT((SELECT document FROM settings WHERE id = 1), '$.businessName')), 'AppointEase')";

function toFacts(row: Row): BookingFacts {
  return {
    businessName: String(row.business_name),
    serviceName: String(row.service_name ?? "Appointment"),
    staffName: String(row.staff_name ?? ""),
    priceMinor: toInt(row.price_minor ?? 0),
    currency: String(row.currency ?? "EUR"),
  };
}

/** A stable customer id per email, so the upsert needs no read-back. */
async function customerIdFor(email: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(email.toLowerCase())),
  );
  return `cus_${[...digest.slice(0, 10)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The availability engine's view of the booking transaction's catalog rows (still-bookable.ts). */
function bookableData(input: BookInput, rows: Row[]): AvailabilityData {
  const [head] = rows as [Row];
  const overrides = new Map<string, Interval[]>();
  const closures: AvailabilityData["closures"] = [];
  for (const row of rows) {
    if (row.kind === "override")
      overrides.set(fromSqlDate(row.a), decodeIntervals(parseJsonColumn(row.b)));
    if (row.kind === "closure")
      closures.push({
        id: "",
        startDate: fromSqlDate(row.a),
        endDate: fromSqlDate(row.b),
        reason: "",
      });
  }
  return {
    settings:
      head.settings_document === null
        ? DEFAULT_SETTINGS
        : Settings.parse(parseJsonColumn(head.settings_document)),
    service: {
      id: input.serviceId,
      durationMin: toInt(head.duration_min),
      bufferBeforeMin: toInt(head.buffer_before_min),
      bufferAfterMin: toInt(head.buffer_after_min),
    },
    staff: [
      {
        staffId: input.staffId,
        timeZone: head.own_zone === null ? null : String(head.own_zone),
        weekly: head.weekly === null ? {} : decodeWeekly(parseJsonColumn(head.weekly)),
        overrides,
        busy: [],
      },
    ],
    closures,
  };
}

/** Marks which statement failed, so a duplicate key is attributed to the right rule. */
class Step extends Error {
  constructor(
    readonly step: "idempotency" | "cells",
    readonly error: unknown,
  ) {
    super(step);
  }
}

async function insertOrMark(
  tx: Transaction,
  step: Step["step"],
  sql: string,
  params: unknown[],
): Promise<void> {
  try {
    await tx.execute(sql, params);
  } catch (error) {
    throw isDuplicateKey(error) ? new Step(step, error) : error;
  }
}

function cellRows(
  staffId: string,
  appointmentId: string,
  occupiedStartMs: number,
  occupiedEndMs: number,
): unknown[][] {
  const rows: unknown[][] = [];
  const first = Math.floor(occupiedStartMs / CELL_MS);
  const last = Math.ceil(occupiedEndMs / CELL_MS);
  for (let cell = first; cell < last; cell++)
    rows.push([staffId, toSqlDateTime(cell * CELL_MS), appointmentId]);
  return rows;
}

export class MysqlBookingRepo implements BookingRepo {
  constructor(private readonly db: Client) {}

  async book(input: BookInput): Promise<BookOutcome> {
    try {
      // A deadlock victim runs again; the rerun meets the winner's committed cells (slot-taken).
      return await retryConflicts(() => this.db.transaction((tx) => this.bookIn(tx, input)));
    } catch (error) {
      if (error instanceof Step)
        return { kind: error.step === "cells" ? "slot-taken" : "idempotency-used" };
      throw error;
    }
  }

  /** Statements: catalog check (with the answers' check), [replaced: cancel, free], idempotency, customer, appointments, cells, email. */
  private async bookIn(tx: Transaction, input: BookInput): Promise<BookOutcome> {
    const now = toSqlDateTime(input.nowMs);
    // The line that closes the delete race: the service and staff rows are read with a shared
    // lock until COMMIT. Deleting (or changing) either takes an exclusive lock on that row first,
    // so it waits for this booking and then sees its appointment (409), or it went first and
    // this read finds the row gone or changed (not bookable). LOCK IN SHARE MODE rather than
    // FOR SHARE: MariaDB 10.11 rejects FOR SHARE; MySQL 8 accepts both.
    // The same statement reads what the "still bookable" check needs (settings, weekly hours,
    // the dates' overrides, closures around them) and the service's intake questions (the
    // answers are checked against them as of this transaction), so it costs no statement of its
    // own: one row per override or closure (x), or one row with x NULL.
    const dates = input.bookable?.dates ?? [];
    const first = dates[0];
    const last = dates[dates.length - 1];
    const { rows } = await tx.execute(
      `SELECT sv.duration_min, sv.buffer_before_min, sv.buffer_after_min, sv.active AS service_active, st.active AS staff_active,
         sv.name AS service_name, sv.price_minor, sv.currency, CAST(sv.questions AS CHAR) AS questions, st.name AS staff_name, ${BUSINESS_NAME_SQL} AS business_name,
         EXISTS (SELECT 1 FROM staff_services ss WHERE ss.staff_id = st.id AND ss.service_id = sv.id) AS performs,
         COALESCE(st.time_zone, JSON_UNQUOTE(JSON_EXTRACT((SELECT document FROM settings WHERE id = 1), '$.timeZone')), 'UTC') AS time_zone,
         st.time_zone AS own_zone,
         (SELECT CAST(document AS CHAR) FROM settings WHERE id = 1) AS settings_document,
         (SELECT CAST(sc.weekly AS CHAR) FROM staff_schedules sc WHERE sc.staff_id = st.id) AS weekly,
         (SELECT COALESCE(r.ical_uid, r.id) FROM appointments r WHERE r.id = ?) AS replaced_uid,
         (SELECT r.ical_sequence FROM appointments r WHERE r.id = ?) AS replaced_sequence,
         x.kind, x.a, x.b
       FROM services sv JOIN staff st ON st.id = ?
       LEFT JOIN (
         SELECT 'override' AS kind, DATE_FORMAT(o.local_date, '%Y-%m-%d') AS a, CAST(o.intervals AS CHAR) AS b
           FROM staff_overrides o WHERE o.staff_id = ? AND o.local_date IN (${dates.length ? dates.map(() => "?").join(", ") : "NULL"})
         UNION ALL
         SELECT 'closure', DATE_FORMAT(c.start_date, '%Y-%m-%d'), DATE_FORMAT(c.end_date, '%Y-%m-%d')
           FROM closures c WHERE c.end_date >= ? AND c.start_date <= ?
       ) x ON 1 = 1
       WHERE sv.id = ?
       LOCK IN SHARE MODE`,
      [
        // The calendar identity a reschedule's new appointment inherits (nothing to read: "").
        input.replaces?.appointmentId ?? "",
        input.replaces?.appointmentId ?? "",
        input.staffId,
        input.staffId,
        ...dates,
        // Closures are business-zone dates: two days around cover every zone (as availability).
        first === undefined ? "9999-12-31" : addDays(first, -2),
        last === undefined ? "0001-01-01" : addDays(last, 2),
        input.serviceId,
      ],
    );
    const catalog = rows[0] as Row | undefined;
    if (
      !catalog ||
      !toBool(catalog.service_active) ||
      !toBool(catalog.staff_active) ||
      !toBool(catalog.performs)
    ) {
      return { kind: "not-bookable", reason: "the service or staff member is no longer offered" };
    }
    if (input.startsMs.some((ms) => ms <= input.nowMs))
      return { kind: "not-bookable", reason: "the slot has already started" };
    const data = bookableData(input, rows as Row[]);
    const reason = input.bookable?.check(data);
    if (reason) return { kind: "not-bookable", reason };
    // Nothing is written yet: a refused answer leaves no trace (the COMMIT only unlocks).
    const answers = input.answers(decodeQuestions(catalog.questions));
    if (!answers.ok) return { kind: "bad-answers", field: answers.field, message: answers.message };
    let inherited: Appointment["calendar"] | null = null;
    if (input.replaces) {
      const { cutoffMs } = input.replaces;
      const cutoff =
        cutoffMs === "settings" ? data.settings.rescheduleCutoffMin * 60_000 : cutoffMs;
      const freed = await this.freeReplaced(tx, input.replaces.appointmentId, cutoff, input.nowMs);
      if (freed === "too-late") return { kind: freed, cutoffMs: cutoff ?? 0 };
      if (freed !== "ok") return { kind: freed };
      inherited = {
        uid: String(catalog.replaced_uid ?? input.replaces.appointmentId),
        sequence: toInt(catalog.replaced_sequence ?? 0),
      };
    }
    if (input.idempotency) {
      const { keyHash, bodyHash, holdHash } = input.idempotency;
      const ids = input.appointmentIds.join(",");
      // One statement for both records: the key's, and the hold's (a hold books once).
      const rows = holdHash ? [keyHash, holdHash] : [keyHash];
      await insertOrMark(
        tx,
        "idempotency",
        `INSERT INTO idempotency_keys (key_hash, body_hash, appointment_ids, created_at) VALUES ${rows.map(() => "(?, ?, ?, ?)").join(", ")}`,
        rows.flatMap((hash) => [hash, bodyHash, ids, now]),
      );
    }
    const customerId = await customerIdFor(input.customer.email);
    // A reschedule keeps the customer (and their row): only a new booking upserts it.
    if (!input.replaces)
      await tx.execute(
        `INSERT INTO customers (id, email, name, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE name = VALUES(name), phone = VALUES(phone), updated_at = VALUES(updated_at)`,
        [
          customerId,
          input.customer.email.toLowerCase(),
          input.customer.name,
          input.customer.phone,
          now,
          now,
        ],
      );
    const appointments = this.newAppointments(input, catalog, now, inherited, answers.answers);
    await tx.execute(
      `INSERT INTO appointments (id, staff_id, service_id, customer_id, status, start_at, end_at, occupied_start, occupied_end,
         customer_name, customer_email, customer_phone, notes, answers, manage_token_hash, rescheduled_from, created_at, updated_at, cancelled_at,
         ical_uid, ical_sequence)
       VALUES ${appointments.map(() => "(?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)").join(", ")}`,
      appointments.flatMap((a) => [
        a.id,
        a.staffId,
        a.serviceId,
        customerId,
        toSqlDateTime(a.startMs),
        toSqlDateTime(a.endMs),
        toSqlDateTime(a.occupiedStartMs),
        toSqlDateTime(a.occupiedEndMs),
        a.customer.name,
        a.customer.email,
        a.customer.phone,
        a.notes,
        a.answers.length === 0 ? null : JSON.stringify(a.answers),
        input.manageTokenHash,
        a.rescheduledFrom,
        now,
        now,
        a.calendar.uid,
        a.calendar.sequence,
      ]),
    );
    // The line that closes the race: a cell another confirmed appointment owns fails with 1062.
    const cells = appointments.flatMap((a) =>
      cellRows(a.staffId, a.id, a.occupiedStartMs, a.occupiedEndMs),
    );
    await insertOrMark(
      tx,
      "cells",
      `INSERT INTO appointment_cells (staff_id, cell_start, appointment_id) VALUES ${cells.map(() => "(?, ?, ?)").join(", ")}`,
      cells.flat(),
    );
    await writeAnnouncement(tx, input.announce(appointments, toFacts(catalog)), now);
    return { kind: "booked", appointments };
  }

  /**
   * A reschedule's first new appointment inherits the calendar uid of the one it replaces, with
   * the SEQUENCE 2 higher (the replaced one's cancel file takes the number in between).
   */
  private newAppointments(
    input: BookInput,
    catalog: Row,
    now: string,
    inherited: Appointment["calendar"] | null,
    answers: Appointment["answers"],
  ): Appointment[] {
    const durationMs = toInt(catalog.duration_min) * 60_000;
    const beforeMs = toInt(catalog.buffer_before_min) * 60_000;
    const afterMs = toInt(catalog.buffer_after_min) * 60_000;
    return input.startsMs.map((startMs, i) => ({
      id: input.appointmentIds[i] ?? "",
      staffId: input.staffId,
      serviceId: input.serviceId,
      status: "confirmed" as const,
      startMs,
      endMs: startMs + durationMs,
      occupiedStartMs: startMs - beforeMs,
      occupiedEndMs: startMs + durationMs + afterMs,
      timeZone: String(catalog.time_zone),
      customer: { ...input.customer, email: input.customer.email.toLowerCase() },
      notes: input.notes,
      answers,
      rescheduledFrom: input.replaces?.appointmentId ?? null,
      createdAtMs: fromSqlDateTime(now),
      updatedAtMs: fromSqlDateTime(now),
      cancelledAtMs: null,
      calendar:
        i === 0 && inherited
          ? { uid: inherited.uid, sequence: inherited.sequence + 2 }
          : { uid: input.appointmentIds[i] ?? "", sequence: 0 },
    }));
  }

  /**
   * Reschedule: cancel the old appointment and free its cells first, in the same transaction, so
   * the new time may overlap the old one. The UPDATE's conditions are the checks (confirmed, not
   * inside the cut-off) and its row lock serialises concurrent moves of one appointment; only
   * when it changes nothing does a read say why.
   */
  private async freeReplaced(
    tx: Transaction,
    appointmentId: string,
    cutoffMs: number | null,
    nowMs: number,
  ): Promise<"ok" | "replaced-not-found" | "too-late"> {
    const now = toSqlDateTime(nowMs);
    const result = await tx.execute(
      `UPDATE appointments SET status = 'cancelled', cancelled_at = ?, updated_at = ?
       WHERE id = ? AND status = 'confirmed' AND start_at >= ?`,
      // No cut-off: any start qualifies.
      [now, now, appointmentId, cutoffMs === null ? "0001-01-01" : toSqlDateTime(nowMs + cutoffMs)],
    );
    if (result.rowsAffected === 0) {
      const { rows } = await tx.execute("SELECT status FROM appointments WHERE id = ?", [
        appointmentId,
      ]);
      return (rows[0] as Row | undefined)?.status === "confirmed"
        ? "too-late"
        : "replaced-not-found";
    }
    await tx.execute("DELETE FROM appointment_cells WHERE appointment_id = ?", [appointmentId]);
    return "ok";
  }

  async findIdempotencyRecord(
    keyHash: string,
  ): Promise<{ bodyHash: string; appointmentIds: string[] } | null> {
    const { rows } = await this.db.execute(
      "SELECT body_hash, appointment_ids FROM idempotency_keys WHERE key_hash = ?",
      [keyHash],
    );
    const row = rows[0] as Row | undefined;
    return row
      ? { bodyHash: String(row.body_hash), appointmentIds: String(row.appointment_ids).split(",") }
      : null;
  }

  async getAppointments(ids: string[]): Promise<(Appointment & { manageTokenHash: string })[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.execute(
      `${APPOINTMENT_SELECT} WHERE a.id IN (${ids.map(() => "?").join(", ")}) ORDER BY a.start_at, a.id`,
      ids,
    );
    return (rows as Row[]).map(toAppointment);
  }

  async cancel(input: Parameters<BookingRepo["cancel"]>[0]): ReturnType<BookingRepo["cancel"]> {
    return this.db.transaction(async (tx) => {
      // The credential's row, the business's cut-off and the facts for the emails ride on the
      // locking read: a cancel costs no statement before its transaction.
      const { rows } = await tx.execute(
        `SELECT ${APPOINTMENT_COLUMNS}, st.name AS staff_name, ${BUSINESS_NAME_SQL} AS business_name,
           (SELECT name FROM services WHERE id = a.service_id) AS service_name,
           (SELECT price_minor FROM services WHERE id = a.service_id) AS price_minor,
           (SELECT currency FROM services WHERE id = a.service_id) AS currency,
           (SELECT CAST(document AS CHAR) FROM settings WHERE id = 1) AS settings_document
         ${APPOINTMENT_FROM} WHERE a.id = ? FOR UPDATE`,
        [input.id],
      );
      const row = rows[0] as Row | undefined;
      if (!row) return { kind: "not-found" as const };
      const appointment = toAppointment(row);
      // Nothing is written yet: refusing here leaves the row as it was (the COMMIT only unlocks).
      if (input.authorize && !(await input.authorize(appointment)))
        return { kind: "not-found" as const };
      if (appointment.status !== "confirmed") return { kind: "not-confirmed" as const };
      const cutoffMs =
        input.cutoffMs === "settings"
          ? (row.settings_document === null
              ? DEFAULT_SETTINGS
              : Settings.parse(parseJsonColumn(row.settings_document))
            ).cancelCutoffMin * 60_000
          : input.cutoffMs;
      if (cutoffMs !== null && appointment.startMs - input.nowMs < cutoffMs)
        return { kind: "too-late" as const, cutoffMs, appointment };
      const now = toSqlDateTime(input.nowMs);
      await tx.execute(
        "UPDATE appointments SET status = 'cancelled', cancelled_at = ?, updated_at = ? WHERE id = ?",
        [now, now, input.id],
      );
      await tx.execute("DELETE FROM appointment_cells WHERE appointment_id = ?", [input.id]);
      const cancelled = {
        ...appointment,
        status: "cancelled" as const,
        cancelledAtMs: input.nowMs,
        updatedAtMs: input.nowMs,
      };
      await writeAnnouncement(tx, input.announce(cancelled, toFacts(row)), now);
      return { kind: "cancelled" as const, appointment: cancelled };
    });
  }

  async list(filter: AppointmentFilter): Promise<Appointment[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      params.push(...values);
    };
    if (filter.fromMs !== undefined) add("a.start_at >= ?", toSqlDateTime(filter.fromMs));
    if (filter.toMs !== undefined) add("a.start_at < ?", toSqlDateTime(filter.toMs));
    if (filter.staffId !== undefined) add("a.staff_id = ?", filter.staffId);
    if (filter.status !== undefined) add("a.status = ?", filter.status);
    if (filter.customerEmail !== undefined)
      add("a.customer_email = ?", filter.customerEmail.toLowerCase());
    if (filter.after)
      add(
        "(a.start_at > ? OR (a.start_at = ? AND a.id > ?))",
        toSqlDateTime(filter.after.startMs),
        toSqlDateTime(filter.after.startMs),
        filter.after.id,
      );
    // 201: a page of at most 200 plus the one row that tells the caller another page follows.
    const sql = `${APPOINTMENT_SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY a.start_at, a.id LIMIT ${Math.max(1, Math.min(201, Math.floor(filter.limit)))}`;
    const { rows } = await this.db.execute(sql, params);
    return (rows as Row[]).map(toAppointment);
  }

  async idsWithManageToken(manageTokenHash: string, limit: number): Promise<string[]> {
    const { rows } = await this.db.execute(
      `SELECT id FROM appointments WHERE manage_token_hash = ? ORDER BY created_at, id LIMIT ${Math.max(1, Math.min(200, Math.floor(limit)))}`,
      [manageTokenHash],
    );
    return (rows as Row[]).map((row) => String(row.id));
  }

  async listOutbox(input: { limit: number; pendingOnly: boolean; to?: string }) {
    const where = [
      ...(input.pendingOnly ? ["sent_at IS NULL"] : []),
      ...(input.to !== undefined ? ["to_email = ?"] : []),
    ];
    const { rows } = await this.db.execute(
      `SELECT id, to_email, subject, body, html, attachments, kind, created_at, sent_at FROM outbox_emails ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY created_at DESC, id LIMIT ${Math.max(1, Math.min(500, Math.floor(input.limit)))}`,
      input.to !== undefined ? [input.to.toLowerCase()] : [],
    );
    return (rows as Row[]).map((row) => ({
      ...toOutboxEmail(row),
      createdAtMs: fromSqlDateTime(row.created_at),
      sentAtMs: row.sent_at === null ? null : fromSqlDateTime(row.sent_at),
    }));
  }
}
