/**
 * The catalog in MySQL: settings, services, staff (with the services they perform), weekly
 * schedules, date overrides and closures. One adapter for one port, kept
 * together so every catalog query is in one place.
 */
import type { Client, Transaction } from "@planetscale/database";
import type {
  Closure,
  DateOverride,
  Service,
  ServiceInput,
  Staff,
  StaffInput,
  WeeklySchedule,
} from "../../domain/catalog/types.ts";
import { decodeQuestions } from "../../domain/catalog/questions.ts";
import type { CatalogRepo, PendingAudit } from "../../domain/ports.ts";
import { auditedStatement, auditedTransaction } from "./audit-repo.ts";
import { DEFAULT_SETTINGS, ReminderOffsets, Settings } from "../../domain/settings/settings.ts";
import { decodeIntervals, decodeWeekly, encodeIntervals, encodeWeekly } from "./schedule-codec.ts";
import {
  fromSqlDate,
  fromSqlDateTime,
  parseJsonColumn,
  toBool,
  toInt,
  toSqlDateTime,
} from "./sql-values.ts";

type Row = Record<string, unknown>;
type Executor = Pick<Client, "execute"> | Transaction;

const SERVICE_COLUMNS =
  "id, name, description, duration_min, buffer_before_min, buffer_after_min, price_minor, currency, active, questions, created_at, updated_at, reminders";

/** Staff rows with their service ids aggregated in the same statement. */
const STAFF_SELECT = `SELECT s.id, s.name, s.bio, s.email, s.phone, s.time_zone, s.active, s.created_at, s.updated_at,
  (SELECT GROUP_CONCAT(ss.service_id ORDER BY ss.service_id SEPARATOR ',') FROM staff_services ss WHERE ss.staff_id = s.id) AS service_ids
  FROM staff s`;

function toService(row: Row): Service {
  return {
    id: String(row.id),
    name: String(row.name),
    description: String(row.description),
    durationMin: toInt(row.duration_min),
    bufferBeforeMin: toInt(row.buffer_before_min),
    bufferAfterMin: toInt(row.buffer_after_min),
    price: { amountMinor: toInt(row.price_minor), currency: String(row.currency) },
    active: toBool(row.active),
    reminders:
      row.reminders === null || row.reminders === undefined
        ? null
        : ReminderOffsets.parse(parseJsonColumn(row.reminders)),
    questions: decodeQuestions(row.questions),
    createdAtMs: fromSqlDateTime(row.created_at),
    updatedAtMs: fromSqlDateTime(row.updated_at),
  };
}

/** No questions is NULL, as rows written before questions existed. */
function encodeQuestions(questions: ServiceInput["questions"]): string | null {
  return questions.length === 0 ? null : JSON.stringify(questions);
}

function toStaff(row: Row): Staff {
  const ids =
    row.service_ids === null || row.service_ids === undefined ? "" : String(row.service_ids);
  return {
    id: String(row.id),
    name: String(row.name),
    bio: String(row.bio),
    email: String(row.email),
    phone: row.phone === null ? null : String(row.phone),
    timeZone: row.time_zone === null ? null : String(row.time_zone),
    serviceIds: ids === "" ? [] : ids.split(","),
    active: toBool(row.active),
    createdAtMs: fromSqlDateTime(row.created_at),
    updatedAtMs: fromSqlDateTime(row.updated_at),
  };
}

export class MysqlCatalogRepo implements CatalogRepo {
  constructor(
    private readonly db: Client,
    private readonly nowMs: () => number,
  ) {}

  private now(): string {
    return toSqlDateTime(this.nowMs());
  }

  async getSettings(): Promise<Settings> {
    const { rows } = await this.db.execute("SELECT document FROM settings WHERE id = 1");
    const row = rows[0] as Row | undefined;
    return row ? Settings.parse(parseJsonColumn(row.document)) : DEFAULT_SETTINGS;
  }

  async putSettings(settings: Settings, audit?: PendingAudit): Promise<void> {
    await auditedStatement(this.db, audit, null, (db) =>
      db.execute(
        `INSERT INTO settings (id, document, updated_at) VALUES (1, ?, ?)
       ON DUPLICATE KEY UPDATE document = VALUES(document), updated_at = VALUES(updated_at)`,
        [JSON.stringify(settings), this.now()],
      ),
    );
  }

  async listServices({ activeOnly }: { activeOnly: boolean }): Promise<Service[]> {
    const where = activeOnly ? "WHERE active = 1" : "";
    const { rows } = await this.db.execute(
      `SELECT ${SERVICE_COLUMNS} FROM services ${where} ORDER BY name, id`,
    );
    return (rows as Row[]).map(toService);
  }

  async getService(id: string): Promise<Service | null> {
    const { rows } = await this.db.execute(`SELECT ${SERVICE_COLUMNS} FROM services WHERE id = ?`, [
      id,
    ]);
    const row = rows[0] as Row | undefined;
    return row ? toService(row) : null;
  }

  async createService(id: string, input: ServiceInput, audit?: PendingAudit): Promise<Service> {
    const now = this.now();
    await auditedStatement(this.db, audit, id, (db) =>
      db.execute(
        `INSERT INTO services (${SERVICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          input.name,
          input.description,
          input.durationMin,
          input.bufferBeforeMin,
          input.bufferAfterMin,
          input.price.amountMinor,
          input.price.currency,
          input.active ? 1 : 0,
          encodeQuestions(input.questions),
          now,
          now,
          input.reminders === null ? null : JSON.stringify(input.reminders),
        ],
      ),
    );
    return { ...input, id, createdAtMs: fromSqlDateTime(now), updatedAtMs: fromSqlDateTime(now) };
  }

  async updateService(
    id: string,
    input: ServiceInput,
    audit?: PendingAudit,
  ): Promise<Service | null> {
    const result = await auditedStatement(
      this.db,
      audit,
      id,
      (db) =>
        db.execute(
          `UPDATE services SET name = ?, description = ?, duration_min = ?, buffer_before_min = ?, buffer_after_min = ?,
         price_minor = ?, currency = ?, active = ?, reminders = ?, questions = ?, updated_at = ? WHERE id = ?`,
          [
            input.name,
            input.description,
            input.durationMin,
            input.bufferBeforeMin,
            input.bufferAfterMin,
            input.price.amountMinor,
            input.price.currency,
            input.active ? 1 : 0,
            input.reminders === null ? null : JSON.stringify(input.reminders),
            encodeQuestions(input.questions),
            this.now(),
            id,
          ],
        ),
      (result) => result.rowsAffected > 0,
    );
    return result.rowsAffected === 0 ? null : this.getService(id);
  }

  async deleteService(
    id: string,
    audit?: PendingAudit,
  ): Promise<"deleted" | "not-found" | "has-future-appointments"> {
    return auditedTransaction(
      this.db,
      audit,
      id,
      async (tx) => {
        // Lock the service row first, so no booking for it can commit between the check and the delete.
        const { rows } = await tx.execute("SELECT id FROM services WHERE id = ? FOR UPDATE", [id]);
        if (rows.length === 0) return "not-found";
        if (await hasFutureAppointments(tx, "service_id", id, this.now()))
          return "has-future-appointments";
        await tx.execute("DELETE FROM staff_services WHERE service_id = ?", [id]);
        await tx.execute("DELETE FROM services WHERE id = ?", [id]);
        return "deleted" as const;
      },
      (outcome) => outcome === "deleted",
    );
  }

  async listStaff({
    activeOnly,
    serviceId,
  }: {
    activeOnly: boolean;
    serviceId?: string;
  }): Promise<Staff[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (activeOnly) conditions.push("s.active = 1");
    if (serviceId !== undefined) {
      conditions.push(
        "EXISTS (SELECT 1 FROM staff_services f WHERE f.staff_id = s.id AND f.service_id = ?)",
      );
      params.push(serviceId);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
    const { rows } = await this.db.execute(
      `${STAFF_SELECT} ${where} ORDER BY s.name, s.id`,
      params,
    );
    return (rows as Row[]).map(toStaff);
  }

  async getStaff(id: string): Promise<Staff | null> {
    const { rows } = await this.db.execute(`${STAFF_SELECT} WHERE s.id = ?`, [id]);
    const row = rows[0] as Row | undefined;
    return row ? toStaff(row) : null;
  }

  async createStaff(id: string, input: StaffInput, audit?: PendingAudit): Promise<Staff> {
    const now = this.now();
    await auditedTransaction(this.db, audit, id, async (tx) => {
      await tx.execute(
        `INSERT INTO staff (id, name, bio, email, phone, time_zone, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          input.name,
          input.bio,
          input.email,
          input.phone,
          input.timeZone,
          input.active ? 1 : 0,
          now,
          now,
        ],
      );
      await replaceStaffServices(tx, id, input.serviceIds);
    });
    return { ...input, id, createdAtMs: fromSqlDateTime(now), updatedAtMs: fromSqlDateTime(now) };
  }

  async updateStaff(id: string, input: StaffInput, audit?: PendingAudit): Promise<Staff | null> {
    const found = await auditedTransaction(
      this.db,
      audit,
      id,
      async (tx) => {
        const result = await tx.execute(
          `UPDATE staff SET name = ?, bio = ?, email = ?, phone = ?, time_zone = ?, active = ?, updated_at = ? WHERE id = ?`,
          [
            input.name,
            input.bio,
            input.email,
            input.phone,
            input.timeZone,
            input.active ? 1 : 0,
            this.now(),
            id,
          ],
        );
        if (result.rowsAffected === 0) return false;
        await replaceStaffServices(tx, id, input.serviceIds);
        return true;
      },
      (found) => found,
    );
    return found ? this.getStaff(id) : null;
  }

  async deleteStaff(
    id: string,
    audit?: PendingAudit,
  ): Promise<"deleted" | "not-found" | "has-future-appointments"> {
    return auditedTransaction(
      this.db,
      audit,
      id,
      async (tx) => {
        const { rows } = await tx.execute("SELECT id FROM staff WHERE id = ? FOR UPDATE", [id]);
        if (rows.length === 0) return "not-found";
        if (await hasFutureAppointments(tx, "staff_id", id, this.now()))
          return "has-future-appointments";
        for (const table of ["staff_services", "staff_schedules", "staff_overrides"]) {
          await tx.execute(`DELETE FROM ${table} WHERE staff_id = ?`, [id]);
        }
        await tx.execute("DELETE FROM staff WHERE id = ?", [id]);
        return "deleted" as const;
      },
      (outcome) => outcome === "deleted",
    );
  }

  async getSchedule(staffId: string): Promise<WeeklySchedule | null> {
    const { rows } = await this.db.execute(
      "SELECT st.id, sc.weekly FROM staff st LEFT JOIN staff_schedules sc ON sc.staff_id = st.id WHERE st.id = ?",
      [staffId],
    );
    const row = rows[0] as Row | undefined;
    if (!row) return null;
    return row.weekly === null ? {} : decodeWeekly(parseJsonColumn(row.weekly));
  }

  async putSchedule(
    staffId: string,
    weekly: WeeklySchedule,
    audit?: PendingAudit,
  ): Promise<boolean> {
    // One statement: the row is written only if the staff member exists.
    const result = await auditedStatement(
      this.db,
      audit,
      staffId,
      (db) =>
        db.execute(
          `INSERT INTO staff_schedules (staff_id, weekly, updated_at) SELECT id, ?, ? FROM staff WHERE id = ?
       ON DUPLICATE KEY UPDATE weekly = VALUES(weekly), updated_at = VALUES(updated_at)`,
          [encodeWeekly(weekly), this.now(), staffId],
        ),
      (result) => result.rowsAffected > 0,
    );
    return result.rowsAffected > 0 || (await this.getStaff(staffId)) !== null;
  }

  async listOverrides(
    staffId: string,
    range: { from?: string; to?: string },
  ): Promise<DateOverride[]> {
    const { rows } = await this.db.execute(
      `SELECT staff_id, DATE_FORMAT(local_date, '%Y-%m-%d') AS local_date, intervals, note FROM staff_overrides
       WHERE staff_id = ? AND local_date >= ? AND local_date <= ? ORDER BY local_date`,
      [staffId, range.from ?? "1000-01-01", range.to ?? "9999-12-31"],
    );
    return (rows as Row[]).map((row) => ({
      staffId: String(row.staff_id),
      date: fromSqlDate(row.local_date),
      intervals: decodeIntervals(parseJsonColumn(row.intervals)),
      note: String(row.note),
    }));
  }

  async putOverride(override: DateOverride, audit?: PendingAudit): Promise<boolean> {
    const result = await auditedStatement(
      this.db,
      audit,
      override.staffId,
      (db) =>
        db.execute(
          `INSERT INTO staff_overrides (staff_id, local_date, intervals, note, updated_at) SELECT id, ?, ?, ?, ? FROM staff WHERE id = ?
       ON DUPLICATE KEY UPDATE intervals = VALUES(intervals), note = VALUES(note), updated_at = VALUES(updated_at)`,
          [
            override.date,
            encodeIntervals(override.intervals),
            override.note,
            this.now(),
            override.staffId,
          ],
        ),
      (result) => result.rowsAffected > 0,
    );
    // rowsAffected is 0 when an identical row is rewritten; tell that apart from "no such staff".
    return result.rowsAffected > 0 || (await this.getStaff(override.staffId)) !== null;
  }

  async deleteOverride(staffId: string, date: string, audit?: PendingAudit): Promise<boolean> {
    const result = await auditedStatement(
      this.db,
      audit,
      staffId,
      (db) =>
        db.execute("DELETE FROM staff_overrides WHERE staff_id = ? AND local_date = ?", [
          staffId,
          date,
        ]),
      (result) => result.rowsAffected > 0,
    );
    return result.rowsAffected > 0;
  }

  async listClosures(): Promise<Closure[]> {
    const { rows } = await this.db.execute(
      `SELECT id, DATE_FORMAT(start_date, '%Y-%m-%d') AS start_date, DATE_FORMAT(end_date, '%Y-%m-%d') AS end_date, reason
       FROM closures ORDER BY start_date, id`,
    );
    return (rows as Row[]).map((row) => ({
      id: String(row.id),
      startDate: fromSqlDate(row.start_date),
      endDate: fromSqlDate(row.end_date),
      reason: String(row.reason),
    }));
  }

  async createClosure(closure: Closure, audit?: PendingAudit): Promise<Closure> {
    await auditedStatement(this.db, audit, closure.id, (db) =>
      db.execute(
        "INSERT INTO closures (id, start_date, end_date, reason, created_at) VALUES (?, ?, ?, ?, ?)",
        [closure.id, closure.startDate, closure.endDate, closure.reason, this.now()],
      ),
    );
    return closure;
  }

  async deleteClosure(id: string, audit?: PendingAudit): Promise<boolean> {
    const result = await auditedStatement(
      this.db,
      audit,
      id,
      (db) => db.execute("DELETE FROM closures WHERE id = ?", [id]),
      (result) => result.rowsAffected > 0,
    );
    return result.rowsAffected > 0;
  }
}

async function replaceStaffServices(
  tx: Transaction,
  staffId: string,
  serviceIds: string[],
): Promise<void> {
  await tx.execute("DELETE FROM staff_services WHERE staff_id = ?", [staffId]);
  if (serviceIds.length === 0) return;
  const placeholders = serviceIds.map(() => "(?, ?)").join(", ");
  await tx.execute(
    `INSERT INTO staff_services (staff_id, service_id) VALUES ${placeholders}`,
    serviceIds.flatMap((serviceId) => [staffId, serviceId]),
  );
}

async function hasFutureAppointments(
  db: Executor,
  column: "service_id" | "staff_id",
  id: string,
  now: string,
): Promise<boolean> {
  const { rows } = await db.execute(
    `SELECT 1 AS found FROM appointments WHERE ${column} = ? AND status = 'confirmed' AND end_at > ? LIMIT 1`,
    [id, now],
  );
  return rows.length > 0;
}
