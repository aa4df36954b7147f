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
import {
  type AnswersCheck,
  decodeAnswers,
  decodeQuestions,
} from "../../domain/catalog/questions.ts";
import type {
  Appointment,
  AppointmentFilter,
  AppointmentStatus,
  BookInput,
  BookingFacts,
  BookOutcome,
  DueReminder,
  Move,
  ReplacedAppointment,
} from "../../domain/booking/types.ts";
import { CELL_MS } from "../../domain/live/types.ts";
import type { BookingRepo } from "../../domain/ports.ts";
import { isSupportedLocale } from "../../domain/settings/locale.ts";
import {
  DEFAULT_SETTINGS,
  type Locale,
  ReminderOffsets,
  Settings,
} from "../../domain/settings/settings.ts";
import { addDays } from "../../domain/time/zoned-time.ts";
import { readAppointmentMessages } from "./appointment-messages.ts";
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

/**
 * An appointment's columns, from the alias `a` of appointments and `st` of its staff row; with a
 * `prefix`, each named `<prefix><column>` (a move reads its replaced rows beside the catalog's).
 */
/**
 * Which of the appointments sharing a manage token's hash its token was derived from: the
 * booking's first appointment (a move keeps the hash). Not a move's (`rescheduled_from` set), then
 * the earliest made, then the earliest start: a series' appointments are made in one transaction
 * at one instant, and the token comes from its first occurrence.
 */
const TOKEN_ORIGIN_ORDER = (t: string) =>
  `${t}.rescheduled_from IS NOT NULL, ${t}.created_at, ${t}.start_at, ${t}.id`;

function appointmentColumns(a: string, st: string, prefix = ""): string {
  const settings = "(SELECT document FROM settings WHERE id = 1)";
  return [
    ...[
      "id",
      "staff_id",
      "service_id",
      "status",
      "start_at",
      "end_at",
      "occupied_start",
      "occupied_end",
      "customer_name",
      "customer_email",
      "customer_phone",
      "notes",
      "answers",
      "manage_token_hash",
      "rescheduled_from",
      "series_id",
      "created_at",
      "updated_at",
      "cancelled_at",
      "ical_uid",
      "ical_sequence",
      "attendance_changed_at",
      "attendance_changed_by",
    ].map((column) => `${a}.${column} AS ${prefix}${column}`),
    `COALESCE(${a}.locale, JSON_UNQUOTE(JSON_EXTRACT(${settings}, '$.defaultLocale')), 'en') AS ${prefix}locale`,
    `COALESCE(${st}.time_zone, JSON_UNQUOTE(JSON_EXTRACT(${settings}, '$.timeZone')), 'UTC') AS ${prefix}time_zone`,
  ].join(", ");
}

const APPOINTMENT_COLUMNS = appointmentColumns("a", "st");
const APPOINTMENT_FROM = "FROM appointments a LEFT JOIN staff st ON st.id = a.staff_id";
const APPOINTMENT_SELECT = `SELECT ${APPOINTMENT_COLUMNS} ${APPOINTMENT_FROM}`;

/**
 * Whether anyone may be waiting for the time the appointment `a` frees, as a column of the
 * statement that reads (and locks) it, so that a cancel or a move with nobody waiting pays no
 * read after its commit. A necessary condition, not the exact list: a waiting entry for its
 * service and staff member (or anyone), dated within a day of its UTC date (an entry's date is
 * local to the staff member's zone, within a day of UTC everywhere), with no live offer and never
 * offered this time; the window and the exact date are judged by the offer's own read
 * (src/domain/waitlist/offer.ts). A subquery takes no lock in a locking read. Parameters: now, now.
 */
function waitlistedSql(a: string): string {
  return `EXISTS (SELECT 1 FROM waitlist_entries e
    WHERE e.service_id = ${a}.service_id AND e.status = 'waiting' AND e.expires_at > ?
      AND e.date BETWEEN DATE(${a}.start_at) - INTERVAL 1 DAY AND DATE(${a}.start_at) + INTERVAL 1 DAY
      AND (e.staff_id IS NULL OR e.staff_id = ${a}.staff_id)
      AND NOT EXISTS (SELECT 1 FROM waitlist_offers o WHERE o.entry_id = e.id
        AND ((o.staff_id = ${a}.staff_id AND o.start_at = ${a}.start_at) OR (o.state <> 'booked' AND o.expires_at > ?))))`;
}

/** A language no longer supported reads as English rather than failing the read. */
function localeOf(value: unknown): Locale {
  const tag = String(value);
  return isSupportedLocale(tag) ? tag : "en";
}

function toAppointment(row: Row): Appointment & { manageTokenHash: string } {
  return {
    id: String(row.id),
    staffId: String(row.staff_id),
    serviceId: String(row.service_id),
    status: toStatus(row.status),
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
    locale: localeOf(row.locale),
    answers: decodeAnswers(row.answers),
    rescheduledFrom: row.rescheduled_from === null ? null : String(row.rescheduled_from),
    seriesId: row.series_id === null || row.series_id === undefined ? null : String(row.series_id),
    createdAtMs: fromSqlDateTime(row.created_at),
    updatedAtMs: fromSqlDateTime(row.updated_at),
    cancelledAtMs: row.cancelled_at === null ? null : fromSqlDateTime(row.cancelled_at),
    calendar: {
      uid:
        row.ical_uid === null || row.ical_uid === undefined ? String(row.id) : String(row.ical_uid),
      sequence: toInt(row.ical_sequence ?? 0),
    },
    attendanceChangedAtMs:
      row.attendance_changed_at === null || row.attendance_changed_at === undefined
        ? null
        : fromSqlDateTime(row.attendance_changed_at),
    attendanceChangedBy:
      row.attendance_changed_by === null || row.attendance_changed_by === undefined
        ? null
        : String(row.attendance_changed_by),
    manageTokenHash: String(row.manage_token_hash),
  };
}

const STATUSES: readonly AppointmentStatus[] = ["confirmed", "cancelled", "attended", "no_show"];

function toStatus(value: unknown): AppointmentStatus {
  const status = STATUSES.find((s) => s === value);
  if (!status) throw new Error(`unknown appointment status in MySQL: ${String(value)}`);
  return status;
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

/**
 * The customer's no-shows in the settings' window (`noShowLimit.days` before now), counted
 * inside the booking's catalog read so that the limit costs no statement of its own; 0 when no
 * limit is set or the booking is a reschedule (no count runs then). appointments_by_email_status
 * serves it: equality on email and status, a range on the start. Parameters: new booking (1/0),
 * email, now, now.
 */
const NO_SHOWS_SQL = `(CASE WHEN ? = 1 AND JSON_EXTRACT((SELECT document FROM settings WHERE id = 1), '$.noShowLimit.days') IS NOT NULL
    THEN (SELECT COUNT(*) FROM appointments n WHERE n.customer_email = ? AND n.status = 'no_show'
      AND n.start_at <= ?
      AND n.start_at > CAST(? AS DATETIME(3)) - INTERVAL CAST(JSON_UNQUOTE(JSON_EXTRACT((SELECT document FROM settings WHERE id = 1), '$.noShowLimit.days')) AS UNSIGNED) DAY)
    ELSE 0 END)`;

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

/** The columns of a row that start with `prefix`, without it (a move's replaced rows). */
function unprefixed(row: Row, prefix: string): Row {
  return Object.fromEntries(
    Object.entries(row)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

/** What a move's new appointments keep of the appointment it replaces. */
function keptBy(replaced: ReplacedAppointment) {
  return {
    customer: replaced.customer,
    notes: replaced.notes,
    locale: replaced.locale as Locale | null,
    // A move keeps the answers as they were asked.
    answers: { ok: true, answers: replaced.answers } as AnswersCheck,
    manageTokenHash: replaced.manageTokenHash,
    seriesId: replaced.seriesId,
  };
}

/** The ids of the rows whose `waitlisted` column (waitlistedSql) says someone may be waiting. */
function waitlistedIds(rows: Row[], prefix = ""): string[] {
  return rows.filter((r) => toBool(r[`${prefix}waitlisted`])).map((r) => String(r[`${prefix}id`]));
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

/**
 * Frees the cells of appointments that are cancelled or moved away, and, in the same statement,
 * the booking store's claims of Redis holds on those cells ("r:", hold-arbiter.ts). While an
 * appointment is confirmed no other hold can be granted on its cells, so such a claim is the
 * booked hold's own, which a booking leaves to lapse at the hold's expiry (or the hold of a move
 * of this very appointment, which cannot book once it is cancelled). Left there, it would make
 * isolates on the MySQL fallback refuse the freed time until then, the waitlist's offer of it
 * included. Cells are 5-minute UTC cells in both tables (`fallback_cells.cell` counts them).
 */
async function freeCells(tx: Transaction, appointmentIds: string[]): Promise<void> {
  await tx.execute(
    `DELETE ac, fc FROM appointment_cells ac
       LEFT JOIN fallback_cells fc ON fc.staff_id = ac.staff_id
         AND fc.cell = TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', ac.cell_start) DIV 300
         AND fc.owner LIKE 'r:%'
     WHERE ac.appointment_id IN (${appointmentIds.map(() => "?").join(", ")})`,
    appointmentIds,
  );
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

/**
 * The due reminders' candidates in one statement: per offset, a range of appointments_by_start
 * (the starts that make the offset due now, within the catch-up, never after the start),
 * narrowed to confirmed appointments whose service reminds at that offset, booked before it was
 * due, and not yet reminded. Exported for the bench's EXPLAIN (scripts/bench/cases/reminders.ts).
 */
export function dueRemindersStatement(
  input: { nowMs: number; catchUpMs: number; limit: number },
  offsets: number[],
  defaults: number[],
): { sql: string; params: unknown[] } {
  const limit = Math.max(1, Math.min(1000, Math.floor(input.limit)));
  const selects: string[] = [];
  const params: unknown[] = [];
  for (const offsetMin of offsets) {
    const offsetMs = offsetMin * 60_000;
    selects.push(`(SELECT a.id, ? AS offset_min FROM appointments a JOIN services sv ON sv.id = a.service_id
         WHERE a.start_at > ? AND a.start_at <= ? AND a.status = 'confirmed'
           AND a.created_at <= a.start_at - INTERVAL ? MINUTE
           AND JSON_CONTAINS(COALESCE(sv.reminders, ?), ?)
           AND NOT EXISTS (SELECT 1 FROM reminders_sent r WHERE r.appointment_id = a.id AND r.offset_min = ?)
         ORDER BY a.start_at LIMIT ${limit})`);
    params.push(
      offsetMin,
      toSqlDateTime(Math.max(input.nowMs, input.nowMs + offsetMs - input.catchUpMs)),
      toSqlDateTime(input.nowMs + offsetMs),
      offsetMin,
      JSON.stringify(defaults),
      String(offsetMin),
      offsetMin,
    );
  }
  return { sql: selects.join(" UNION ALL "), params };
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

  /**
   * Statements: catalog check (with the answers' check and a move's replaced rows), [replaced:
   * cancel, free], idempotency, customer, appointments, cells, email.
   */
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
    const { rows } = await tx.execute(...this.catalogStatement(input));
    const catalog = rows[0] as Row | undefined;
    if (!catalog)
      return { kind: "not-bookable", reason: "the service or staff member is no longer offered" };
    // A move judges the credential first, on the row it replaces, before anything else.
    const replacing = input.replaces ? await this.replacedIn(input, rows as Row[]) : null;
    if (replacing && !Array.isArray(replacing)) return replacing;
    if (
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
    const limit = data.settings.noShowLimit;
    const noShows = toInt(catalog.no_shows ?? 0);
    if (!input.replaces && limit && noShows >= limit.count)
      return { kind: "no-show-limit", count: noShows, limit };
    // Nothing is written yet: a refused answer leaves no trace (the COMMIT only unlocks).
    const named = input.replaces
      ? replacing?.find((a) => a.id === input.replaces?.appointmentId)
      : undefined;
    const keeps = named
      ? keptBy(named)
      : input.replaces
        ? null
        : {
            customer: input.customer,
            notes: input.notes,
            locale: input.locale,
            answers: input.answers(decodeQuestions(catalog.questions)),
            manageTokenHash: input.manageTokenHash,
            seriesId: input.seriesId ?? null,
          };
    if (!keeps) return { kind: "replaced-not-found" };
    const { answers } = keeps;
    if (!answers.ok) return { kind: "bad-answers", field: answers.field, message: answers.message };
    if (replacing && input.replaces) {
      const { cutoffMs } = input.replaces;
      const cutoff =
        cutoffMs === "settings" ? data.settings.rescheduleCutoffMin * 60_000 : cutoffMs;
      const late = replacing.find((a) => cutoff !== null && a.startMs < input.nowMs + cutoff);
      if (late) return { kind: "too-late", cutoffMs: cutoff ?? 0, appointment: late };
      await this.freeReplaced(tx, replacing, now);
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
    const customerId = await customerIdFor(keeps.customer.email);
    // A reschedule keeps the customer (and their row): only a new booking upserts it.
    if (!input.replaces)
      await tx.execute(
        `INSERT INTO customers (id, email, name, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE name = VALUES(name), phone = VALUES(phone), updated_at = VALUES(updated_at)`,
        [
          customerId,
          keeps.customer.email.toLowerCase(),
          keeps.customer.name,
          keeps.customer.phone,
          now,
          now,
        ],
      );
    const appointments = this.newAppointments(input, catalog, now, {
      ...keeps,
      locale: keeps.locale ?? data.settings.defaultLocale,
      answers: answers.answers,
      replaced: replacing ?? [],
    });
    await tx.execute(
      `INSERT INTO appointments (id, staff_id, service_id, customer_id, status, start_at, end_at, occupied_start, occupied_end,
         customer_name, customer_email, customer_phone, notes, answers, manage_token_hash, rescheduled_from, created_at, updated_at, cancelled_at,
         ical_uid, ical_sequence, locale, series_id)
       VALUES ${appointments.map(() => "(?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)").join(", ")}`,
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
        keeps.manageTokenHash,
        a.rescheduledFrom,
        now,
        now,
        a.calendar.uid,
        a.calendar.sequence,
        a.locale,
        a.seriesId,
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
    const facts = toFacts(catalog);
    const replaced = (replacing ?? []).map(({ manageTokenHash, manageTokenOriginId, ...a }) => ({
      ...a,
      status: "cancelled" as const,
      cancelledAtMs: input.nowMs,
      updatedAtMs: input.nowMs,
    }));
    await writeAnnouncement(
      tx,
      input.replaces
        ? input.announce(appointments, facts, replaced)
        : input.announce(appointments, facts),
      now,
    );
    const waitlisted = replacing
      ? (rows as Row[]).filter((r) => r.kind === "replaced" && toBool(r.r_waitlisted))
      : [];
    return {
      kind: "booked",
      appointments,
      replaced,
      waitlisted: [...new Set(waitlisted.map((r) => String(r.r_id)))],
    };
  }

  /**
   * The catalog statement. A move also reads the appointments it replaces, share-locked as
   * current rows (so the credential, status and cut-off are judged on what the UPDATE then
   * changes): x lists their ids (a derived table takes no lock) and `r` joins each by primary
   * key, one row per replaced appointment beside the override and closure rows.
   */
  private catalogStatement(input: BookInput): [string, unknown[]] {
    const dates = input.bookable?.dates ?? [];
    const first = dates[0];
    const last = dates[dates.length - 1];
    const move = input.replaces;
    const scope = move?.scope ?? "one";
    const replacedIds = !move
      ? ""
      : `UNION ALL SELECT 'replaced', m.id, NULL FROM appointments m WHERE m.id = ?${
          scope === "one"
            ? ""
            : ` UNION ALL SELECT 'replaced', m.id, NULL FROM appointments m
                 WHERE m.series_id = (SELECT s.series_id FROM appointments s WHERE s.id = ?)
                   AND m.status = 'confirmed' AND m.id <> ?${
                     scope === "following"
                       ? " AND m.start_at >= (SELECT s.start_at FROM appointments s WHERE s.id = ?)"
                       : ""
                   }`
        }`;
    const replacedParams = !move
      ? []
      : [
          move.appointmentId,
          ...(scope === "one" ? [] : [move.appointmentId, move.appointmentId]),
          ...(scope === "following" ? [move.appointmentId] : []),
        ];
    const sql = `SELECT sv.duration_min, sv.buffer_before_min, sv.buffer_after_min, sv.active AS service_active, st.active AS staff_active,
         sv.name AS service_name, sv.price_minor, sv.currency, CAST(sv.questions AS CHAR) AS questions, st.name AS staff_name, ${BUSINESS_NAME_SQL} AS business_name,
         EXISTS (SELECT 1 FROM staff_services ss WHERE ss.staff_id = st.id AND ss.service_id = sv.id) AS performs,
         COALESCE(st.time_zone, JSON_UNQUOTE(JSON_EXTRACT((SELECT document FROM settings WHERE id = 1), '$.timeZone')), 'UTC') AS time_zone,
         st.time_zone AS own_zone,
         (SELECT CAST(document AS CHAR) FROM settings WHERE id = 1) AS settings_document,
         (SELECT CAST(sc.weekly AS CHAR) FROM staff_schedules sc WHERE sc.staff_id = st.id) AS weekly,
         ${NO_SHOWS_SQL} AS no_shows,
         x.kind, x.a, x.b${
           move
             ? `, ${appointmentColumns("r", "rst", "r_")}, ${waitlistedSql("r")} AS r_waitlisted,
         (SELECT o.id FROM appointments o WHERE o.manage_token_hash = r.manage_token_hash
           ORDER BY ${TOKEN_ORIGIN_ORDER("o")} LIMIT 1) AS r_token_origin`
             : ""
         }
       FROM services sv JOIN staff st ON st.id = ?
       LEFT JOIN (
         SELECT 'override' AS kind, DATE_FORMAT(o.local_date, '%Y-%m-%d') AS a, CAST(o.intervals AS CHAR) AS b
           FROM staff_overrides o WHERE o.staff_id = ? AND o.local_date IN (${dates.length ? dates.map(() => "?").join(", ") : "NULL"})
         UNION ALL
         SELECT 'closure', DATE_FORMAT(c.start_date, '%Y-%m-%d'), DATE_FORMAT(c.end_date, '%Y-%m-%d')
           FROM closures c WHERE c.end_date >= ? AND c.start_date <= ?
         ${replacedIds}
       ) x ON 1 = 1${
         move
           ? `
       LEFT JOIN appointments r ON x.kind = 'replaced' AND r.id = x.a
       LEFT JOIN staff rst ON rst.id = r.staff_id`
           : ""
       }
       WHERE sv.id = ?
       LOCK IN SHARE MODE`;
    const params = [
      // The no-show limit counts for new bookings only: a reschedule keeps its customer.
      move ? 0 : 1,
      move ? "" : input.customer.email,
      toSqlDateTime(input.nowMs),
      toSqlDateTime(input.nowMs),
      ...(move ? [toSqlDateTime(input.nowMs), toSqlDateTime(input.nowMs)] : []),
      input.staffId,
      input.staffId,
      ...dates,
      // Closures are business-zone dates: two days around cover every zone (as availability).
      first === undefined ? "9999-12-31" : addDays(first, -2),
      last === undefined ? "0001-01-01" : addDays(last, 2),
      ...replacedParams,
      input.serviceId,
    ];
    return [sql, params];
  }

  /**
   * A move's replaced appointments from the catalog rows, judged before anything is written:
   * the named one must exist and pass the credential, be confirmed, and (for a series scope)
   * its occurrences in scope must be as many as the new times. By start.
   */
  private async replacedIn(
    input: Move,
    rows: Row[],
  ): Promise<
    ReplacedAppointment[] | Extract<BookOutcome, { kind: `replaced-${string}` | "wrong-count" }>
  > {
    const replaced = rows
      .filter((row) => row.kind === "replaced" && row.r_id !== null && row.r_id !== undefined)
      .map((row) => ({
        ...toAppointment(unprefixed(row, "r_")),
        manageTokenOriginId:
          row.r_token_origin === null || row.r_token_origin === undefined
            ? null
            : String(row.r_token_origin),
      }));
    const named = replaced.find((a) => a.id === input.replaces.appointmentId);
    if (!named) return { kind: "replaced-not-found" };
    if (input.replaces.authorize && !(await input.replaces.authorize(named)))
      return { kind: "replaced-not-found" };
    if (named.status !== "confirmed") return { kind: "replaced-not-confirmed" };
    if ((input.replaces.scope ?? "one") === "one" || named.seriesId === null) return [named];
    const occurrences = replaced
      .filter((a) => a.status === "confirmed" && a.seriesId === named.seriesId)
      .sort((a, b) => a.startMs - b.startMs);
    if (occurrences.length !== input.startsMs.length)
      return { kind: "wrong-count", occurrences: occurrences.length, times: input.startsMs.length };
    return occurrences;
  }

  /**
   * The new appointments. A move's keep the replaced one's customer, language, answers and
   * series; each maps onto the replaced appointment at its index (the last one for any further
   * new time) and inherits its calendar uid with the SEQUENCE 2 higher (the replaced one's
   * cancel file takes the number in between) and links it as `rescheduledFrom`.
   */
  private newAppointments(
    input: BookInput,
    catalog: Row,
    now: string,
    keeps: {
      customer: Appointment["customer"];
      notes: string;
      locale: Locale;
      answers: Appointment["answers"];
      seriesId: string | null;
      replaced: Appointment[];
    },
  ): Appointment[] {
    const durationMs = toInt(catalog.duration_min) * 60_000;
    const beforeMs = toInt(catalog.buffer_before_min) * 60_000;
    const afterMs = toInt(catalog.buffer_after_min) * 60_000;
    return input.startsMs.map((startMs, i) => {
      const previous = keeps.replaced[Math.min(i, keeps.replaced.length - 1)];
      // A single move onto several times: only the first inherits the calendar event.
      const inherits = previous && (i === 0 || keeps.replaced.length > 1);
      const id = input.appointmentIds[i] ?? "";
      return {
        id,
        staffId: input.staffId,
        serviceId: input.serviceId,
        status: "confirmed" as const,
        startMs,
        endMs: startMs + durationMs,
        occupiedStartMs: startMs - beforeMs,
        occupiedEndMs: startMs + durationMs + afterMs,
        timeZone: String(catalog.time_zone),
        customer: { ...keeps.customer, email: keeps.customer.email.toLowerCase() },
        notes: keeps.notes,
        locale: keeps.locale,
        answers: keeps.answers,
        rescheduledFrom: previous?.id ?? null,
        seriesId: keeps.seriesId,
        createdAtMs: fromSqlDateTime(now),
        updatedAtMs: fromSqlDateTime(now),
        cancelledAtMs: null,
        attendanceChangedAtMs: null,
        attendanceChangedBy: null,
        calendar:
          previous && inherits
            ? { uid: previous.calendar.uid, sequence: previous.calendar.sequence + 2 }
            : { uid: id, sequence: 0 },
      };
    });
  }

  /**
   * A move cancels the replaced appointments and frees their cells first, in the same
   * transaction, so the new times may overlap them. They were read share-locked and judged
   * (confirmed, outside the cut-off), so nobody changed them since; the UPDATE takes their
   * exclusive locks. Two moves of one appointment at once both hold the share lock and both
   * ask for the exclusive one: MySQL rolls one back as the deadlock's victim, and its rerun
   * (retryConflicts in book) finds the row cancelled.
   */
  private async freeReplaced(tx: Transaction, replaced: Appointment[], now: string): Promise<void> {
    const ids = replaced.map((a) => a.id);
    const marks = ids.map(() => "?").join(", ");
    const result = await tx.execute(
      `UPDATE appointments SET status = 'cancelled', cancelled_at = ?, updated_at = ?
       WHERE id IN (${marks}) AND status = 'confirmed'`,
      [now, now, ...ids],
    );
    if (result.rowsAffected !== ids.length)
      throw new Error("a replaced appointment changed under its share lock");
    await freeCells(tx, ids);
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
    // A move share-locks the row it replaces before its UPDATE: a cancel of the same row at that
    // instant can be the deadlock's victim, and runs again (then finds it moved: not confirmed).
    return retryConflicts(() => this.cancelOnce(input));
  }

  private cancelOnce(
    input: Parameters<BookingRepo["cancel"]>[0],
  ): ReturnType<BookingRepo["cancel"]> {
    return this.db.transaction(async (tx) => {
      // The credential's row, the business's cut-off and the facts for the emails ride on the
      // locking read: a cancel costs no statement before its transaction.
      const scope = input.scope ?? "one";
      // A series scope locks the named row and its series' confirmed occurrences in scope in the
      // same read: still one statement before the writes.
      const { rows } = await tx.execute(
        `SELECT ${APPOINTMENT_COLUMNS}, st.name AS staff_name, ${BUSINESS_NAME_SQL} AS business_name,
           (SELECT name FROM services WHERE id = a.service_id) AS service_name,
           (SELECT price_minor FROM services WHERE id = a.service_id) AS price_minor,
           (SELECT currency FROM services WHERE id = a.service_id) AS currency,
           (SELECT CAST(document AS CHAR) FROM settings WHERE id = 1) AS settings_document,
           ${waitlistedSql("a")} AS waitlisted
         ${APPOINTMENT_FROM} WHERE ${
           scope === "one"
             ? "a.id = ?"
             : `a.id = ? OR (a.status = 'confirmed' AND a.series_id = (SELECT s.series_id FROM appointments s WHERE s.id = ?)${
                 scope === "following"
                   ? " AND a.start_at >= (SELECT s.start_at FROM appointments s WHERE s.id = ?)"
                   : ""
               })`
         } ORDER BY a.start_at FOR UPDATE`,
        [
          toSqlDateTime(input.nowMs),
          toSqlDateTime(input.nowMs),
          ...(scope === "one"
            ? [input.id]
            : scope === "following"
              ? [input.id, input.id, input.id]
              : [input.id, input.id]),
        ],
      );
      const row = (rows as Row[]).find((r) => String(r.id) === input.id);
      if (!row) return { kind: "not-found" as const };
      const appointment = toAppointment(row);
      // Nothing is written yet: refusing here leaves the row as it was (the COMMIT only unlocks).
      if (input.authorize && !(await input.authorize(appointment)))
        return { kind: "not-found" as const };
      if (scope !== "one" && appointment.seriesId !== null)
        return this.cancelSeries(tx, input, row, rows as Row[]);
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
      await freeCells(tx, [input.id]);
      const cancelled = {
        ...appointment,
        status: "cancelled" as const,
        cancelledAtMs: input.nowMs,
        updatedAtMs: input.nowMs,
      };
      await writeAnnouncement(tx, input.announce(cancelled, toFacts(row)), now);
      return {
        kind: "cancelled" as const,
        appointment: cancelled,
        appointments: [cancelled],
        left: [],
        cutoffMs,
        waitlisted: waitlistedIds([row]),
      };
    });
  }

  /**
   * A series scope: every confirmed occurrence read (and locked) with the named one, each judged
   * by the cut-off on its own; those outside it are cancelled in the same statements as one
   * appointment is (one UPDATE, one DELETE, one announcement), those inside it are left.
   */
  private async cancelSeries(
    tx: Transaction,
    input: Parameters<BookingRepo["cancel"]>[0],
    named: Row,
    rows: Row[],
  ): ReturnType<BookingRepo["cancel"]> {
    const occurrences = rows
      .map(toAppointment)
      .filter((a) => a.status === "confirmed" && a.seriesId === toAppointment(named).seriesId);
    if (occurrences.length === 0) return { kind: "not-confirmed" as const };
    const cutoffMs =
      input.cutoffMs === "settings"
        ? (named.settings_document === null
            ? DEFAULT_SETTINGS
            : Settings.parse(parseJsonColumn(named.settings_document))
          ).cancelCutoffMin * 60_000
        : input.cutoffMs;
    const tooLate = (a: Appointment) => cutoffMs !== null && a.startMs - input.nowMs < cutoffMs;
    const left = occurrences.filter(tooLate);
    const going = occurrences.filter((a) => !tooLate(a));
    const [first] = left;
    if (going.length === 0 && first)
      return { kind: "too-late" as const, cutoffMs: cutoffMs ?? 0, appointment: first };
    const now = toSqlDateTime(input.nowMs);
    const ids = going.map((a) => a.id);
    await tx.execute(
      `UPDATE appointments SET status = 'cancelled', cancelled_at = ?, updated_at = ? WHERE id IN (${ids.map(() => "?").join(", ")})`,
      [now, now, ...ids],
    );
    await freeCells(tx, ids);
    const cancelled = going.map((a) => ({
      ...a,
      status: "cancelled" as const,
      cancelledAtMs: input.nowMs,
      updatedAtMs: input.nowMs,
    }));
    const namedOne = cancelled.find((a) => a.id === input.id) ?? cancelled[0];
    if (!namedOne) return { kind: "not-confirmed" as const };
    const more = cancelled.filter((a) => a !== namedOne);
    await writeAnnouncement(tx, input.announce(namedOne, toFacts(named), more), now);
    return {
      kind: "cancelled" as const,
      appointment: namedOne,
      appointments: cancelled,
      left,
      cutoffMs,
      waitlisted: waitlistedIds(rows.filter((r) => ids.includes(String(r.id)))),
    };
  }

  /**
   * Sets an attendance status in one transaction: the locking read, then (only when the status
   * changes) the row, its history row and the announcement. The rules are the domain's
   * (`decide`), judged on the locked row, so two admins marking at once are serialised.
   */
  async markAttendance(
    input: Parameters<BookingRepo["markAttendance"]>[0],
  ): ReturnType<BookingRepo["markAttendance"]> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.execute(`${APPOINTMENT_SELECT} WHERE a.id = ? FOR UPDATE`, [
        input.id,
      ]);
      const row = rows[0] as Row | undefined;
      if (!row) return { kind: "not-found" as const };
      const appointment = toAppointment(row);
      const refusal = input.decide(appointment);
      if (refusal) return { kind: "refused" as const, reason: refusal, appointment };
      if (appointment.status === input.status) return { kind: "unchanged" as const, appointment };
      const now = toSqlDateTime(input.nowMs);
      await tx.execute(
        `UPDATE appointments SET status = ?, attendance_changed_at = ?, attendance_changed_by = ?, updated_at = ?
         WHERE id = ?`,
        [input.status, now, input.actor, now, input.id],
      );
      await tx.execute(
        `INSERT INTO appointment_status_changes (id, appointment_id, from_status, to_status, actor, changed_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [input.changeId, input.id, appointment.status, input.status, input.actor, now],
      );
      const changed: Appointment = {
        ...appointment,
        status: input.status,
        attendanceChangedAtMs: input.nowMs,
        attendanceChangedBy: input.actor,
        updatedAtMs: input.nowMs,
      };
      await writeAnnouncement(tx, input.announce(changed), now);
      return { kind: "changed" as const, appointment: changed };
    });
  }

  async sendDueReminders(
    input: Parameters<BookingRepo["sendDueReminders"]>[0],
  ): ReturnType<BookingRepo["sendDueReminders"]> {
    const { offsets, defaults } = await this.reminderOffsets();
    if (offsets.length === 0) return { sent: 0 };
    const candidates = await this.dueCandidates(input, offsets, defaults);
    if (candidates.length === 0) return { sent: 0 };
    // A deadlock victim runs again and then skips what the winner sent.
    return retryConflicts(() =>
      this.db.transaction(async (tx) => {
        const ids = [...new Set(candidates.map((c) => c.id))];
        const marks = ids.map(() => "?").join(", ");
        // Locked: a cancel or a move waits for this transaction (or went first, and the row is
        // no longer confirmed), and a second cron run waits here, then finds the keys below.
        const { rows } = await tx.execute(
          `SELECT ${APPOINTMENT_COLUMNS}, st.name AS staff_name, ${BUSINESS_NAME_SQL} AS business_name,
             (SELECT name FROM services WHERE id = a.service_id) AS service_name,
             (SELECT price_minor FROM services WHERE id = a.service_id) AS price_minor,
             (SELECT currency FROM services WHERE id = a.service_id) AS currency,
             (SELECT m.id FROM appointments m WHERE m.manage_token_hash = a.manage_token_hash
               ORDER BY ${TOKEN_ORIGIN_ORDER("m")} LIMIT 1) AS token_origin
           ${APPOINTMENT_FROM} WHERE a.id IN (${marks}) AND a.status = 'confirmed' FOR UPDATE`,
          ids,
        );
        const { rows: sentRows } = await tx.execute(
          `SELECT appointment_id, offset_min FROM reminders_sent WHERE appointment_id IN (${marks}) LOCK IN SHARE MODE`,
          ids,
        );
        const sent = new Set(
          (sentRows as Row[]).map((r) => `${String(r.appointment_id)}:${toInt(r.offset_min)}`),
        );
        const byId = new Map((rows as Row[]).map((row) => [String(row.id), row]));
        const due: DueReminder[] = [];
        for (const c of candidates) {
          const row = byId.get(c.id);
          if (!row || sent.has(`${c.id}:${c.offsetMin}`)) continue;
          const { manageTokenHash, ...appointment } = toAppointment(row);
          due.push({
            appointment,
            offsetMin: c.offsetMin,
            facts: toFacts(row),
            manageToken: { originId: String(row.token_origin ?? c.id), hash: manageTokenHash },
          });
        }
        if (due.length === 0) return { sent: 0 };
        const now = toSqlDateTime(input.nowMs);
        // The keys, under their primary key: should a run ever get past the locks with a key
        // already written, its INSERT fails with 1062 and the whole run rolls back unsent.
        await tx.execute(
          `INSERT INTO reminders_sent (appointment_id, offset_min, sent_at) VALUES ${due.map(() => "(?, ?, ?)").join(", ")}`,
          due.flatMap((d) => [d.appointment.id, d.offsetMin, now]),
        );
        await writeAnnouncement(tx, await input.announce(due), now);
        return { sent: due.length };
      }),
    );
  }

  /** Every offset in use: the settings' (the default) and each service's own list. */
  private async reminderOffsets(): Promise<{ offsets: number[]; defaults: number[] }> {
    const { rows } = await this.db.execute(
      `SELECT CAST(document AS CHAR) AS document, NULL AS reminders FROM settings WHERE id = 1
       UNION ALL SELECT NULL, CAST(reminders AS CHAR) FROM services WHERE reminders IS NOT NULL GROUP BY CAST(reminders AS CHAR)`,
    );
    let defaults = DEFAULT_SETTINGS.reminders;
    const offsets = new Set<number>();
    for (const row of rows as Row[]) {
      if (row.document !== null && row.document !== undefined)
        defaults = Settings.parse(parseJsonColumn(row.document)).reminders;
      else
        for (const offset of ReminderOffsets.parse(parseJsonColumn(row.reminders)))
          offsets.add(offset);
    }
    for (const offset of defaults) offsets.add(offset);
    return { offsets: [...offsets].sort((a, b) => a - b), defaults };
  }

  private async dueCandidates(
    input: { nowMs: number; catchUpMs: number; limit: number },
    offsets: number[],
    defaults: number[],
  ): Promise<{ id: string; offsetMin: number }[]> {
    const { sql, params } = dueRemindersStatement(input, offsets, defaults);
    const { rows } = await this.db.execute(sql, params);
    return (rows as Row[]).map((row) => ({
      id: String(row.id),
      offsetMin: toInt(row.offset_min),
    }));
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
    if (filter.customerName !== undefined)
      add("a.customer_name LIKE ?", `%${filter.customerName.replace(/[\\%_]/g, "\\$&")}%`);
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

  messagesOf(appointmentId: string, limit: number) {
    return readAppointmentMessages(this.db, appointmentId, limit);
  }
}
